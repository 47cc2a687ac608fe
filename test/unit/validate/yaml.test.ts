/**
 * Reading YAML: the js-yaml fast path and the `yaml` authority agree on the data, positions
 * point at the right node across documents, and hostile input becomes diagnostics.
 */
import { describe, expect, it } from 'vitest';
import { YamlSource } from '../../../src/validate/yaml/source.js';
import { pointerToPath, formatPath } from '../../../src/validate/yaml/path.js';
import { chatService, diagnostics, docs, rules } from './helpers.js';

const CORPUS = [
  'a: 1\n',
  'a: 1\n---\n---\nb: [1, 2, {c: d}]\n',
  '---\nkey: "quoted: value"\nint: 0o17\nhex: 0x1F\nfloat: 1.5e3\nnull: ~\nbool: True\n',
  'list:\n  - a\n  - b: c\n    d: e\n',
  'null: ~\nb: 2\n',
  '---\n~\n---\nnull\n---\na: 1\n',
  '{a: 1, null: 2}\n',
  'multi: |\n  line 1\n  line 2\nfolded: >\n  a\n  b\n',
  '{"json": [1, 2, {"x": null}], "y": "z"}\n',
  'version: 8.5.110\nport: 4125\ndate: 2001-12-14\n',
  'a: 1 # comment\n# only comment\nb: "x # not a comment"\n',
  '? complex\n: value\n',
  'empty:\nempty2: ""\n',
];

describe('fast path and authority agree', () => {
  it.each(CORPUS.map((c) => [JSON.stringify(c), c]))('%s', (_name, text) => {
    const fast = new YamlSource('t.yaml', text);
    const full = new YamlSource('t.yaml', text, { fast: false });
    expect(full.fast).toBe(false);
    expect(fast.documents).toEqual(full.documents);
    expect(fast.documentCount).toBe(full.documentCount);
    expect(full.diagnostics).toEqual([]);
  });

  it('locates the same positions whichever path read the file', () => {
    const text = docs(chatService(), chatService({ name: 'two' }));
    const fast = new YamlSource('t.yaml', text);
    const full = new YamlSource('t.yaml', text, { fast: false });
    for (const [i, path] of [
      [0, ['spec', 'chat', 'enable_notification_mode']],
      [1, ['metadata', 'name']],
      [1, ['spec', 'chatServer', 'endpoints', 0, 'port']],
    ] as const) {
      expect(fast.locate(i, path, 'value')).toEqual(full.locate(i, path, 'value'));
    }
    expect(fast.locate(1, ['metadata', 'name'], 'value')).toEqual({ line: 19, column: 9 });
    expect(fast.locate(1, ['spec', 'chatServer', 'endpoints', 0, 'port'], 'value')).toEqual({
      line: 27,
      column: 62,
    });
  });
});

describe('positions', () => {
  it('keys with / arrive as ~1 in JSON pointers and are found', () => {
    const text =
      'metadata:\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-read-timeout: 12\n';
    const src = new YamlSource('m.yaml', text);
    const path = pointerToPath(
      '/metadata/annotations/nginx.ingress.kubernetes.io~1proxy-read-timeout',
    );
    expect(src.locate(0, path, 'key')).toEqual({ line: 3, column: 5 });
    expect(src.locate(0, path, 'value')).toEqual({ line: 3, column: 53 });
    expect(formatPath(path)).toBe(
      'metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]',
    );
  });

  it('a missing path falls back to the deepest existing key', () => {
    const src = new YamlSource('m.yaml', 'a:\n  b: 1\n');
    expect(src.locate(0, ['a', 'zzz', 'y'], 'value')).toEqual({ line: 1, column: 1 });
  });

  it('CRLF line ends count as one line break', async () => {
    const d = await diagnostics(
      chatService()
        .replace('enable_notification_mode: true', 'enable_notification_mode: maybe')
        .replace(/\n/g, '\r\n'),
    );
    expect(d.map((x) => [x.rule, x.line, x.column])).toEqual([['option-type', 14, 31]]);
  });

  it('a JSON file is YAML too', async () => {
    const d = await diagnostics(
      JSON.stringify(
        {
          apiVersion: 'gms.chatops.io/v1alpha1',
          kind: 'PushProvider',
          metadata: { name: 'x-y' },
          spec: { type: 'customhttp', customhttp: { url: 'http://a.example.com/' } },
        },
        null,
        2,
      ),
      'p.json',
    );
    expect(d.map((x) => [x.rule, x.line])).toEqual([['provider-name', 5]]);
  });
});

describe('hostile and broken YAML', () => {
  it('syntax errors have positions and stop the rules for that document only', async () => {
    const d = await diagnostics(
      docs(
        'a: [1, 2\nb: 3\n',
        chatService().replace('enable_notification_mode: true', 'enable_notification_mode: maybe'),
      ),
    );
    expect(rules(d)).toEqual(['option-type', 'yaml-syntax']);
    expect(d.find((x) => x.rule === 'yaml-syntax')!.line).toBeGreaterThanOrEqual(1);
  });

  it('duplicate keys are errors at the second key', async () => {
    const d = await diagnostics('a: 1\nb: 2\na: 3\n');
    expect(d.map((x) => [x.rule, x.line, x.column, x.message])).toEqual([
      [
        'yaml-duplicate-key',
        3,
        1,
        'duplicate key: "a" appears more than once in this mapping; the last one would silently win',
      ],
    ]);
  });

  it('a billion-laughs document is refused quickly', async () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 30; i++)
      text += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    const started = Date.now();
    const d = await diagnostics(text);
    expect(rules(d)).toEqual(['yaml-alias-limit']);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a few aliases are fine (they go to the authority, which resolves them)', async () => {
    const src = new YamlSource('t.yaml', 'x: &v 1\ny: *v\n');
    expect(src.fast).toBe(false);
    expect(src.documents[0]!.data).toEqual({ x: 1, y: 1 });
  });

  it('deep nesting does not overflow the stack', async () => {
    for (const text of [
      '['.repeat(100_000),
      `${'a:\n '.repeat(2000)}b: 1\n`,
      '{'.repeat(50_000) + '}'.repeat(50_000),
    ]) {
      const d = await diagnostics(text);
      expect(d.length).toBeGreaterThan(0);
      expect(d.every((x) => x.rule.startsWith('yaml-'))).toBe(true);
    }
  });

  it('tabs in indentation are a syntax error', async () => {
    expect(rules(await diagnostics('a:\n\tb: 1\n'))).toEqual(['yaml-syntax']);
  });

  it('unknown tags and directives go through the authority', async () => {
    const d = await diagnostics('%YAML 1.2\n---\na: !custom 1\n');
    expect(d.every((x) => x.rule === 'yaml-syntax')).toBe(true);
  });
});
