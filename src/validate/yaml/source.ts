/**
 * One YAML (or JSON) input: its documents as plain data, and the line:column of any field.
 *
 * Two parsers, one authority (docs/adr, "YAML fast path"):
 * - `yaml` (eemeli/yaml) is the authority: it keeps every node's source range, reports syntax
 *   errors and duplicate keys with positions, and bounds alias expansion (maxAliasCount).
 * - `js-yaml` is used first, as a fast pre-check: most files in a pull request are clean, and
 *   for those the rules only need the data. When js-yaml refuses the file (any syntax error,
 *   duplicate key, alias, tag it does not know, directive) the file goes to `yaml` at once;
 *   when it accepts it, `yaml` parses the file only if a rule reports something and a position
 *   is needed. Both read YAML 1.2 with the core schema and split documents the same way
 *   (checked by documentsAligned).
 *
 * Never throws: every failure becomes a diagnostic.
 */
import { CORE_SCHEMA, loadAll, parseEvents, type Event } from 'js-yaml';
import { createRequire } from 'node:module';
import type * as YamlApi from 'yaml';
import type { Document, Node as YamlNode, Pair } from 'yaml';
import type { Diagnostic } from '../diagnostic.js';
import type { Path, Position } from './path.js';
import { segmentMatches } from './path.js';
import { constructDocuments, NULL_KEY, UNSUPPORTED } from './construct.js';
import { eventDocuments, locateOffset } from './events.js';

/**
 * `yaml` is loaded on first use (its CommonJS build, synchronously): a run over clean files
 * never needs it, and gmsctl validate starts faster without it.
 */
type YamlModule = typeof YamlApi;
let yamlModule: YamlModule | undefined;
function yamlLib(): YamlModule {
  yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return yamlModule;
}

/**
 * Texts where js-yaml and `yaml` are known to read differently, left to the authority (found by
 * the property test in test/unit/validate/property.test.ts):
 * - directives (%YAML 1.1, %TAG) change how scalars resolve;
 * - a byte order mark inside the stream;
 * - an indented `---` or `...`, which is a plain scalar, not a document marker;
 * - a lone CR line break (positions from js-yaml events count LF-terminated lines).
 */
const FAST_PATH_UNSAFE = /^%|\ufeff|\r(?!\n)|^[ \t]+(?:---|\.\.\.)(?:[ \t\r]|$)/m;

/**
 * Whether FAST_PATH_UNSAFE can match at all: each of its branches needs one of these, and
 * looking for them (memchr-like scans) is cheaper than the multi-line pattern over every
 * clean file.
 */
function mayBeUnsafeForFastPath(text: string): boolean {
  return (
    text.includes('%') ||
    text.includes('\ufeff') ||
    text.includes('\r') ||
    text.includes('---') ||
    text.includes('...')
  );
}

/** Aliases a document may expand before it is called a "billion laughs" document. */
export const MAX_ALIAS_COUNT = 100;
/** Collections nested deeper than this are refused (and never reach recursive rules). */
export const MAX_DEPTH = 100;

export interface YamlDocument {
  /** 0-based ordinal among the file's non-empty documents. */
  index: number;
  /** The document as plain data; undefined when it had errors. */
  data: unknown;
}

interface FullParse {
  docs: Document.Parsed[];
  lc: InstanceType<YamlModule['LineCounter']>;
  /** Non-empty documents (the ones YamlDocument.index counts). */
  nonEmpty: Document.Parsed[];
}

type YamlError = { code: string; message: string; pos: [number, number] };

export class YamlSource {
  private full: FullParse | undefined;
  private fullFailed = false;
  /** Diagnostics from reading (syntax, duplicate keys, aliases); empty for a clean file. */
  readonly diagnostics: Diagnostic[] = [];
  /** Every document, empty or not (what the summary counts). */
  documentCount = 0;
  /** The non-empty documents (empty after release()). */
  readonly documents: YamlDocument[] = [];
  /** How many non-empty documents the file has (documents.length before release()). */
  private nonEmpty = 0;

  /** Whether the documents came from the js-yaml fast path. */
  fast = false;

  /** `fast: false` skips the js-yaml pre-check (tests compare both paths). */
  constructor(
    readonly file: string,
    readonly text: string,
    opts: { fast?: boolean } = {},
  ) {
    if (opts.fast !== false && this.fastParse()) this.fast = true;
    else this.fullParse();
  }

