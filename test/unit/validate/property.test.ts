/**
 * Property tests: whatever the bytes, the validator returns diagnostics and never throws or
 * hangs; the YAML fast path and the authority agree on every document they both accept.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../src/validate/input/decode.js';
import { validateIniText, validateObjects, validateTexts } from '../../../src/validate/index.js';
import { YamlSource } from '../../../src/validate/yaml/source.js';
import { constructDocuments, NULL_KEY, UNSUPPORTED } from '../../../src/validate/yaml/construct.js';
import { CORE_SCHEMA, loadAll, parseEvents } from 'js-yaml';
import { chatService } from './helpers.js';

/** YAML-ish text: fragments that exercise the parser's corners, glued at random. */
const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '---\n',
        'a: ',
        'b:\n',
        '  - ',
        '{',
        '}',
        '[',
        ']',
        ', ',
        ': ',
        '&x ',
        '*x',
        '!!str ',
        '? ',
        '|\n',
        '>-\n',
        '"',
        "'",
        '#',
        '\t',
        '\n',
        '  ',
        'null',
        '~',
        '%YAML 1.2\n',
        'kind: ChatService\n',
        'apiVersion: gms.chatops.io/v1alpha1\n',
        'spec:\n',
        '  options:\n',
        '    fcm.apiKey: x\n',
        '\ufeff',
        '\u2028',
        '\r\n',
      ),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

