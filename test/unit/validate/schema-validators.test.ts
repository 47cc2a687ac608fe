/**
 * The precompiled schema validators (src/validate/generated/, ajv standalone code, ADR 0015):
 * checked in exactly as the generator writes them from the current src/api schemas, and
 * judging every object exactly as ajv compiling the same schemas at run time would.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { apiSchemaSet } from '../../../src/validate/api-schemas.js';
import * as detailed from '../../../src/validate/generated/schema-detailed.js';
import * as quick from '../../../src/validate/generated/schema-quick.js';
import {
  DETAILED_AJV_OPTIONS,
  QUICK_AJV_OPTIONS,
  SchemaValidator,
} from '../../../src/validate/rules/schema.js';
import {
  DETAILED_MODULE,
  driftedValidatorModules,
  QUICK_MODULE,
  validatorModules,
} from '../../../src/validate/schema-codegen.js';
import type { ManifestObject } from '../../../src/validate/model.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

type Json = Record<string, unknown>;

/** Every ChatService and PushProvider of the examples (good and bad). */
function exampleObjects(): Json[] {
  const out: Json[] = [];
  for (const dir of ['examples', 'examples/bad']) {
    for (const f of readdirSync(join(ROOT, dir)).sort()) {
      if (!/\.ya?ml$/.test(f)) continue;
      let docs: unknown[];
      try {
        docs = loadAll(readFileSync(join(ROOT, dir, f), 'utf8'));
      } catch {
        continue; // the deliberately malformed fixtures
      }
      for (const d of docs) {
        if (
          d &&
          typeof d === 'object' &&
          /^(ChatService|PushProvider)$/.test(String((d as Json).kind))
        )
          out.push(d as Json);
      }
    }
  }
  return out;
}

/** Broken variants of a valid object: one mistake each, at every level of the schema. */
function mutations(obj: Json): Json[] {
  const variants: ((o: Json) => void)[] = [
    (o) => delete o.spec,
    (o) => delete (o.metadata as Json).name,
    (o) => ((o.metadata as Json).name = 'Not_A_DNS_Label'),
    (o) => ((o.metadata as Json).labels = { a: 1 }),
    (o) => (o.apiVersion = 'gms.chatops.io/v1'),
    (o) => (o.extra = true),
    (o) => ((o.spec as Json).expsoe = { mode: 'haproxy' }),
    (o) => ((o.spec as Json).type = 'gcm'),
    (o) => ((o.spec as Json).gms = 'latest'),
    (o) => ((o.spec as Json).gms = { image: 'x' }),
    (o) => ((o.spec as Json).rollout = { strategy: 'Rolling', podReadyTimeout: 'ten' }),
    (o) => ((o.spec as Json).expose = { mode: 'nginx', affinity: ['cookie'], tls: { x: 1 } }),
    (o) => ((o.spec as Json).push = { enabled: ['comet', 'fcmm'], providers: 'fcmprod' }),
    (o) =>
      ((o.spec as Json).chatServer = {
        version: '8.5',
        endpoints: [{ name: 'cs 1', host: '', port: 99999 }, { port: '4125' }],
      }),
    (o) => ((o.spec as Json).events = { Bogus: { title: 1 } }),
    (o) => ((o.spec as Json).options = 'not a map'),
    (o) => ((o.spec as Json).customhttp = { url: 'ftp://x' }),
    (o) => ((o.spec as Json).sections = { 'bad section': { k: { nested: 1 } } }),
  ];
  return variants.map((mutate) => {
    const copy = structuredClone(obj);
    if (copy.spec === undefined) copy.spec = {};
    if (copy.metadata === undefined) copy.metadata = {};
    mutate(copy);
    return copy;
  });
}

function corpus(): Json[] {
  const objects = exampleObjects();
  return [...objects, ...objects.flatMap(mutations), {}, { kind: 'ChatService' }, { spec: null }];
}