  /** js-yaml pre-check: true when it accepted the file (documents filled), false to fall back. */
  private fastParse(): boolean {
    // Directives (%YAML 1.1, %TAG) change how scalars resolve: leave them to the authority.
    if (mayBeUnsafeForFastPath(this.text) && FAST_PATH_UNSAFE.test(this.text)) return false;
    let events: Event[];
    try {
      events = parseEvents(this.text, { maxDepth: MAX_DEPTH });
    } catch {
      return false;
    }
    // Plain documents are built from the events directly (construct.ts); anything else by
    // js-yaml's constructor, which also refuses aliases (maxAliases: 0) and duplicate keys.
    let docs = constructDocuments(this.text, events);
    if (docs === NULL_KEY) return false;
    if (docs === UNSUPPORTED) {
      try {
        docs = loadAll(this.text, { schema: CORE_SCHEMA, maxAliases: 0, maxDepth: MAX_DEPTH });
      } catch {
        return false;
      }
      // A null key (`null: x`, `? `, `&a : x`) becomes "null" in js-yaml but "" in `yaml`; a
      // key "null" is rare enough to leave every such file to the authority.
      if (docs.some(hasNullKey)) return false;
    }
    this.parsedEvents = events;
    this.documentCount = docs.length;
    let i = 0;
    for (const d of docs) {
      if (d === null || d === undefined) continue;
      this.documents.push({ index: i++, data: d });
    }
    this.nonEmpty = i;
    return true;
  }

  /**
   * Drop the documents' data and the position index built so far: the caller has what it
   * needs of them. locate() still works (it reads the text again when asked).
   */
  release(): void {
    this.documents.length = 0;
    this.parsedEvents = undefined;
    this.events = undefined;
    this.lineStarts = undefined;
  }

  private ensureFull(): FullParse | undefined {
    if (!this.full && !this.fullFailed) this.parseWithYaml();
    return this.full;
  }

  private parseWithYaml(): void {
    const { LineCounter, parseAllDocuments } = yamlLib();
    const lc = new LineCounter();
    let docs: Document.Parsed[];
    try {
      const parsed = parseAllDocuments(this.text, {
        lineCounter: lc,
        prettyErrors: false,
        uniqueKeys: true,
      });
      docs = Array.isArray(parsed) ? parsed : [];
      if (!Array.isArray(parsed)) {
        // An EmptyStream can still carry stream-level errors.
        for (const e of (parsed as { errors?: YamlError[] }).errors ?? [])
          this.pushYamlError(e, lc, 'error');
      }
    } catch (err) {
      // Deeply nested flow collections can exhaust the parser's stack.
      this.fullFailed = true;
      this.diagnostics.push(
        this.diag(1, 1, 'yaml-syntax', `the YAML cannot be parsed: ${describe(err)}`),
      );
      return;
    }
    this.full = { docs, lc, nonEmpty: docs.filter((d) => !isNullDocument(d)) };
  }

  private fullParse(): void {
    this.parseWithYaml();
    const full = this.full;
    if (!full) return;
    this.documentCount = full.docs.length;
    let i = 0;
    for (const doc of full.docs) {
      if (isNullDocument(doc)) {
        for (const e of doc.errors as unknown as YamlError[])
          this.pushYamlError(e, full.lc, 'error');
        continue;
      }
      const index = i++;
      let ok = doc.errors.length === 0;
      for (const e of doc.errors as unknown as YamlError[]) this.pushYamlError(e, full.lc, 'error');
      for (const w of doc.warnings as unknown as YamlError[])
        this.pushYamlError(w, full.lc, 'warning');
      let data: unknown;
      if (ok) {
        try {
          data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
          if (depthExceeds(data, MAX_DEPTH)) {
            ok = false;
            const at = this.pos(doc.contents?.range?.[0] ?? 0);
            this.diagnostics.push(
              this.diag(
                at.line,
                at.column,
                'yaml-syntax',
                `the document is nested more than ${MAX_DEPTH} levels deep`,
              ),
            );
          }
        } catch (err) {
          ok = false;
          const at = this.pos(doc.contents?.range?.[0] ?? 0);
          if (err instanceof ReferenceError && /alias/i.test(err.message)) {
            this.diagnostics.push(
              this.diag(
                at.line,
                at.column,
                'yaml-alias-limit',
                `the document expands more than ${MAX_ALIAS_COUNT} aliases; refusing it as a resource-exhaustion ("billion laughs") attack`,
              ),
            );
          } else {
            this.diagnostics.push(
              this.diag(
                at.line,
                at.column,
                'yaml-syntax',
                `the document cannot be read: ${describe(err)}`,
              ),
            );
          }
        }
      }
      this.documents.push({ index, data: ok ? data : undefined });
    }
    this.nonEmpty = i;
  }

  private pushYamlError(
    e: YamlError,
    lc: InstanceType<YamlModule['LineCounter']>,
    severity: 'error' | 'warning',
  ): void {
    const { line, col } = lc.linePos(e.pos?.[0] ?? 0);
    const rule = e.code === 'DUPLICATE_KEY' ? 'yaml-duplicate-key' : 'yaml-syntax';
    const message =
      e.code === 'DUPLICATE_KEY'
        ? `duplicate key: ${duplicateKeyName(this.text, e.pos)}`
        : firstLine(e.message);
    this.diagnostics.push({ ...this.diag(line, col, rule, message), severity });
  }

  private diag(line: number, column: number, rule: string, message: string): Diagnostic {
    return { file: this.file, line, column, severity: 'error', rule, message };
  }