describe('never throws', () => {
  it('on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 400 }),
        fc.constantFrom('x.yaml', 'x.ini', 'x.json', '-'),
        async (bytes, name) => {
          const decoded = decodeText(name, bytes);
          if (!decoded.ok) {
            expect(decoded.diagnostic.line).toBeGreaterThan(0);
            return;
          }
          const r = await validateTexts([{ file: name, text: decoded.text }]);
          for (const d of r.diagnostics) {
            expect(d.line).toBeGreaterThan(0);
            expect(d.column).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on YAML-like text', async () => {
    await fc.assert(
      fc.asyncProperty(yamlish, async (text) => {
        const r = await validateTexts([{ file: 'x.yaml', text }]);
        expect(r.summary.errors + r.summary.warnings).toBe(r.diagnostics.length);
      }),
      { numRuns: 400 },
    );
  });

  it('on mutated ChatServices', async () => {
    const base = chatService({
      extra:
        '  push:\n    enabled: [comet]\n    providers: [fcmprod]\n  expose:\n    mode: haproxy\n    host: chat.example.com',
    });
    await fc.assert(
      fc.asyncProperty(
        fc.nat(base.length),
        fc.nat(20),
        fc.string({ maxLength: 6 }),
        async (at, cut, insert) => {
          const text = base.slice(0, at) + insert + base.slice(at + cut);
          await validateTexts([{ file: 'x.yaml', text }]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on arbitrary INI text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        validateIniText('x.ini', text, { gmsVersion: '8.5.110' });
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary objects handed over in memory', () => {
    fc.assert(
      fc.property(
        fc.array(fc.anything(), { maxLength: 3 }),
        fc.array(fc.anything(), { maxLength: 3 }),
        (a, b) => {
          validateObjects({ chatServices: a as never[], pushProviders: b as never[] });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fast path agrees with the authority', () => {
  it('on every text js-yaml accepts', () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        const fast = new YamlSource('x.yaml', text);
        if (!fast.fast) return;
        const full = new YamlSource('x.yaml', text, { fast: false });
        if (full.diagnostics.some((d) => d.severity === 'error')) return; // js-yaml is more lenient here; positions are what matter
        expect(fast.documents).toEqual(full.documents);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('documents built from js-yaml events equal js-yaml loadAll', () => {
  /** What the fast path does with a text: the constructor's documents or its refusal. */
  function both(text: string): { ours: unknown; theirs: unknown } | undefined {
    let events;
    try {
      events = parseEvents(text, { maxDepth: 100 });
    } catch {
      return undefined; // loadAll fails the same way: the authority reads it
    }
    const ours = constructDocuments(text, events);
    let theirs: unknown;
    try {
      theirs = loadAll(text, { schema: CORE_SCHEMA, maxAliases: 0, maxDepth: 100 });
    } catch {
      theirs = 'refused';
    }
    return { ours, theirs };
  }

  it('on YAML-like text: equal documents, or a refusal that leaves the text to js-yaml', () => {
    let built = 0;
    fc.assert(
      fc.property(yamlish, (text) => {
        const r = both(text);
        if (!r) return;
        if (r.ours === UNSUPPORTED) return;
        if (r.ours === NULL_KEY) {
          // The authority reads the text; js-yaml either refuses it or reads a "null" key.
          if (r.theirs !== 'refused') expect(JSON.stringify(r.theirs)).toContain('"null"');
          return;
        }
        built++;
        expect(r.ours).toStrictEqual(r.theirs);
      }),
      { numRuns: 5000 },
    );
    expect(built).toBeGreaterThan(1000);
  });

  it('on plain scalars and keys as written (core schema resolution)', () => {
    const plain = fc.constantFrom(
      'True',
      'false',
      'FALSE',
      'yes',
      'on',
      'NULL',
      'Null',
      '~',
      '',
      '0',
      '-0',
      '+12',
      '012',
      '0x1F',
      '0o17',
      '0b101',
      '1_000',
      '1e3',
      '1.5E-3',
      '.5',
      '5.',
      '.inf',
      '-.Inf',
      '.NaN',
      '8.5.219.03',
      '2024-01-01',
      'x y',
      'a#b',
      'http://x:80/p',
      '"q"',
      "'s'",
      '[1, 2]',
      '{a: 1}',
    );
    let built = 0;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(plain, plain), { selector: ([k]) => k, maxLength: 6 }),
        fc.boolean(),
        (pairs, flow) => {
          const text = flow
            ? `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}\n`
            : pairs.map(([k, v]) => `${k}: ${v}\n`).join('') +
              `list: [${pairs.map(([, v]) => v).join(', ')}]\n`;
          const r = both(text);
          if (!r || r.ours === UNSUPPORTED || r.ours === NULL_KEY) return;
          built++;
          expect(r.ours, text).toStrictEqual(r.theirs);
        },
      ),
      { numRuns: 2000 },
    );
    expect(built).toBeGreaterThan(500);
  });

  it('on generated documents in every scalar and collection style', async () => {
    const { stringify } = await import('yaml');
    const scalar = fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.integer(),
      fc.double({ noNaN: false }),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(
        '0x1F',
        '0o17',
        '+12',
        '1e3',
        '.inf',
        '-.Inf',
        '.NaN',
        'True',
        'NULL',
        '~',
        '',
        ' x ',
        'a: b',
        '- x',
        '#c',
        'line1\nline2\n',
      ),
    );
    const key = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom('1', 'true', '0x10', '1.0', '~', 'null', '__proto__', 'a b', 'k:v'),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(key, tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    let built = 0;
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
        (docs, flow, scalarStyle) => {
          const text = docs
            .map((d) =>
              stringify(d, {
                collectionStyle: flow ? 'flow' : 'block',
                defaultStringType: scalarStyle as 'PLAIN',
                defaultKeyType: 'PLAIN',
              }),
            )
            .join('---\n');
          const r = both(text);
          if (!r || r.ours === UNSUPPORTED || r.ours === NULL_KEY) return;
          built++;
          expect(r.ours, text).toStrictEqual(r.theirs);
        },
      ),
      { numRuns: 1500 },
    );
    expect(built).toBeGreaterThan(500);
  });
});

describe('positions from js-yaml events match yaml node ranges', () => {
  const key = fc.constantFrom(
    'a',
    'b',
    'spec',
    'name',
    'x y',
    'k:v',
    '1',
    'true',
    'fcm.title',
    'a/b',
  );
  const leaf = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('line1\nline2', "it's", 'say "hi"', '', '#x'),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    ),
  })).node;

  function paths(
    v: unknown,
    prefix: (string | number)[] = [],
    out: (string | number)[][] = [],
  ): (string | number)[][] {
    out.push(prefix);
    if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
    return out;
  }

  it('for every path of generated documents in block and flow style', async () => {
    const { stringify } = await import('yaml');
    let compared = 0;
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.boolean(),
        fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL'),
        (docs, flow, scalarStyle) => {
          const text = docs
            .map((d) =>
              stringify(d, {
                collectionStyle: flow ? 'flow' : 'block',
                defaultStringType: scalarStyle as 'PLAIN',
              }),
            )
            .join('---\n');
          const fast = new YamlSource('x.yaml', text);
          if (!fast.fast) return;
          const full = new YamlSource('x.yaml', text, { fast: false });
          compared++;
          docs.forEach((d, i) => {
            for (const p of paths(d)) {
              for (const at of ['key', 'value'] as const) {
                expect(fast.locate(i, p, at), `${JSON.stringify(p)} ${at}\n${text}`).toEqual(
                  full.locate(i, p, at),
                );
              }
            }
          });
        },
      ),
      { numRuns: 400 },
    );
    expect(compared).toBeGreaterThan(200);
  });
});
