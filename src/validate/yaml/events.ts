/**
 * Positions from js-yaml's event stream, for files the fast path read: js-yaml 5's public
 * event API (parseEvents, getScalarValue) gives the source offsets of every node, so a file
 * whose documents came from js-yaml does not need a second, heavier parse by `yaml` to point
 * at a field. Offsets follow `yaml`'s node ranges (quotes and block indicators included, tags
 * and anchors not), which test/unit/validate/yaml.test.ts checks path by path.
 */
import { getScalarValue, parseEvents, type Event, type ScalarEvent } from 'js-yaml';
import { segmentMatches, type Path } from './path.js';

const DOCUMENT = 1;
const SEQUENCE = 2;
const MAPPING = 3;
const SCALAR = 4;
const POP = 6;
const SINGLE_QUOTED = 2;
const DOUBLE_QUOTED = 3;
const LITERAL = 4;
const FOLDED = 5;

interface EventNode {
  /** Offset of the node (-1 when it has no text, e.g. an empty value). */
  start: number;
  scalar?: ScalarEvent;
  /** Mapping pairs. */
  pairs?: { key: EventNode; value: EventNode }[];
  /** Sequence items. */
  items?: EventNode[];
}

function scalarStart(text: string, e: ScalarEvent): number {
  if (e.valueStart < 0) return -1;
  if (e.style === SINGLE_QUOTED || e.style === DOUBLE_QUOTED) return e.valueStart - 1;
  if (e.style === LITERAL || e.style === FOLDED) {
    // Back from the content to the `|` or `>` indicator (past chomping and indent marks).
    let i = e.valueStart - 1;
    while (i >= 0 && text[i] !== '|' && text[i] !== '>') i--;
    return i >= 0 ? i : e.valueStart;
  }
  return e.valueEnd > e.valueStart ? e.valueStart : -1;
}

function isNullScalar(text: string, e: ScalarEvent): boolean {
  if (e.tagStart >= 0 || e.style !== 1) return false;
  const v = text.slice(e.valueStart, e.valueEnd);
  return v === '' || v === '~' || v === 'null' || v === 'Null' || v === 'NULL';
}

/**
 * The documents of a text as position trees; null documents are left out, as the data does.
 * `events`: the text's events when the caller still has them (source.ts parsed them for the
 * data), else they are parsed again.
 */
export function eventDocuments(
  text: string,
  maxDepth: number,
  events: readonly Event[] = parseEvents(text, { maxDepth }),
): EventNode[] {
  const docs: EventNode[] = [];
  let i = 0;
  const node = (): EventNode => {
    const e = events[i++]!;
    if (e.type === SCALAR) return { start: scalarStart(text, e), scalar: e };
    if (e.type === MAPPING) {
      const pairs: { key: EventNode; value: EventNode }[] = [];
      while (events[i] && events[i]!.type !== POP) pairs.push({ key: node(), value: node() });
      i++;
      return { start: e.start, pairs };
    }
    if (e.type === SEQUENCE) {
      const items: EventNode[] = [];
      while (events[i] && events[i]!.type !== POP) items.push(node());
      i++;
      return { start: e.start, items };
    }
    return { start: -1 }; // alias: never in the fast path (maxAliases 0)
  };
  while (i < events.length) {
    const e = events[i++]!;
    if (e.type !== DOCUMENT) continue;
    if (events[i]?.type === POP) {
      i++;
      continue;
    }
    const root = node();
    i++; // the document's POP
    if (root.scalar && isNullScalar(text, root.scalar)) continue;
    docs.push(root);
  }
  return docs;
}

/** Offset of `path` in a document tree (see YamlSource.locate for the fallbacks). */
export function locateOffset(
  text: string,
  root: EventNode,
  path: Path,
  at: 'key' | 'value',
): number {
  let node: EventNode | undefined = root;
  let key: EventNode | undefined;
  let found = 0;
  for (const seg of path) {
    if (!node) break;
    if (node.pairs) {
      const pair: { key: EventNode; value: EventNode } | undefined = node.pairs.find(
        (p) =>
          p.key.scalar !== undefined && segmentMatches(getScalarValue(text, p.key.scalar), seg),
      );
      if (!pair) break;
      key = pair.key;
      node = pair.value;
    } else if (node.items && typeof seg === 'number' && seg < node.items.length) {
      key = undefined;
      node = node.items[seg];
    } else break;
    found++;
  }
  const complete = found === path.length;
  const useKey =
    (at === 'key' || !complete || !node || node.start < 0) && key !== undefined && key.start >= 0;
  const target = useKey ? key! : node;
  return target && target.start >= 0 ? target.start : root.start >= 0 ? root.start : 0;
}
