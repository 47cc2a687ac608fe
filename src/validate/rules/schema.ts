/**
 * schema: ajv over the JSON Schemas generated from src/api (the ones in schemas/ and in the
 * CRDs), with every error mapped to the YAML node (domain/load-balancers.md §7: instancePath ->
 * path -> node range -> line:col; the key for unknown fields and type errors, the parent key
 * for a missing field).
 *
 * Messages are rewritten for people (`unknown field spec.expsoe; did you mean expose?`), and
 * errors other rules explain better are dropped: anything inside an option map (the option-*
 * rules check those against the catalog) and any path another rule already reported.
 *
 * The validate functions come precompiled for the API's own schemas (ajv standalone code,
 * src/validate/generated/, docs/adr/0015): gmsctl neither loads ajv's compiler nor compiles a
 * schema at run time. Other schema sets (tests, embedders) are compiled with ajv on first use.
 */
import { createRequire } from 'node:module';
import type * as AjvModule from 'ajv';
import type { ErrorObject, Options as AjvOptions, ValidateFunction } from 'ajv';
import type { Emit, Finding, ManifestObject } from '../model.js';
import { formatPath, pointerToPath, type Path } from '../yaml/path.js';
import { closest } from '../suggest.js';

export type SchemaSet = Readonly<Record<string, object>>;

/** Validate functions by kind, compiled ahead of time with the options below. */
export interface CompiledSchemas {
  quick: Readonly<Record<string, ValidateFunction>>;
  detailed: Readonly<Record<string, ValidateFunction>>;
}

/** The quick check: stops at the first error; clean objects only need its verdict. */
export const QUICK_AJV_OPTIONS: AjvOptions = {
  allErrors: false,
  strict: false,
  validateFormats: false,
};

/** The detailed check: every error, with the failing schema node (verbose) for did-you-mean. */
export const DETAILED_AJV_OPTIONS: AjvOptions = {
  allErrors: true,
  strict: false,
  verbose: true,
  validateFormats: false,
};

/**
 * Paths whose children are option maps, owned by the option rules. spec.sections is one level
 * more (a map of option maps): its section names, their count and their values are owned by
 * the sections rule (rules/sections.ts), which says which field to use instead.
 */
export const OPTION_MAP_PATHS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  ChatService: [
    ['spec', 'chat'],
    ['spec', 'options'],
    ['spec', 'push', 'options'],
    ['spec', 'gms', 'options'],
    ['spec', 'sections'],
  ],
  PushProvider: [['spec', 'options']],
};

function isStrictlyInside(path: Path, prefix: readonly string[]): boolean {
  return path.length > prefix.length && prefix.every((seg, i) => path[i] === seg);
}

/** ajv itself, loaded only when a schema set has to be compiled at run time. */
function loadAjv(): typeof AjvModule {
  return createRequire(import.meta.url)('ajv') as typeof AjvModule;
}

export class SchemaValidator {
  private readonly kindNames: readonly string[];
  private readonly quick = new Map<string, ValidateFunction>();
  private readonly detailed = new Map<string, ValidateFunction>();
  private readonly schemas: Map<string, object>;
  private quickAjv: AjvModule.Ajv | undefined;
  private detailedAjv: AjvModule.Ajv | undefined;

  /**
   * Two validate functions per kind: a quick one (stops at the first error) that clean objects
   * pass through, and a detailed one (all errors, with the failing schema node for
   * did-you-mean) only for objects that fail. `precompiled` kinds need no compilation; the
   * others are compiled from `schemas` on first need, so clean runs skip the costlier one.
   */
  constructor(schemas: SchemaSet, precompiled?: CompiledSchemas) {
    this.schemas = new Map(Object.entries(schemas));
    for (const [kind, quick] of Object.entries(precompiled?.quick ?? {})) {
      const detailed = precompiled?.detailed[kind];
      if (!detailed) throw new Error(`precompiled schemas: no detailed validator for ${kind}`);
      this.quick.set(kind, quick);
      this.detailed.set(kind, detailed);
    }
    this.kindNames = [...new Set([...this.quick.keys(), ...this.schemas.keys()])];
  }

