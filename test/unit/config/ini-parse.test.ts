import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIni, parseIniBuffer, MAX_PROBLEMS } from '../../../src/config/ini/parse.js';
import { configFromIni } from '../../../src/config/model.js';
import type { IniDocument } from '../../../src/config/ini/types.js';

function rules(doc: IniDocument): string[] {
  return doc.problems.map((p) => `${p.rule}@${p.line}:${p.column}`);
}

describe('parseIni: sections, keys, values and their positions', () => {
  it('gives 1-based line and column for every section, key and value', () => {
    const doc = parseIni(
      '[chat]\nenable_notification_mode=true\n\n[chat.customer-support]\n  push_notification_to_active_client = false\n',
    );
    expect(doc.problems).toEqual([]);
    expect(doc.sections.map((s) => [s.name, s.pos])).toEqual([
      ['chat', { line: 1, column: 2 }],
      ['chat.customer-support', { line: 4, column: 2 }],
    ]);
    const [e1] = doc.sections[0]!.entries;
    expect(e1).toEqual({
      section: 'chat',
      key: 'enable_notification_mode',
      value: 'true',
      keyPos: { line: 2, column: 1 },
      valuePos: { line: 2, column: 26 },
    });
    const [e2] = doc.sections[1]!.entries;
    expect(e2).toMatchObject({
      section: 'chat.customer-support',
      key: 'push_notification_to_active_client',
      value: 'false',
      keyPos: { line: 5, column: 3 },
      valuePos: { line: 5, column: 40 },
    });
  });

  it('reads keys with dots and values with "=" after the first one', () => {
    const doc = parseIni(
      '[push.provider.fcmprod]\nfcm.title=%s sent new message\napple.alertMessage.body=a=b=c\n',
    );
    expect(doc.problems).toEqual([]);
    expect(doc.sections[0]!.entries.map((e) => [e.key, e.value])).toEqual([
      ['fcm.title', '%s sent new message'],
      ['apple.alertMessage.body', 'a=b=c'],
    ]);
  });

  it('trims blanks around key and value and places an empty value right after "="', () => {
    const doc = parseIni('[push]\n\tfcm.body =\t \ncustomhttp.url=\n');
    const [a, b] = doc.sections[0]!.entries;
    expect(a).toMatchObject({ key: 'fcm.body', value: '', valuePos: { line: 2, column: 12 } });
    expect(b).toMatchObject({
      key: 'customhttp.url',
      value: '',
      valuePos: { line: 3, column: 16 },
    });
    expect(doc.problems).toEqual([]);
  });

  it('keeps quotes as written', () => {
    const doc = parseIni('[push]\napple.title="Hi"\n');
    expect(doc.sections[0]!.entries[0]!.value).toBe('"Hi"');
  });

  it('puts entries before the first header in the preamble', () => {
    const doc = parseIni('orphan=1\n[chat]\n');
    expect(doc.preamble).toMatchObject([{ section: '', key: 'orphan', value: '1' }]);
    expect(doc.sections[0]!.entries).toEqual([]);
  });
});

describe('parseIni: comments', () => {
  it('skips full-line ; and # comments, also indented', () => {
    const doc = parseIni('; top\n# also\n[chat]\n   ; indented\n\t# tab\nx=1\n');
    expect(doc.problems).toEqual([]);
    expect(doc.sections[0]!.entries.map((e) => e.key)).toEqual(['x']);
  });

  it('has no inline comments: ; and # belong to the value', () => {
    const doc = parseIni(
      '[push]\nfcm.title=Hello; world # not a comment\ncustomhttp.url=http://h:80/p#frag\n',
    );
    expect(doc.sections[0]!.entries.map((e) => e.value)).toEqual([
      'Hello; world # not a comment',
      'http://h:80/p#frag',
    ]);
  });

  it('allows a comment after a section header', () => {
    const doc = parseIni('[chat] ; node-wide options\n[push]# push\n');
    expect(doc.problems).toEqual([]);
    expect(doc.sections.map((s) => s.name)).toEqual(['chat', 'push']);
  });
});

