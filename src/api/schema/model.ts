/**
 * One schema model, two renderings. Every node is written once, in the OpenAPI v3 subset that
 * CRDs accept (with `x-kubernetes-*` extensions and CEL rules); `toCrdSchema` keeps that and
 * `toJsonSchema` turns it into JSON Schema draft-07 for editors and `gmsctl validate`. Where
 * the two must differ (a CEL rule and its JSON Schema equivalent, option values that are
 * bool|number|string), the node carries a `json` override right next to the CRD form, so the
 * two cannot drift apart unnoticed.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

/** A CEL rule of a CRD (`x-kubernetes-validations` entry). */
export interface CelRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  /** JSONPath-ish path (relative to the node) the error is reported at. */
  fieldPath?: string;
  reason?:
    'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

export interface SchemaNode {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  /** Map values (mutually exclusive with `properties` in a structural schema). */
  additionalProperties?: SchemaNode;
  items?: SchemaNode;
  required?: string[];
  enum?: JsonValue[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  /** Bounds a map (also the cost the API server estimates for CEL rules over its keys). */
  maxProperties?: number;
  default?: JsonValue;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: CelRule[];
  /**
   * JSON Schema rendering only: `replace` stands in for the whole node (description kept);
   * `extra` is merged in (e.g. `if`/`then` for a CEL rule, `not` for a forbidden field).
   */
  json?: { replace?: JsonObject; extra?: JsonObject };
}

const CEL_KEYWORDS = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

/**
 * A property name as CEL sees it in CRD rules (Kubernetes escaping: `.` -> `__dot__`,
 * `-` -> `__dash__`, `/` -> `__slash__`, `__` -> `__underscores__`, keywords `__kw__`).
 */
export function celField(name: string): string {
  if (!/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name))
    throw new Error(`property ${JSON.stringify(name)} cannot be accessed from CEL`);
  if (CEL_KEYWORDS.has(name)) return `__${name}__`;
  return name
    .replace(/__/g, '__underscores__')
    .replace(/\./g, '__dot__')
    .replace(/-/g, '__dash__')
    .replace(/\//g, '__slash__');
}

/** A single-quoted CEL string literal. */
export function celString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A CEL raw string literal for a regular expression (RE2 syntax, as the API server runs it). */
export function celRegex(re: string): string {
  if (re.includes("'")) throw new Error(`regex ${re} contains a quote`);
  return `r'${re}'`;
}

// --- rendering ------------------------------------------------------------------------------

/** Keys copied as they are into both the CRD schema and the JSON Schema, in this order. */
const VALUE_KEYS = [
  'format',
  'enum',
  'default',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'maxProperties',
  'required',
] as const;

const KEY_ORDER: (keyof SchemaNode)[] = [
  'description',
  'type',
  ...VALUE_KEYS,
  'properties',
  'additionalProperties',
  'items',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
];

/** The node as an `openAPIV3Schema` of a CRD (apiextensions.k8s.io/v1). */
export function toCrdSchema(node: SchemaNode): JsonObject {
  const out: JsonObject = {};
  for (const key of KEY_ORDER) {
    const v = node[key];
    if (v === undefined) continue;
    if (key === 'properties') {
      const props: JsonObject = {};
      for (const [name, child] of Object.entries(v as Record<string, SchemaNode>))
        props[name] = toCrdSchema(child);
      out.properties = props;
    } else if (key === 'additionalProperties' || key === 'items') {
      out[key] = toCrdSchema(v as SchemaNode);
    } else if (key === 'x-kubernetes-validations') {
      out[key] = (v as CelRule[]).map((r) => {
        const o: JsonObject = { rule: r.rule };
        if (r.message !== undefined) o.message = r.message;
        if (r.messageExpression !== undefined) o.messageExpression = r.messageExpression;
        if (r.fieldPath !== undefined) o.fieldPath = r.fieldPath;
        if (r.reason !== undefined) o.reason = r.reason;
        return o;
      });
    } else {
      out[key] = v as JsonValue;
    }
  }
  return out;
}

/** The node as JSON Schema draft-07. */
export function toJsonSchema(node: SchemaNode): JsonObject {
  if (node.json?.replace) {
    const out: JsonObject = {};
    if (node.description !== undefined) out.description = node.description;
    Object.assign(out, node.json.replace);
    if (node.json.extra) Object.assign(out, node.json.extra);
    return out;
  }
  const out: JsonObject = {};
  if (node.description !== undefined) out.description = node.description;
  if (node['x-kubernetes-int-or-string']) out.type = ['integer', 'string'];
  else if (node.type) out.type = node.type;
  for (const key of VALUE_KEYS) {
    const v = node[key];
    if (v !== undefined) out[key] = v as JsonValue;
  }
  if (node.format === 'int32' || node.format === 'int64') delete out.format;
  if (node.properties) {
    const props: JsonObject = {};
    for (const [name, child] of Object.entries(node.properties)) props[name] = toJsonSchema(child);
    out.properties = props;
    // Kubernetes drops unknown fields (and kubectl's strict validation rejects them); in the
    // JSON Schema they are errors, except where the CRD keeps them (option maps).
    if (!node['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  }
  if (node.additionalProperties) out.additionalProperties = toJsonSchema(node.additionalProperties);
  if (node.items) out.items = toJsonSchema(node.items);
  if (node['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  if (node.json?.extra) Object.assign(out, node.json.extra);
  return out;
}

/** Every CEL rule in a node tree, with its path (for tests and docs). */
export function collectRules(node: SchemaNode, path = ''): { path: string; rule: CelRule }[] {
  const found = (node['x-kubernetes-validations'] ?? []).map((rule) => ({
    path: path || '.',
    rule,
  }));
  for (const [name, child] of Object.entries(node.properties ?? {}))
    found.push(...collectRules(child, `${path}.${name}`));
  if (node.items) found.push(...collectRules(node.items, `${path}[]`));
  if (node.additionalProperties)
    found.push(...collectRules(node.additionalProperties, `${path}.*`));
  return found;
}
