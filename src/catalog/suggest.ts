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
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    let rowMin = Infinity;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > limit) return limit + 1;
  }
  return d[rows - 1]![cols - 1]!;
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
  options.forEach((option, order) => {
    let best: { name: string; distance: number } | undefined;
    for (const name of expandOptionNames(option)) {
      const distance =
        name === key ? 0 : Math.max(1, editDistance(lower, name.toLowerCase(), threshold));
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
  });
  found.sort(
    (x, y) =>
      x.distance - y.distance || Number(y.inSection) - Number(x.inSection) || x.order - y.order,
  );
  return found.slice(0, limit).map(({ order: _order, ...s }) => s);
}