describe('parseIni: line ends and BOM', () => {
  it('handles CRLF, lone CR and LF alike, with the same positions', () => {
    const lf = parseIni('[chat]\nx = 1\n[push]\ny=2');
    for (const text of [
      '[chat]\r\nx = 1\r\n[push]\r\ny=2',
      '[chat]\rx = 1\r[push]\ry=2',
      '[chat]\r\nx = 1\r[push]\ny=2',
    ]) {
      const doc = parseIni(text);
      expect(doc).toEqual(lf);
    }
    expect(lf.sections[1]!.entries[0]!.keyPos).toEqual({ line: 4, column: 1 });
  });

  it('counts CR CR LF as two line ends (an empty line between)', () => {
    const doc = parseIni('[chat]\r\r\nx=1');
    expect(doc.sections[0]!.entries[0]!.keyPos.line).toBe(3);
  });

  it('skips a UTF-8 BOM without counting it as a column', () => {
    const doc = parseIni('\uFEFF[chat]\nx=1\n');
    expect(doc.problems).toEqual([]);
    expect(doc.sections[0]!.name).toBe('chat');
    expect(doc.sections[0]!.pos).toEqual({ line: 1, column: 2 });
  });

  it('reads a file without a trailing newline and an empty file', () => {
    expect(parseIni('[chat]\nx=1').sections[0]!.entries).toHaveLength(1);
    expect(parseIni('')).toEqual({ preamble: [], sections: [], problems: [] });
  });
});

describe('parseIni: problems', () => {
  it('reports a duplicate key as an error at the second key, naming the first line', () => {
    const doc = parseIni('[push]\nfcm.title=a\nfcm.body=b\n  fcm.title = c\n');
    expect(doc.problems).toEqual([
      {
        rule: 'ini-duplicate-key',
        severity: 'error',
        message:
          'key "fcm.title" is already set in [push] at line 2; readers disagree on which value wins',
        line: 4,
        column: 3,
      },
    ]);
    expect(configFromIni(doc).get('push')!.get('fcm.title')).toBe('c');
  });

  it('reports a duplicate section as a warning and merges its keys (duplicate keys across headers too)', () => {
    const doc = parseIni('[chat]\na=1\n[push]\n[chat]\nb=2\na=3\n');
    expect(rules(doc)).toEqual(['ini-duplicate-section@4:2', 'ini-duplicate-key@6:1']);
    expect(doc.problems[0]!.severity).toBe('warning');
    expect(doc.problems[0]!.message).toContain('already declared at line 1');
    expect(doc.sections.map((s) => s.name)).toEqual(['chat', 'push', 'chat']);
    expect(Object.fromEntries(configFromIni(doc).get('chat')!)).toEqual({ a: '3', b: '2' });
  });

  it('does not confuse the same key in different sections', () => {
    expect(parseIni('[push]\nfcm.title=a\n[push.provider.x]\nfcm.title=b\n').problems).toEqual([]);
  });

  it('reports a duplicate key in the preamble', () => {
    expect(rules(parseIni('a=1\na=2\n'))).toEqual(['ini-duplicate-key@2:1']);
  });

  it('reports garbage lines as ini-syntax errors at their first character', () => {
    const doc = parseIni('[chat]\n  just words\nkey: value\n=novalue\n');
    expect(rules(doc)).toEqual(['ini-syntax@2:3', 'ini-syntax@3:1', 'ini-syntax@4:1']);
    expect(doc.problems[1]!.message).toContain('use "=", not ":"');
    expect(doc.problems[2]!.message).toBe('missing key before "="');
    expect(doc.sections[0]!.entries).toEqual([]);
  });

  it('reports malformed headers but still opens the section', () => {
    const doc = parseIni('[chat\nx=1\n[]\ny=2\n[push] trailing\n[a[b]\n');
    expect(rules(doc)).toEqual([
      'ini-syntax@1:6',
      'ini-syntax@3:2',
      'ini-syntax@5:8',
      'ini-syntax@6:3',
    ]);
    expect(doc.sections.map((s) => s.name)).toEqual(['chat', '', 'push', 'a[b']);
    expect(doc.sections[0]!.entries.map((e) => e.key)).toEqual(['x']);
    expect(doc.sections[1]!.entries.map((e) => e.key)).toEqual(['y']);
  });

  it('reports control characters as ini-encoding errors, once a line', () => {
    const doc = parseIni('[chat]\nx=a\u0000b\u0000\ny=\u2028\n');
    expect(rules(doc)).toEqual(['ini-encoding@2:4', 'ini-encoding@3:3']);
  });

  it('stops reporting after MAX_PROBLEMS problems', () => {
    const doc = parseIni('garbage\n'.repeat(MAX_PROBLEMS * 3));
    expect(doc.problems).toHaveLength(MAX_PROBLEMS);
    expect(doc.problems.at(-1)!.message).toContain('too many problems');
  });
});

