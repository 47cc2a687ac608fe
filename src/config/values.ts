/**
 * Option values as GMS receives them. The API lets users write YAML booleans, numbers or
 * strings (DESIGN.md, "API"); GMS reads strings: booleans become "true"/"false", numbers
 * String(n). Anything else (null, lists, maps, NaN) has no GMS string and is refused.
 */

export type ValueResult = { ok: true; value: string } | { ok: false; reason: string };

export function optionValueToString(raw: unknown): ValueResult {
  if (typeof raw === 'string') return { ok: true, value: raw };
  if (typeof raw === 'boolean') return { ok: true, value: raw ? 'true' : 'false' };
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return { ok: false, reason: `${raw} is not a finite number` };
    return { ok: true, value: String(raw) };
  }
  const what = raw === null ? 'null' : Array.isArray(raw) ? 'a list' : typeof raw;
  return { ok: false, reason: `option values must be a string, number or boolean, not ${what}` };
}
