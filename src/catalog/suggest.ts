/**
 * "Did you mean": the nearest known option to an unknown key, by edit distance (optimal string
 * alignment: insertions, deletions, substitutions and adjacent transpositions, compared
 * case-insensitively). Options of every section are candidates, so a known option written in
 * the wrong section comes back with `inSection: false` and the validator can say where it
 * belongs.
 */
import type { OptionSpec, SectionPattern } from './types.js';
import { expandOptionNames } from './templates.js';

export interface OptionSuggestion {
  /** The concrete key to write (a template instance for templated options). */
  name: string;
  option: OptionSpec;
  /** Edit distance from the key as written (0: the key exists, but elsewhere). */
  distance: number;
  /** Whether the suggested option is valid in the section the key was written in. */
  inSection: boolean;
  sections: readonly SectionPattern[];
}

/** Optimal string alignment distance, abandoning early once `limit` is exceeded. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const cols = b.length + 1;
  // Three rolling rows (i-2, i-1, i) instead of a matrix: no allocation per cell.
  let prev2 = new Int32Array(cols);
  let prev = new Int32Array(cols);
  let cur = new Int32Array(cols);
  for (let j = 0; j < cols; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j < cols; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj)
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[cols - 1]!;
}

/** How far a key may be from a suggestion: 1 for short keys, about a quarter of longer ones. */
export function suggestionThreshold(key: string): number {
  return key.length <= 4 ? 1 : Math.max(2, Math.floor(key.length / 4));
}

/**
 * Candidate suggestions for `key`, best first: smaller distance, then valid in `section`
 * (a section pattern such as `chat.<service>`), then catalog order.
 */
export function rankSuggestions(
  options: readonly OptionSpec[],
  key: string,
  pattern: SectionPattern | undefined,
  limit: number,
): OptionSuggestion[] {
  const threshold = suggestionThreshold(key);
  const lower = key.toLowerCase();
  const found: (OptionSuggestion & { order: number })[] = [];
  const candidates = candidatesOf(options);
  let order = -1;
  for (const { option, names } of candidates) {
    order++;
    let best: { name: string; distance: number } | undefined;
    for (const { name, lower: nameLower } of names) {
      const distance =
        name === key ? 0 : Math.max(1, editDistance(lower, nameLower, best?.distance ?? threshold));
      if (distance <= threshold && (!best || distance < best.distance)) best = { name, distance };
    }
    if (best) {
      found.push({
        ...best,
        option,
        inSection: pattern !== undefined && option.sections.includes(pattern),
        sections: option.sections,
        order,
      });
    }
  }
  found.sort(
    (x, y) =>
      x.distance - y.distance || Number(y.inSection) - Number(x.inSection) || x.order - y.order,
  );
  return found.slice(0, limit).map(({ order: _order, ...s }) => s);
}

interface Candidate {
  option: OptionSpec;
  names: { name: string; lower: string }[];
}

const candidateCache = new WeakMap<readonly OptionSpec[], Candidate[]>();

/** Every concrete name of every option, lower-cased once per catalog. */
function candidatesOf(options: readonly OptionSpec[]): Candidate[] {
  let c = candidateCache.get(options);
  if (!c) {
    c = options.map((option) => ({
      option,
      names: expandOptionNames(option).map((name) => ({ name, lower: name.toLowerCase() })),
    }));
    candidateCache.set(options, c);
  }
  return c;
}
