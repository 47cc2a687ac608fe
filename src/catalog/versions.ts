/**
 * GMS and Chat Server version numbers: `8.5.219.03`, `8.5.108`, `8.5.002.02`. Genesys writes
 * three or four dot-separated numeric parts (major.minor.release[.build]); parts compare as
 * numbers (`002` == `2`) and a missing build part counts as 0, so a prerequisite written
 * `8.5.108+` is met by `8.5.108.02`.
 */

/** The accepted syntax, shared with the JSON Schemas and CRDs (spec.gms.version). */
export const VERSION_PATTERN = '^[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,4}(\\.[0-9]{1,4})?$';
const VERSION_RE = new RegExp(VERSION_PATTERN);

export interface ParsedVersion {
  /** As written. */
  raw: string;
  /** Numeric parts, always four (a missing build part is 0). */
  parts: readonly [number, number, number, number];
}

/** A version string that is not `N.N.N` or `N.N.N.N`; the message says what was expected. */
export class VersionError extends Error {
  constructor(readonly input: string) {
    super(
      `invalid GMS version ${JSON.stringify(input)}: expected three or four dot-separated numbers, e.g. 8.5.219.03 or 8.5.108`,
    );
    this.name = 'VersionError';
  }
}

/** Parse a version; throws VersionError on anything malformed. */
export function parseVersion(input: string): ParsedVersion {
  if (typeof input !== 'string' || !VERSION_RE.test(input)) throw new VersionError(String(input));
  const n = input.split('.').map((p) => Number.parseInt(p, 10));
  return { raw: input, parts: [n[0] ?? 0, n[1] ?? 0, n[2] ?? 0, n[3] ?? 0] };
}

/** Parse a version, or undefined when malformed (for callers that report their own diagnostic). */
export function tryParseVersion(input: string): ParsedVersion | undefined {
  return typeof input === 'string' && VERSION_RE.test(input) ? parseVersion(input) : undefined;
}

export function isValidVersion(input: string): boolean {
  return tryParseVersion(input) !== undefined;
}

/** -1, 0 or 1, numerically part by part. Throws VersionError on malformed input. */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const pa = parseVersion(a).parts;
  const pb = parseVersion(b).parts;
  for (let i = 0; i < 4; i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** `version >= minimum`. Throws VersionError on malformed input. */
export function isAtLeast(version: string, minimum: string): boolean {
  return compareVersions(version, minimum) >= 0;
}
