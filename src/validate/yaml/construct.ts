/**
 * Plain data from js-yaml's event stream, for the documents of the YAML fast path (source.ts).
 *
 * js-yaml 5 parses in two steps: `parseEvents` (public API) and a constructor that turns the
 * events into data. Its constructor is general (any tag, anchors and aliases, merge keys, Map
 * carriers) and it was about a third of the fast path's cost at CI scale (docs/adr/0017); the
 * documents gmsctl reads are plain mappings, sequences and scalars. This builds those the way
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

function plainScalar(source: string): unknown {
  const candidates = byFirstChar.get(source.charAt(0)) ?? anyFirstChar;
  for (let i = 0; i < candidates.length; i++) {
    const tag = candidates[i]!;
    const value: unknown = tag.resolve(source, false, tag.tagName);
    if (value !== NOT_RESOLVED) return value;
  }
  return STR.resolve(source, false, STR.tagName);
}

interface Cursor {
  text: string;
  events: readonly Event[];
  at: number;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** The node starting at c.at (moved past it), UNSUPPORTED or NULL_KEY. */
function node(c: Cursor): unknown {
  const e = c.events[c.at++];
  if (e === undefined) return UNSUPPORTED;
  switch (e.type) {
    case SCALAR: {
      if (e.tagStart !== NO_RANGE) return UNSUPPORTED;
      const source = getScalarValue(c.text, e);
      return e.style === PLAIN ? plainScalar(source) : STR.resolve(source, false, STR.tagName);
    }
    case MAPPING: {
      if (e.tagStart !== NO_RANGE) return UNSUPPORTED;
      const map: Record<string, unknown> = {};
      for (;;) {
        const k = c.events[c.at];
        if (k === undefined) return UNSUPPORTED;
        if (k.type === POP) break;
        if (k.type !== SCALAR) return UNSUPPORTED; // a collection or alias as key
        const raw = node(c);
        if (raw === UNSUPPORTED) return UNSUPPORTED;
        const key = typeof raw === 'string' ? raw : String(raw);
        if (key === 'null') return NULL_KEY;
        if (key === '__proto__' || hasOwn.call(map, key)) return UNSUPPORTED;
        const value = node(c);
        if (value === UNSUPPORTED || value === NULL_KEY) return value;
        map[key] = value;
      }
      c.at++;
      return map;
    }
    case SEQUENCE: {
      if (e.tagStart !== NO_RANGE) return UNSUPPORTED;
      const list: unknown[] = [];
      for (;;) {
        const k = c.events[c.at];
        if (k === undefined) return UNSUPPORTED;
        if (k.type === POP) break;
        const value = node(c);
        if (value === UNSUPPORTED || value === NULL_KEY) return value;
        list.push(value);
      }
      c.at++;
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
  text: string,
  events: readonly Event[],
): unknown[] | typeof UNSUPPORTED | typeof NULL_KEY {
  const docs: unknown[] = [];
  const c: Cursor = { text, events, at: 0 };
  while (c.at < events.length) {
    if (events[c.at]!.type !== DOCUMENT) return UNSUPPORTED;
    c.at++;
    if (events[c.at]?.type === POP) {
      c.at++;
      docs.push(undefined);
      continue;
    }
    const doc = node(c);
    if (doc === UNSUPPORTED || doc === NULL_KEY) return doc;
    if (events[c.at]?.type !== POP) return UNSUPPORTED;
    c.at++;
    docs.push(doc);
  }
  return docs;
}