function runtimeCompiled(options: object): Record<string, ValidateFunction> {
  const ajv = new Ajv(options);
  return Object.fromEntries(
    Object.entries(apiSchemaSet()).map(([kind, schema]) => [kind, ajv.compile(schema)]),
  );
}

function comparable(errors: ErrorObject[] | null | undefined): unknown[] {
  return (errors ?? []).map((e) => ({ ...e }));
}

describe('generated schema validators', () => {
  it('are checked in exactly as the generator writes them (run `npm run generate:validators`)', () => {
    expect(driftedValidatorModules(ROOT)).toEqual([]);
  });

  it('are a quick and a detailed module, deterministic', () => {
    const a = validatorModules();
    const b = validatorModules();
    expect([...a.keys()].sort()).toEqual([DETAILED_MODULE, QUICK_MODULE].sort());
    for (const [k, v] of a) expect(b.get(k)).toBe(v);
  });

  it('notice a schema change', () => {
    const schemas = apiSchemaSet() as Record<string, Json>;
    const changed = structuredClone(schemas);
    ((changed.ChatService!.properties as Json).metadata as Json).description = 'changed';
    (changed.ChatService!.required as string[]).push('status');
    const onDisk = readFileSync(join(ROOT, QUICK_MODULE), 'utf8');
    expect(validatorModules(schemas).get(QUICK_MODULE)).toBe(onDisk);
    expect(validatorModules(changed).get(QUICK_MODULE)).not.toBe(onDisk);
  });

  it('give the verdicts and errors of ajv compiling the same schemas at run time', () => {
    const objects = corpus();
    expect(objects.length).toBeGreaterThan(100);
    const sets = [
      { generated: quick as Record<string, unknown>, runtime: runtimeCompiled(QUICK_AJV_OPTIONS) },
      {
        generated: detailed as Record<string, unknown>,
        runtime: runtimeCompiled(DETAILED_AJV_OPTIONS),
      },
    ];
    let invalid = 0;
    for (const { generated, runtime } of sets) {
      expect(Object.keys(generated).sort()).toEqual(Object.keys(runtime).sort());
      for (const obj of objects) {
        for (const kind of Object.keys(runtime)) {
          const ours = generated[kind] as ValidateFunction;
          const theirs = runtime[kind]!;
          const verdict = ours(obj);
          expect(verdict).toBe(theirs(obj));
          expect(comparable(ours.errors)).toEqual(comparable(theirs.errors));
          if (!verdict) invalid++;
        }
      }
    }
    expect(invalid).toBeGreaterThan(50); // the corpus does exercise the error paths
  });
});

describe('SchemaValidator', () => {
  const obj = (data: Json): ManifestObject => ({
    apiVersion: String(data.apiVersion),
    kind: String(data.kind),
    name: '',
    namespace: undefined,
    data,
    file: 'x.yaml',
    locate: () => ({ line: 1, column: 1 }),
  });

  it('still compiles schema sets given at run time (tests, embedders)', () => {
    const v = new SchemaValidator({
      Widget: {
        type: 'object',
        required: ['size'],
        properties: { kind: {}, apiVersion: {}, size: { enum: ['small', 'large'] } },
        additionalProperties: false,
      },
    });
    expect(v.kinds()).toEqual(['Widget']);
    expect(v.quickValid('Widget', { kind: 'Widget', size: 'small' })).toBe(true);
    expect(v.quickValid('Other', {})).toBeUndefined();
    const messages: string[] = [];
    v.check(
      obj({ kind: 'Widget', size: 'smal' }),
      (f) => messages.push(f.message),
      () => false,
    );
    expect(messages).toEqual([
      'size must be one of "small", "large", not "smal"; did you mean small?',
    ]);
  });

  it('refuses a precompiled kind without its detailed validator', () => {
    const q = (() => true) as unknown as ValidateFunction;
    expect(() => new SchemaValidator({}, { quick: { Widget: q }, detailed: {} })).toThrow(
      /no detailed validator for Widget/,
    );
  });
});
