/**
 * The positional INI parser: GMS option files (the format Genesys Configuration Server imports
 * and the project's gateway reads) into an IniDocument where every section, key and value keeps
 * its 1-based line and column.
 *
 * Grammar, one line at a time (lines end at LF, CRLF or a lone CR; a leading UTF-8 BOM is
 * skipped and not counted as a column):
 *   blank        only spaces and tabs
 *   comment      first non-blank character is `;` or `#` (full-line comments only)
 *   header       `[name]`, optionally followed by blanks and a `;`/`#` comment
 *   entry        `key=value`; blanks around key and value are trimmed; the value may be empty
 *   anything else an `ini-syntax` error
 *
 * Decisions (docs/config.md, "Parser"):
 * - No inline comments: GMS/Java values may contain `;` and `#` (`%s sent new message; ok`,
 *   URLs with `#fragment`), so `key=a ; b` has the value `a ; b`.
 * - The value starts after the first `=`; `=` later on the line belongs to the value.
 * - Quotes are kept as written; there is no escaping and no line continuation.
 * - A duplicate section is a warning (`ini-duplicate-section`): its keys merge into the section.
 * - A duplicate key within a section (also across a duplicated header) is an error
 *   (`ini-duplicate-key`): which value wins differs between readers; the model keeps the last.
 * - Control characters (NUL, NEL, U+2028 ...) are an `ini-encoding` error, reported once a line.
 *
 * Columns count UTF-16 code units (the LSP and SARIF default). The parser never throws and runs
 * in time linear in the input: one forward pass (native indexOf for line ends, one
 * single-character-class regex for control characters), no backtracking.
 */
import { firstInvalidUtf8, positionOfByte, utf16ByteOrder } from '../../util/utf8.js';
import { printable } from './safety.js';
import type { IniDocument, IniEntry, IniProblem, IniSection, Position } from './types.js';

/** After this many problems the parser stops reporting (a binary file would flood the output). */
export const MAX_PROBLEMS = 200;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;

