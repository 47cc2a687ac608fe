/**
 * Option maps (`spec.chat`, `spec.options`, `spec.push.options`, PushProvider `spec.options`):
 * every catalog option of the section is a named property with the catalog's description, so
 * `kubectl explain chatservice.spec.chat.enable_notification_mode` prints it and editors
 * complete it; unknown options are kept (they are warnings, DESIGN.md).
 *
 * Values may be YAML booleans, numbers or strings (DESIGN.md "API"). A structural schema cannot
 * type a bool|number|string union, so each option gets the narrowest structural form that still
 * accepts every spelling GMS would read the same way:
 *   boolean -> untyped with x-kubernetes-preserve-unknown-fields (true and "true" both pass;
 *              the value itself is checked by the validator and the operator's ConfigValid);
 *   integer, enum, list, string -> x-kubernetes-int-or-string, checked with CEL or `enum`;
 *   url -> string with a pattern.
 * The JSON Schema rendering is exact for every type (`enum: [true, false, "true", "false"]`).
 *
 * Defaults are documented, never set as schema `default`: the API server would write them
 * into every object, and an option the user never wrote would be rendered and version-gated
 * (push_notification_to_active_client on a GMS older than 8.5.219.03).
 */
import {
  expandOptionNames,
  optionsForSection,
  type OptionSpec,
  type SectionPattern,
} from '../../catalog/index.js';
import { SINGLE_LINE_PATTERN } from './common.js';
import { celField, celRegex, type CelRule, type JsonValue, type SchemaNode } from './model.js';

/** Longest option value the schemas accept (bounds CEL cost; no GMS text comes close). */
export const OPTION_VALUE_MAX = 4096;

const SECTION_LABEL: Record<SectionPattern, string> = {
  chat: '[chat]',
  'chat.<service>': '[chat.<service>]',
  push: '[push]',
  'push.provider.<name>': '[push.provider.<name>]',
  gms: '[gms]',
  server: '[server]',
  log: '[log]',
  'service.<name>': '[service.<name>]',
  'client-file-transfer': '[client-file-transfer]',
  settings: '[settings]',
  connections: '[connections]',
};

export function sectionLabel(p: SectionPattern): string {
  return SECTION_LABEL[p];
}

/** The catalog facts appended to an option's description (kubectl explain, editor hovers). */
export function optionFacts(o: OptionSpec): string {
  const facts: string[] = [];
  facts.push(`GMS option ${o.name} in ${o.sections.map(sectionLabel).join(', ')}.`);
  if (o.default !== undefined) facts.push(`Default: ${o.default === '' ? '(empty)' : o.default}.`);
  if (o.validValues && o.type !== 'boolean')
    facts.push(
      `${o.type === 'list' ? 'Comma-separated list of' : 'Valid values:'} ${o.validValues.join(', ')}.`,
    );
  if (o.min !== undefined || o.max !== undefined)
    facts.push(`Range: ${o.min ?? '-inf'}..${o.max ?? 'inf'}${o.unit ? ` ${o.unit}` : ''}.`);
  facts.push(
    o.takesEffect === 'immediate' ? 'Takes effect immediately.' : 'Takes effect after restart.',
  );
  if (o.introduced)
    facts.push(
      `Introduced in ${o.application === 'chat-server' ? 'Chat Server' : 'GMS'} ${o.introduced}.`,
    );
  if (o.valueIntroduced)
    facts.push(
      `Values need: ${Object.entries(o.valueIntroduced)
        .map(([v, ver]) => `${v} ${ver}+`)
        .join(', ')}.`,
    );
  if (o.deprecated) facts.push(`Deprecated: ${o.deprecated}.`);
  if (o.unverified) facts.push(`UNVERIFIED: ${o.unverified}.`);
  facts.push(`Source: ${o.source}`);
  return `${o.description} ${facts.join(' ')}`;
}

function intRule(o: OptionSpec): CelRule {
  const digits = celRegex('^-?[0-9]{1,18}$');
  const bounds = (v: string): string[] => [
    ...(o.min !== undefined ? [`${v} >= ${o.min}`] : []),
    ...(o.max !== undefined ? [`${v} <= ${o.max}`] : []),
  ];
  const asInt = bounds('self');
  const asString = bounds('int(self)');
  const intBranch = asInt.length ? asInt.join(' && ') : 'true';
  const stringBranch = [`self.matches(${digits})`, ...asString].join(' && ');
  const range =
    o.min !== undefined || o.max !== undefined
      ? ` in ${o.min ?? '-inf'}..${o.max ?? 'inf'}${o.unit ? ` ${o.unit}` : ''}`
      : '';
  return {
    rule: `type(self) == int ? ${intBranch} : ${stringBranch}`,
    message: `${o.name} must be an integer${range}`,
  };
}

