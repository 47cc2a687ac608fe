/** A field path inside a document: keys and sequence indexes, outermost first. */
export type Path = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

/** `spec.push.providers[1]`, `metadata.annotations["a/b"]`: the form shown to users. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** RFC 6901 JSON Pointer (ajv's instancePath) to a path; numeric segments become indexes. */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/** Whether an ajv path segment (always a string key or a number) names this sequence/map slot. */
export function segmentMatches(key: unknown, seg: string | number): boolean {
  if (key === null || key === undefined) return false;
  return String(key) === String(seg);
}
