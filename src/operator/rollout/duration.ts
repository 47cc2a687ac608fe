/**
 * Kubernetes-style durations for spec.rollout ("10m", "90s", "1h30m", "500ms"): the syntax of
 * Go's time.ParseDuration (metav1.Duration), which users know from probes, PDB-adjacent
 * tooling and every Go operator; a bare number is rejected because its unit is ambiguous.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Milliseconds of a duration string, or undefined when it is not a valid duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  if (!WHOLE.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(PART)) total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** A compact human form of a millisecond count, e.g. 90_000 -> "1m30s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}