function listPattern(values: readonly string[]): string {
  const member = `(${values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
  return `^\\s*(${member}(\\s*,\\s*${member})*)?\\s*$`;
}

/** The schema node of one option value. */
export function optionValueNode(o: OptionSpec, name: string): SchemaNode {
  const description = optionFacts(o).replace(
    o.name,
    name === o.name ? o.name : `${name} (${o.name})`,
  );
  switch (o.type) {
    case 'boolean':
      return {
        description,
        'x-kubernetes-preserve-unknown-fields': true,
        json: { replace: { enum: [true, false, 'true', 'false'] } },
      };
    case 'integer':
      return {
        description,
        'x-kubernetes-int-or-string': true,
        maxLength: 20,
        'x-kubernetes-validations': [intRule(o)],
        json: {
          replace: {
            type: ['integer', 'string'],
            pattern: '^-?[0-9]{1,18}$',
            ...(o.min !== undefined ? { minimum: o.min } : {}),
            ...(o.max !== undefined ? { maximum: o.max } : {}),
          },
        },
      };
    case 'enum': {
      const values = o.validValues ?? [];
      const numeric = values.filter((v) => /^-?[0-9]+$/.test(v));
      const jsonEnum: JsonValue[] = [...values, ...numeric.map(Number)];
      if (numeric.length === 0) {
        return {
          description,
          'x-kubernetes-int-or-string': true,
          enum: [...values],
          json: { replace: { enum: jsonEnum } },
        };
      }
      return {
        description,
        'x-kubernetes-int-or-string': true,
        maxLength: 64,
        'x-kubernetes-validations': [
          {
            rule: `string(self) in [${values.map((v) => `'${v}'`).join(', ')}]`,
            message: `${o.name} must be one of ${values.join(', ')}`,
          },
        ],
        json: { replace: { enum: jsonEnum } },
      };
    }
    case 'list': {
      const pattern = listPattern(o.validValues ?? []);
      return {
        description,
        'x-kubernetes-int-or-string': true,
        maxLength: 512,
        'x-kubernetes-validations': [
          {
            rule: `type(self) == string && self.matches(${celRegex(pattern)})`,
            message: `${o.name} must be a comma-separated list of ${(o.validValues ?? []).join(', ')}`,
          },
        ],
        json: { replace: { type: 'string', pattern, maxLength: 512 } },
      };
    }
    case 'url':
      return {
        description,
        type: 'string',
        pattern: '^(https?://[^\\s]+)?$',
        maxLength: 2048,
      };
    case 'string': {
      const pattern = o.pattern ? `^$|${o.pattern}` : SINGLE_LINE_PATTERN;
      return {
        description,
        'x-kubernetes-int-or-string': true,
        pattern,
        maxLength: OPTION_VALUE_MAX,
      };
    }
  }
}

/** A property that must not be written here, with the reason (enforced by CEL and JSON Schema). */
interface Forbidden {
  name: string;
  node: SchemaNode;
  message: string;
}

function forbiddenNode(o: OptionSpec, description: string, asBoolean: boolean): SchemaNode {
  // The node must be visible to CEL for the parent's has() rule: typed, or int-or-string.
  const base: SchemaNode = asBoolean
    ? { type: 'boolean' }
    : { 'x-kubernetes-int-or-string': true, maxLength: OPTION_VALUE_MAX };
  return {
    description: `${description} ${optionFacts(o)}`,
    ...base,
    json: { replace: { not: {} } },
  };
}

function fieldPathOf(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `.${name}` : `['${name}']`;
}

export interface OptionMapSpec {
  section: SectionPattern;
  description: string;
  /** Where credentials of this section come from instead (e.g. "PushProvider spec.fcm"). */
  credentialHint: string;
}

/**
 * The object of one option map: every option valid in the section (templates with a closed set
 * of values expanded to one property each), credentials and options the documentation rules
 * out of the section as forbidden properties with a clear message, unknown keys kept.
 */
export function optionMapNode(spec: OptionMapSpec): SchemaNode {
  const properties: Record<string, SchemaNode> = {};
  const forbidden: Forbidden[] = [];
  for (const o of optionsForSection(spec.section)) {
    for (const name of expandOptionNames(o)) {
      if (name.includes('<')) continue; // open template (chatserver.<name>): not a map key
      if (o.credential) {
        const message = `${name} is a credential: reference a Secret (${spec.credentialHint}); inline credentials are rejected`;
        forbidden.push({
          name,
          message,
          node: forbiddenNode(o, `Not allowed here: ${message}.`, false),
        });
      } else {
        properties[name] = optionValueNode(o, name);
      }
    }
  }
  // Options the documentation rules out of this section (enable_notification_mode).
  for (const o of optionsForSection('chat').concat(optionsForSection('push'))) {
    const rule = o.forbiddenIn?.find((f) => f.section === spec.section);
    if (rule && !properties[o.name] && !forbidden.some((f) => f.name === o.name)) {
      const message = `${o.name} is not allowed in ${sectionLabel(spec.section)}: ${rule.reason}`;
      forbidden.push({
        name: o.name,
        message,
        node: forbiddenNode(o, `Not allowed here: ${message}.`, o.type === 'boolean'),
      });
    }
  }
  for (const f of forbidden) properties[f.name] = f.node;
  const sorted = Object.fromEntries(
    Object.entries(properties).sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    description: spec.description,
    type: 'object',
    properties: sorted,
    'x-kubernetes-preserve-unknown-fields': true,
    json: {
      extra: {
        additionalProperties: {
          description:
            'An option the catalog does not know (reported as a warning; restart-required).',
          type: ['string', 'number', 'boolean'],
        },
      },
    },
    ...(forbidden.length > 0
      ? {
          'x-kubernetes-validations': forbidden.map((f) => ({
            rule: `!has(self.${celField(f.name)})`,
            message: f.message,
            fieldPath: fieldPathOf(f.name),
            reason: 'FieldValueForbidden' as const,
          })),
        }
      : {}),
  };
}