describe('parseIniBuffer', () => {
  const enc = new TextEncoder();

  it('reads UTF-8 with and without a BOM', () => {
    const plain = parseIniBuffer(enc.encode('[push]\napple.title=Zpráva\n'));
    const bom = parseIniBuffer(
      Uint8Array.from([0xef, 0xbb, 0xbf, ...enc.encode('[push]\napple.title=Zpráva\n')]),
    );
    expect(plain.problems).toEqual([]);
    expect(bom).toEqual(plain);
    expect(plain.sections[0]!.entries[0]!.value).toBe('Zpráva');
  });

  it('reports the first invalid UTF-8 byte with its line and column', () => {
    const bytes = Uint8Array.from([
      ...enc.encode('[push]\napple.title=ab'),
      0xff,
      ...enc.encode('c\n'),
    ]);
    const doc = parseIniBuffer(bytes);
    expect(doc.problems[0]).toMatchObject({
      rule: 'ini-encoding',
      severity: 'error',
      line: 2,
      column: 15,
    });
    expect(doc.problems[0]!.message).toContain('0xff');
    expect(doc.sections[0]!.entries[0]!.key).toBe('apple.title');
  });

  it('rejects overlong encodings and surrogates', () => {
    expect(parseIniBuffer(Uint8Array.from([0x61, 0xc0, 0xaf])).problems[0]).toMatchObject({
      rule: 'ini-encoding',
      column: 2,
    });
    expect(parseIniBuffer(Uint8Array.from([0xed, 0xa0, 0x80])).problems[0]!.rule).toBe(
      'ini-encoding',
    );
    expect(parseIniBuffer(Uint8Array.from([0xe2, 0x82])).problems[0]!.rule).toBe('ini-encoding');
    expect(
      parseIniBuffer(enc.encode('x=\u{1F600}\u20AC')).problems.filter(
        (p) => p.rule === 'ini-encoding',
      ),
    ).toEqual([]);
  });

  it('reports UTF-16 as an encoding error and still parses it', () => {
    const text = '[chat]\nx=1\n';
    const le = new Uint8Array(2 + text.length * 2);
    le[0] = 0xff;
    le[1] = 0xfe;
    for (let i = 0; i < text.length; i++) le[2 + i * 2] = text.charCodeAt(i);
    const doc = parseIniBuffer(le);
    expect(doc.problems[0]).toMatchObject({ rule: 'ini-encoding', line: 1, column: 1 });
    expect(doc.sections[0]!.entries[0]!.key).toBe('x');
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests: the parser never throws, and every position points at its token.
// ---------------------------------------------------------------------------------------------

/** Lines of the text as the parser splits them (LF, CRLF, lone CR; BOM dropped). */
function splitLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.split(/\r\n|\r|\n/);
}

function checkPositions(text: string, doc: IniDocument): void {
  const lines = splitLines(text);
  for (const p of doc.problems) {
    expect(p.line).toBeGreaterThanOrEqual(1);
    expect(p.line).toBeLessThanOrEqual(lines.length);
    expect(p.column).toBeGreaterThanOrEqual(1);
    expect(p.column).toBeLessThanOrEqual(lines[p.line - 1]!.length + 1);
  }
  for (const s of doc.sections) {
    expect(lines[s.pos.line - 1]!.slice(s.pos.column - 1).startsWith(s.name)).toBe(true);
  }
  for (const e of [...doc.preamble, ...doc.sections.flatMap((s) => s.entries)]) {
    expect(lines[e.keyPos.line - 1]!.slice(e.keyPos.column - 1).startsWith(e.key)).toBe(true);
    expect(lines[e.valuePos.line - 1]!.slice(e.valuePos.column - 1).startsWith(e.value)).toBe(true);
  }
}

const almostIni = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '[',
        ']',
        '=',
        ';',
        '#',
        ' ',
        '\t',
        '\n',
        '\r',
        '\r\n',
        '\uFEFF',
        '\u0000',
        '\u2028',
        ':',
        '[chat]',
        '[push.provider.fcmprod]',
        '[chat.customer-support]',
        'fcm.title',
        'pushEnabled',
        'comet,fcm',
        '"',
        "'",
        'é',
        '\u{1F600}',
        '\uD800',
      ),
      fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

describe('parseIni: properties', () => {
  it('never throws on arbitrary strings, and positions stay inside the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const doc = parseIni(text);
        checkPositions(text, doc);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on almost-INI text, and every token is found at its position', () => {
    fc.assert(
      fc.property(almostIni, (text) => {
        const doc = parseIni(text);
        checkPositions(text, doc);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const doc = parseIniBuffer(bytes);
        for (const p of doc.problems) expect(p.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 1000 },
    );
  });

  it('is unaffected by the line-end style', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).filter((l) => !/[\r\n]/.test(l)),
          { maxLength: 20 },
        ),
        fc.constantFrom('\r\n', '\r'),
        (lines, eol) => {
          expect(parseIni(lines.join(eol))).toEqual(parseIni(lines.join('\n')));
        },
      ),
    );
  });
});
