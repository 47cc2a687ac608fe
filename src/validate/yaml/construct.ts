/**
 * Plain data from js-yaml's event stream, for the documents of the YAML fast path (source.ts).
 *
 * js-yaml 5 parses in two steps: `parseEvents` (public API) and a constructor that turns the
 * events into data. Its constructor is general (any tag, anchors and aliases, merge keys, Map
 * carriers) and took about twice as long as this one over 10,000 manifests (docs/adr/0019);
 * the documents gmsctl reads are plain mappings, sequences and scalars. This builds those the way
 * js-yaml's constructor does with the same options (CORE_SCHEMA, `{}` mappings, keys as
 * `String(key)`), with js-yaml's own tag definitions resolving every scalar, and refuses
 * everything else, so the caller falls back to js-yaml `loadAll` for the text:
 * - a tag (`!!str`, `!Ref`), an alias, a duplicate key, a key that is a collection or
 *   `__proto__`: js-yaml's rules (or its errors) apply;
 * - a key that reads as "null": reported as NULL_KEY, the authority reads the text (source.ts).
 *
 * The same events then give the fast path its positions (events.ts), without a second parse.
 * test/unit/validate/property.test.ts compares this with js-yaml's loadAll on generated YAML.
 */
import {
  CORE_SCHEMA,
  EVENT_ID,
  getScalarValue,
  NOT_RESOLVED,
  SCALAR_STYLE,
  type Event,
  type ScalarEvent,
} from 'js-yaml';

const DOCUMENT = EVENT_ID.DOCUMENT;
const SEQUENCE = EVENT_ID.SEQUENCE;
const MAPPING = EVENT_ID.MAPPING;
const SCALAR = EVENT_ID.SCALAR;
const POP = EVENT_ID.POP;
const PLAIN = SCALAR_STYLE.PLAIN;
const NO_RANGE = -1;

/** The text needs js-yaml's own constructor. */
export const UNSUPPORTED = Symbol('unsupported');
/** A mapping key that reads as "null" (js-yaml and `yaml` disagree: the authority decides). */
export const NULL_KEY = Symbol('null key');

type ScalarTag = Extract<(typeof CORE_SCHEMA.tags)[number], { nodeKind: 'scalar' }>;

/**
 * CORE_SCHEMA's implicit scalar tags by first character, as js-yaml's Schema dispatches them
 * (built from the tags' public `implicit` and `implicitFirstChars`, in schema order).
 */
const scalarTags = CORE_SCHEMA.tags.filter((t): t is ScalarTag => t.nodeKind === 'scalar');
const implicitTags = scalarTags.filter((t) => t.implicit);
const anyFirstChar = implicitTags.filter((t) => t.implicitFirstChars === null);
const byFirstChar = new Map<string, ScalarTag[]>();
for (const t of implicitTags) {
  for (const key of t.implicitFirstChars ?? []) {
    byFirstChar.set(
      key,
      implicitTags.filter(
        (x) => x.implicitFirstChars === null || x.implicitFirstChars.includes(key),
      ),
    );
  }
}
const stringTag = scalarTags.find((t) => t.tagName === 'tag:yaml.org,2002:str');
if (!stringTag) throw new Error('js-yaml CORE_SCHEMA has no !!str tag');
const STR = stringTag;

/** The candidates by first character code for ASCII (the Map above, looked up once). */
const asciiCandidates: (readonly ScalarTag[])[] = [];
for (let code = 0; code < 128; code++)
  asciiCandidates.push(byFirstChar.get(String.fromCharCode(code)) ?? anyFirstChar);
const emptyCandidates = byFirstChar.get('') ?? anyFirstChar;

function plainScalar(source: string): unknown {
  let candidates: readonly ScalarTag[];
  if (source.length === 0) candidates = emptyCandidates;
  else {
    const code = source.charCodeAt(0);
    candidates =
      code < 128 ? asciiCandidates[code]! : (byFirstChar.get(source.charAt(0)) ?? anyFirstChar);
  }
  for (let i = 0; i < candidates.length; i++) {
    const tag = candidates[i]!;
    const value: unknown = tag.resolve(source, false, tag.tagName);
    if (value !== NOT_RESOLVED) return value;
  }
  return STR.resolve(source, false, STR.tagName);
}

/** A scalar event's value, or UNSUPPORTED for a tagged one. */
function scalar(text: string, e: ScalarEvent): unknown {
  if (e.tagStart !== NO_RANGE) return UNSUPPORTED;
  const source = getScalarValue(text, e);
  return e.style === PLAIN ? plainScalar(source) : STR.resolve(source, false, STR.tagName);
}

/** The events being built from (one text at a time; the constructor does not re-enter). */
let text = '';
let events: readonly Event[] = [];
let at = 0;

const hasOwn = Object.prototype.hasOwnProperty;

/** The node starting at `at` (moved past it), UNSUPPORTED or NULL_KEY. */
function node(): unknown {
  const e = events[at++];
  if (e === undefined) return UNSUPPORTED;
  switch (e.type) {
    case SCALAR:
      return scalar(text, e);
    case MAPPING: {
      if (e.tagStart !== NO_RANGE) return UNSUPPORTED;
      const map: Record<string, unknown> = {};
      for (;;) {
        const k = events[at];
        if (k === undefined) return UNSUPPORTED;
        if (k.type === POP) break;
        if (k.type !== SCALAR) return UNSUPPORTED; // a collection or alias as key
        at++;
        const raw = scalar(text, k);
        if (raw === UNSUPPORTED) return UNSUPPORTED;
        const key = typeof raw === 'string' ? raw : String(raw);
        if (key === 'null') return NULL_KEY;
        if (key === '__proto__' || hasOwn.call(map, key)) return UNSUPPORTED;
        const value = node();
        if (value === UNSUPPORTED || value === NULL_KEY) return value;
        map[key] = value;
      }
      at++;
      return map;
    }
    case SEQUENCE: {
      if (e.tagStart !== NO_RANGE) return UNSUPPORTED;
      const list: unknown[] = [];
      for (;;) {
        const k = events[at];
        if (k === undefined) return UNSUPPORTED;
        if (k.type === POP) break;
        const value = node();
        if (value === UNSUPPORTED || value === NULL_KEY) return value;
        list.push(value);
      }
      at++;
      return list;
    }
    default:
      return UNSUPPORTED; // alias (or a stray document/pop)
  }
}

/**
 * The documents of `text` from its events (what js-yaml `loadAll` returns for them, empty
 * documents as undefined), or UNSUPPORTED / NULL_KEY.
 */
export function constructDocuments(
  source: string,
  all: readonly Event[],
): unknown[] | typeof UNSUPPORTED | typeof NULL_KEY {
  text = source;
  events = all;
  at = 0;
  try {
    const docs: unknown[] = [];
    while (at < all.length) {
      if (all[at]!.type !== DOCUMENT) return UNSUPPORTED;
      at++;
      if (all[at]?.type === POP) {
        at++;
        docs.push(undefined);
        continue;
      }
      const doc = node();
      if (doc === UNSUPPORTED || doc === NULL_KEY) return doc;
      if (all[at]?.type !== POP) return UNSUPPORTED;
      at++;
      docs.push(doc);
    }
    return docs;
  } finally {
    // Nothing of this text is kept once its documents are built.
    text = '';
    events = [];
  }
}