  private pos(offset: number): Position {
    const full = this.full;
    if (!full) return { line: 1, column: 1 };
    const { line, col } = full.lc.linePos(offset);
    return { line, column: col };
  }

  /**
   * Where `path` is in document `index`: the key for `at: 'key'`, else the value. When the path
   * does not exist (a missing field), the deepest existing ancestor; then the document start.
   */
  locate(index: number, path: Path, at: 'key' | 'value' = 'value'): Position {
    if (this.fast) {
      const root = this.eventDocs()?.[index];
      if (root) return this.offsetToPosition(locateOffset(this.text, root, path, at));
    }
    const full = this.ensureFull();
    const doc = full?.nonEmpty[index];
    if (!full || !doc) return { line: 1, column: 1 };
    let node: unknown = doc.contents;
    let keyNode: unknown;
    let found = 0;
    for (const seg of path) {
      const step = child(doc, node, seg);
      if (!step) break;
      node = step.value;
      keyNode = step.key;
      found++;
    }
    const complete = found === path.length;
    // An empty value (`key:`) has no text of its own: point at its key.
    const { isScalar } = yamlLib();
    const empty = isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1];
    const target =
      (at === 'key' || !complete || node === null || node === undefined || empty) && keyNode
        ? keyNode
        : (node ?? keyNode);
    const range =
      (target as YamlNode | undefined)?.range ?? (doc.contents as YamlNode | null)?.range;
    return this.pos(range?.[0] ?? 0);
  }

  /** The fast path's events, until release(): positions are built from them when asked. */
  private parsedEvents: Event[] | undefined;
  private events: ReturnType<typeof eventDocuments> | undefined;
  private lineStarts: number[] | undefined;

  /** Position trees from js-yaml's events, built on the first locate of a fast-path file. */
  private eventDocs(): ReturnType<typeof eventDocuments> | undefined {
    if (!this.events) {
      try {
        this.events = eventDocuments(this.text, MAX_DEPTH, this.parsedEvents);
        this.parsedEvents = undefined;
      } catch {
        return undefined; // cannot happen for a text loadAll accepted; fall back to `yaml`
      }
      if (this.events.length !== this.nonEmpty) return undefined;
    }
    return this.events;
  }

  private offsetToPosition(offset: number): Position {
    if (!this.lineStarts) {
      // Line breaks as `yaml`'s LineCounter counts them: LF, and CR not followed by LF... only LF
      // and CRLF end lines in YAML 1.2 texts the fast path accepts.
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1))
        starts.push(i + 1);
      this.lineStarts = starts;
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  /** The source lines (for code frames). */
  lines(): string[] {
    return this.text.split(/\r\n|\r|\n/);
  }
}

function child(
  doc: Document.Parsed,
  node: unknown,
  seg: string | number,
): { key?: unknown; value: unknown } | undefined {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yamlLib();
  let n = node;
  if (isAlias(n)) n = n.resolve(doc);
  if (isMap(n)) {
    const pair = (n.items as Pair[]).find((p) =>
      segmentMatches(isScalar(p.key) ? p.key.value : p.key, seg),
    );
    if (!pair) return undefined;
    const value = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value;
    return { key: pair.key, value: value ?? null };
  }
  if (isSeq(n) && typeof seg === 'number') {
    const item = n.items[seg];
    if (item === undefined) return undefined;
    const value = isAlias(item) ? item.resolve(doc) : isPair(item) ? item.value : item;
    return { key: undefined, value };
  }
  return undefined;
}

/** An empty document (`---` alone) or a null one: js-yaml yields null for both and so do we. */
function isNullDocument(doc: Document.Parsed): boolean {
  const { isScalar } = yamlLib();
  const c = doc.contents;
  return c === null || (isScalar(c) && c.value === null);
}

function duplicateKeyName(text: string, pos: [number, number] | undefined): string {
  if (!pos) return 'map keys must be unique';
  const rest = text.slice(pos[0], pos[0] + 200).split(/[\r\n]/)[0] ?? '';
  const key = rest.replace(/\s*:(\s.*)?$/, '').trim();
  return key && key.length <= 100
    ? `${/^["']/.test(key) ? key : `"${key}"`} appears more than once in this mapping; the last one would silently win`
    : 'map keys must be unique';
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}

function describe(err: unknown): string {
  if (err instanceof RangeError) return 'it is nested too deeply';
  return err instanceof Error ? firstLine(err.message) : String(err);
}

function hasNullKey(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const c of v) if (c !== null && typeof c === 'object') stack.push(c);
      continue;
    }
    for (const k in v) {
      if (k === 'null') return true;
      const c = (v as Record<string, unknown>)[k];
      if (c !== null && typeof c === 'object') stack.push(c);
    }
  }
  return false;
}

function depthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  let visited = 0;
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) return true;
    if (++visited > 1_000_000) return false;
    for (const c of Array.isArray(v) ? v : Object.values(v))
      if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
  return false;
}