  private validator(kind: string, detailed: boolean): ValidateFunction | undefined {
    const cache = detailed ? this.detailed : this.quick;
    let v = cache.get(kind);
    if (v) return v;
    const schema = this.schemas.get(kind);
    if (!schema) return undefined;
    const ajv = detailed
      ? (this.detailedAjv ??= new (loadAjv().Ajv)(DETAILED_AJV_OPTIONS))
      : (this.quickAjv ??= new (loadAjv().Ajv)(QUICK_AJV_OPTIONS));
    v = ajv.compile(schema);
    cache.set(kind, v);
    return v;
  }

  /**
   * The quick verdict alone (undefined for a kind without a schema). The engine runs it while
   * parsing, so rules run the detailed check only for objects that fail.
   */
  quickValid(kind: string, data: unknown): boolean | undefined {
    const quick = this.validator(kind, false);
    return quick ? (quick(data) as boolean) : undefined;
  }

  kinds(): string[] {
    return [...this.kindNames];
  }

  check(
    obj: ManifestObject,
    emit: Emit,
    claimed: (obj: ManifestObject, path: Path) => boolean,
  ): void {
    if (obj.schemaOk === true) return;
    if (obj.schemaOk === undefined && this.quickValid(obj.kind, obj.data) !== false) return;
    const validate = this.validator(obj.kind, true)!;
    if (validate(obj.data)) return;
    const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
    const maps = OPTION_MAP_PATHS[obj.kind] ?? [];
    const seen = new Set<string>();
    // Composite errors (oneOf/anyOf) only when nothing more specific was said at or below them.
    const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
    for (const e of errors) {
      if (
        (e.keyword === 'oneOf' || e.keyword === 'anyOf') &&
        specific.some((s) => s.instancePath.startsWith(e.instancePath))
      )
        continue;
      const f = toFinding(obj, e);
      if (maps.some((m) => isStrictlyInside(f.path, m))) continue;
      if (claimed(obj, f.path)) continue;
      const key = `${formatPath(f.path)}\0${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      emit(f);
    }
  }
}

function show(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function typeName(v: unknown): string {
  return v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'number' && Number.isInteger(v)
        ? 'integer'
        : typeof v;
}

function toFinding(obj: ManifestObject, e: ErrorObject): Finding {
  const base = pointerToPath(e.instancePath);
  const where = formatPath(base) || '(document)';
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const path = [...base, missing];
      return {
        rule: 'schema',
        obj,
        path: base,
        at: 'key',
        message: `missing required field ${formatPath(path)}`,
      };
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const known = Object.keys(
        ((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}) as object,
      );
      const guess = closest(extra, known);
      return {
        rule: 'schema',
        obj,
        path: [...base, extra],
        at: 'key',
        message: `unknown field ${formatPath([...base, extra])}${guess ? `; did you mean ${guess}?` : known.length > 0 && known.length <= 12 ? ` (known fields: ${known.join(', ')})` : ''}`,
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const guess =
        typeof e.data === 'string'
          ? closest(
              e.data,
              allowed.filter((a): a is string => typeof a === 'string'),
            )
          : undefined;
      return {
        rule: 'schema',
        obj,
        path: base,
        message: `${where} must be one of ${allowed.map(show).join(', ')}, not ${show(e.data)}${guess ? `; did you mean ${guess}?` : ''}`,
      };
    }
    case 'const':
      return {
        rule: 'schema',
        obj,
        path: base,
        message: `${where} must be ${show(params.allowedValue)}, not ${show(e.data)}`,
      };
    case 'type':
      return {
        rule: 'schema',
        obj,
        path: base,
        at: 'value',
        message: `${where} must be ${String(params.type).replace(/,/g, ' or ')}, not ${typeName(e.data)}`,
      };
    case 'pattern': {
      const description = (e.parentSchema as { description?: string } | undefined)?.description;
      return {
        rule: 'schema',
        obj,
        path: base,
        message: `${where} ${show(e.data)} does not match ${String(params.pattern)}${description ? ` (${firstSentence(description)})` : ''}`,
      };
    }
    default:
      return { rule: 'schema', obj, path: base, message: `${where} ${e.message ?? 'is invalid'}` };
  }
}

function firstSentence(text: string): string {
  const s = text.split(/(?<=\.)\s/)[0] ?? text;
  return s.length > 120 ? `${s.slice(0, 117)}...` : s.replace(/\.$/, '');
}
