/**
 * Shared copies of the strings the informer caches hold many times over.
 *
 * JSON.parse gives every string value its own copy: with 1,000 ChatServices the caches held
 * 14,000 copies of "gms-operator", 7,000 of the API version, one per object of the namespace,
 * the image, the readiness script, the ChatService name in every label and owner reference...
 * (heap snapshot, docs/adr/0018). Replacing each value by one shared copy took the caches of
 * 1,000 ChatServices (7,000 objects) from ~15.4 MB to ~13.2 MB of heap, table included.
 *
 * Values that are unique per object (uid, resourceVersion, creationTimestamp) are skipped so
 * the table does not fill up with strings nobody shares; long strings (rendered INI files,
 * scripts over the limit) are left alone. The table is bounded: when it reaches maxEntries it
 * starts over, so strings of deleted objects are not kept for ever (sharing is only an
 * optimisation: a value that is not shared is still the same value).
 */

/** metadata fields whose values are unique to one object. */
const UNIQUE_METADATA = new Set(['uid', 'resourceVersion', 'creationTimestamp']);

export interface InternerOptions {
  /** Longest string that is shared (longer ones are rarely repeated verbatim). */
  maxLength?: number;
  /** Table size at which it is cleared. */
  maxEntries?: number;
}

export class StringInterner {
  private table = new Map<string, string>();
  private readonly maxLength: number;
  private readonly maxEntries: number;

  constructor(opts: InternerOptions = {}) {
    this.maxLength = opts.maxLength ?? 512;
    this.maxEntries = opts.maxEntries ?? 65_536;
  }

  get size(): number {
    return this.table.size;
  }

  /** The shared copy of s (s itself the first time it is seen). */
  string(s: string): string {
    if (s.length > this.maxLength) return s;
    const shared = this.table.get(s);
    if (shared !== undefined) return shared;
    if (this.table.size >= this.maxEntries) this.table = new Map();
    this.table.set(s, s);
    return s;
  }

  /** Replace, in place, the string values of a Kubernetes object by their shared copies. */
  object<T extends object>(obj: T): T {
    this.walk(obj as Record<string, unknown>, true);
    return obj;
  }

  private walk(o: Record<string, unknown> | unknown[], top: boolean): void {
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) {
        const v = o[i];
        if (typeof v === 'string') o[i] = this.string(v);
        else if (v !== null && typeof v === 'object')
          this.walk(v as Record<string, unknown>, false);
      }
      return;
    }
    for (const k in o) {
      const v = o[k];
      if (typeof v === 'string') o[k] = this.string(v);
      else if (v !== null && typeof v === 'object') {
        if (top && k === 'metadata') this.walkMetadata(v as Record<string, unknown>);
        else this.walk(v as Record<string, unknown>, false);
      }
    }
  }

  private walkMetadata(meta: Record<string, unknown>): void {
    for (const k in meta) {
      if (UNIQUE_METADATA.has(k)) continue;
      const v = meta[k];
      if (typeof v === 'string') meta[k] = this.string(v);
      else if (v !== null && typeof v === 'object') this.walk(v as Record<string, unknown>, false);
    }
  }
}