/**
 * Characters that end a line for some reader or do not belong in a text file (the same set as
 * isLineBreakingOrControl in ./safety.ts, minus LF and CR, which end lines here). One character
 * class, no backtracking.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;

function isBlank(code: number): boolean {
  return code === SPACE || code === TAB;
}

class Parser {
  readonly doc: IniDocument = { preamble: [], sections: [], problems: [] };
  private current: IniSection | undefined;
  /** First header of each section name. */
  private readonly firstHeader = new Map<string, IniSection>();
  /** Keys seen per section name ('' = preamble), merged across duplicated headers. */
  private readonly seenKeys = new Map<string, Map<string, IniEntry>>();
  private problemCount = 0;

  constructor(private readonly text: string) {}

  /** Start index and number of the current line (columns are `index - lineStart + 1`). */
  private lineStart = 0;
  private lineNo = 0;

  parse(): IniDocument {
    const text = this.text;
    const n = text.length;
    let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    // Next LF, CR and control character at or after i, found with native searches and looked
    // for again only once passed: every character is examined a constant number of times.
    let lf = -2;
    let cr = -2;
    let ctl = -2;
    for (;;) {
      if (lf !== -1 && lf < i) lf = text.indexOf('\n', i);
      if (cr !== -1 && cr < i) cr = text.indexOf('\r', i);
      const j = lf === -1 ? (cr === -1 ? n : cr) : cr === -1 ? lf : Math.min(lf, cr);
      if (ctl !== -1 && ctl < i) {
        CONTROL_RE.lastIndex = i;
        ctl = CONTROL_RE.exec(text)?.index ?? -1;
      }
      this.lineStart = i;
      this.lineNo++;
      this.line(i, j, ctl !== -1 && ctl < j ? ctl : -1);
      if (j >= n) break;
      i = text.charCodeAt(j) === CR && text.charCodeAt(j + 1) === LF ? j + 2 : j + 1;
    }
    return this.doc;
  }

  private col(index: number): number {
    return index - this.lineStart + 1;
  }

  private pos(index: number): Position {
    return { line: this.lineNo, column: index - this.lineStart + 1 };
  }

  private problem(p: IniProblem): void {
    this.problemCount++;
    if (this.problemCount < MAX_PROBLEMS) {
      this.doc.problems.push(p);
    } else if (this.problemCount === MAX_PROBLEMS) {
      this.doc.problems.push({
        rule: p.rule,
        severity: p.severity,
        message: `too many problems; the first ${MAX_PROBLEMS - 1} are reported`,
        line: p.line,
        column: p.column,
      });
    }
  }

  /** Handle the line text[start, end); `control` is the first control character in it, or -1. */
  private line(start: number, end: number, control: number): void {
    const text = this.text;
    if (control !== -1) {
      const c = text.charCodeAt(control);
      this.problem({
        rule: 'ini-encoding',
        severity: 'error',
        message: `control character U+${c.toString(16).toUpperCase().padStart(4, '0')} in the line (binary file, or a value that was pasted with it)`,
        line: this.lineNo,
        column: this.col(control),
      });
    }

    let a = start;
    while (a < end && isBlank(text.charCodeAt(a))) a++;
    if (a === end) return; // blank line
    let b = end;
    while (b > a && isBlank(text.charCodeAt(b - 1))) b--;
    const first = text.charCodeAt(a);
    if (first === 0x3b /* ; */ || first === 0x23 /* # */) return; // comment
    if (first === 0x5b /* [ */) {
      this.header(a, b);
      return;
    }
    this.entry(a, b);
  }

  private header(a: number, b: number): void {
    const text = this.text;
    const line = this.lineNo;
    let close = -1;
    for (let k = a + 1; k < b; k++) {
      if (text.charCodeAt(k) === 0x5d /* ] */) {
        close = k;
        break;
      }
    }
    const nameEnd = close === -1 ? b : close;
    let s = a + 1;
    while (s < nameEnd && isBlank(text.charCodeAt(s))) s++;
    let e = nameEnd;
    while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
    const name = text.slice(s, e);

    if (close === -1) {
      this.problem({
        rule: 'ini-syntax',
        severity: 'error',
        message: `section header "${printable(text.slice(a, b))}" is missing the closing "]"`,
        line,
        column: this.col(b),
      });
    } else {
      let r = close + 1;
      while (r < b && isBlank(text.charCodeAt(r))) r++;
      const c = text.charCodeAt(r);
      if (r < b && c !== 0x3b && c !== 0x23) {
        this.problem({
          rule: 'ini-syntax',
          severity: 'error',
          message: `unexpected text "${printable(text.slice(r, b), 40)}" after the section header (only a ; or # comment may follow "]")`,
          line,
          column: this.col(r),
        });
      }
    }
    if (name.length === 0) {
      this.problem({
        rule: 'ini-syntax',
        severity: 'error',
        message: 'section name is empty',
        line,
        column: this.col(a + 1),
      });
    } else if (name.includes('[')) {
      this.problem({
        rule: 'ini-syntax',
        severity: 'error',
        message: `section name "${printable(name)}" contains "["`,
        line,
        column: this.col(s + name.indexOf('[')),
      });
    }

    // Even a malformed header opens a section, so the entries below it are neither lost nor
    // attributed to the previous section.
    const section: IniSection = { name, pos: this.pos(s), entries: [] };
    const earlier = this.firstHeader.get(name);
    if (earlier) {
      this.problem({
        rule: 'ini-duplicate-section',
        severity: 'warning',
        message: `section [${printable(name)}] is already declared at line ${earlier.pos.line}; its keys are merged into it`,
        line,
        column: this.col(s),
      });
    } else {
      this.firstHeader.set(name, section);
    }
    this.doc.sections.push(section);
    this.current = section;
  }

  private entry(a: number, b: number): void {
    const text = this.text;
    const line = this.lineNo;
    let eq = -1;
    for (let k = a; k < b; k++) {
      if (text.charCodeAt(k) === 0x3d /* = */) {
        eq = k;
        break;
      }
    }
    if (eq === -1) {
      const content = text.slice(a, b);
      const colon = content.indexOf(':');
      this.problem({
        rule: 'ini-syntax',
        severity: 'error',
        message:
          `expected "key=value", a "[section]" header or a ";" comment, found "${printable(content, 40)}"` +
          (colon > 0 ? ' (GMS options use "=", not ":")' : ''),
        line,
        column: this.col(a),
      });
      return;
    }
    let ke = eq;
    while (ke > a && isBlank(text.charCodeAt(ke - 1))) ke--;
    if (ke === a) {
      this.problem({
        rule: 'ini-syntax',
        severity: 'error',
        message: 'missing key before "="',
        line,
        column: this.col(eq),
      });
      return;
    }
    let vs = eq + 1;
    while (vs < b && isBlank(text.charCodeAt(vs))) vs++;
    const sectionName = this.current?.name ?? '';
    const entry: IniEntry = {
      section: sectionName,
      key: text.slice(a, ke),
      value: text.slice(vs, b),
      keyPos: this.pos(a),
      valuePos: this.pos(vs),
    };

    let keys = this.seenKeys.get(sectionName);
    if (!keys) {
      keys = new Map();
      this.seenKeys.set(sectionName, keys);
    }
    const earlier = keys.get(entry.key);
    if (earlier) {
      const where =
        sectionName === '' ? 'before the first section' : `in [${printable(sectionName)}]`;
      this.problem({
        rule: 'ini-duplicate-key',
        severity: 'error',
        message: `key "${printable(entry.key)}" is already set ${where} at line ${earlier.keyPos.line}; readers disagree on which value wins`,
        line,
        column: entry.keyPos.column,
      });
    }
    keys.set(entry.key, entry);
    if (this.current) this.current.entries.push(entry);
    else this.doc.preamble.push(entry);
  }
}

/** Parse INI text. Never throws; every problem is in `problems` with its line and column. */
export function parseIni(text: string): IniDocument {
  return new Parser(text).parse();
}

/**
 * Parse INI bytes as read from a file: UTF-8 (with or without BOM). A UTF-16 BOM or bytes that
 * are not UTF-8 are an `ini-encoding` error (with the position of the first bad byte); the
 * text is still parsed (invalid bytes become U+FFFD) so the other problems show too.
 */
export function parseIniBuffer(bytes: Uint8Array): IniDocument {
  const utf16 = utf16ByteOrder(bytes);
  if (utf16 !== undefined) {
    const doc = parseIni(
      new TextDecoder(utf16 === 'little' ? 'utf-16le' : 'utf-16be').decode(bytes),
    );
    doc.problems.unshift({
      rule: 'ini-encoding',
      severity: 'error',
      message: `the file is UTF-16 (${utf16}-endian byte order mark); save it as UTF-8`,
      line: 1,
      column: 1,
    });
    return doc;
  }
  const bad = firstInvalidUtf8(bytes);
  const doc = parseIni(new TextDecoder('utf-8').decode(bytes));
  if (bad !== -1) {
    const at = positionOfByte(bytes, bad);
    doc.problems.unshift({
      rule: 'ini-encoding',
      severity: 'error',
      message: `invalid UTF-8 (byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at offset ${bad}); save the file as UTF-8`,
      line: at.line,
      column: at.column,
    });
  }
  return doc;
}
