/**
 * Server-side apply with a stable field manager, owner references, and the "compare before
 * apply" check that makes a reconcile with nothing to change send zero writes.
 *
 * The check has two halves:
 * 1. the live object carries the hash of the desired object the operator last applied
 *    (annotation gms.chatops.io/applied-hash): a field the operator stopped setting changes
 *    the hash, so removals are applied too;
 * 2. every field the operator sets is present in the live object with the same value
 *    (semantic subset: fields others add, or the API server defaults, are ignored; resource
 *    quantities compare by value, 500m == 0.5): a field someone else changed is re-applied.
 * Both must hold to skip the write. SSA with force then makes the operator the owner of its
 * fields again (https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts:
 * "controllers should force").
 */
import { createHash } from 'node:crypto';
import type { KubeClient } from './kube/client.js';
import type { KubeObject, OwnerReference } from './kube/types.js';

export const FIELD_MANAGER = 'gms-operator';
export const APPLIED_HASH_ANNOTATION = 'gms.chatops.io/applied-hash';

/** A controller owner reference: the owner's deletion garbage-collects the object. */
export function controllerReference(owner: KubeObject): OwnerReference {
  if (!owner.metadata.uid) throw new Error(`owner ${owner.kind}/${owner.metadata.name} has no uid`);
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * Stable JSON (sorted keys) so equal objects hash equally.
 *
 * Every reconcile hashes every desired object (withAppliedHash) and compares statuses with
 * this, ~10 times per ChatService per pass. An allocation profile of 1,000 ChatServices had
 * ensureApplied behind ~60 % of all the bytes the operator allocated (42 KiB per 1.8 KiB
 * object: each nesting level joined its children's text into a new string, plus key arrays
 * and quoted keys), which is what made the heap grow during reconcile storms (docs/adr/0018).
 * This writes the JSON as UTF-8 into one reused buffer instead (~0.6 KiB allocated per object
 * hashed, and faster), with quoted keys cached and keys sorted in reused scratch arrays.
 * The bytes are exactly those of the straightforward version, so the applied-hash annotations
 * already in clusters stay valid (test/unit/operator/runtime/apply.test.ts compares both):
 *   primitive -> JSON.stringify(v) ?? 'null'; array -> [elements]; object -> {"k":v,...}
 *   with keys of undefined values left out and the rest in default sort order.
 */
export function canonicalJson(value: unknown): string {
  const writer = CanonicalWriter.shared;
  writer.reset();
  writer.value(value, 0);
  return writer.toString();
}

export function hashObject(value: unknown, length = 16): string {
  const writer = CanonicalWriter.shared;
  writer.reset();
  writer.value(value, 0);
  return createHash('sha256').update(writer.bytes()).digest('hex').slice(0, length);
}

/** JSON strings that need no escaping: no control characters, quotes, backslashes, surrogates. */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
const PLAIN_STRING = /^[^\u0000-\u001f"\\\ud800-\udfff]*$/;

/** Canonical JSON as UTF-8 in a reused buffer (one per process: the writer is synchronous). */
class CanonicalWriter {
  static readonly shared = new CanonicalWriter();
  private buf = Buffer.allocUnsafe(64 * 1024);
  private len = 0;
  private readonly quotedKeys = new Map<string, string>();
  /** Per nesting depth, a reused array for an object's keys. */
  private readonly keys: string[][] = [];

  reset(): void {
    // A rare huge object may have grown the buffer: do not keep megabytes for ever.
    if (this.buf.length > 4 * 1024 * 1024) this.buf = Buffer.allocUnsafe(64 * 1024);
    this.len = 0;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  toString(): string {
    return this.buf.toString('utf8', 0, this.len);
  }

  value(v: unknown, depth: number): void {
    if (typeof v === 'string') {
      if (PLAIN_STRING.test(v)) {
        this.put('"');
        this.put(v);
        this.put('"');
      } else this.put(JSON.stringify(v));
      return;
    }
    if (v === null || typeof v !== 'object') {
      this.put(JSON.stringify(v) ?? 'null');
      return;
    }
    if (Array.isArray(v)) {
      this.put('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) this.put(',');
        // Array.prototype.map skips holes and join writes them as '' (never in API objects).
        if (i in v) this.value(v[i], depth + 1);
      }
      this.put(']');
      return;
    }
    const obj = v as Record<string, unknown>;
    // A count instead of keys.length = 0, which would free the array's storage every time.
    const keys = (this.keys[depth] ??= []);
    let n = 0;
    for (const k in obj) {
      if (Object.hasOwn(obj, k) && obj[k] !== undefined) keys[n++] = k;
    }
    // Insertion sort by UTF-16 code units (Array.prototype.sort's default order).
    for (let i = 1; i < n; i++) {
      const k = keys[i]!;
      let j = i - 1;
      while (j >= 0 && keys[j]! > k) {
        keys[j + 1] = keys[j]!;
        j--;
      }
      keys[j + 1] = k;
    }
    this.put('{');
    for (let i = 0; i < n; i++) {
      if (i > 0) this.put(',');
      const k = keys[i]!;
      this.put(this.quoteKey(k));
      // Children use the arrays of deeper levels, so keys[] of this level stays intact.
      this.value(obj[k], depth + 1);
    }
    this.put('}');
  }

  private quoteKey(k: string): string {
    let q = this.quotedKeys.get(k);
    if (q === undefined) {
      q = `${PLAIN_STRING.test(k) ? `"${k}"` : JSON.stringify(k)}:`;
      // Field names, label and data keys: a bounded set in practice; cap it anyway.
      if (this.quotedKeys.size >= 8192) this.quotedKeys.clear();
      this.quotedKeys.set(k, q);
    }
    return q;
  }

  private put(s: string): void {
    // At most 3 UTF-8 bytes per UTF-16 code unit.
    if (this.len + s.length * 3 > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + s.length * 3));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    this.len += this.buf.write(s, this.len);
  }
}

/** The desired object with its applied-hash annotation set (hash taken without it). */
export function withAppliedHash<T extends KubeObject>(desired: T): T {
  const { [APPLIED_HASH_ANNOTATION]: _previous, ...annotations } =
    desired.metadata.annotations ?? {};
  const metadata = { ...desired.metadata, annotations };
  const stamped = { ...desired, metadata };
  // The hash covers the object with its other annotations ({} when there are none).
  annotations[APPLIED_HASH_ANNOTATION] = hashObject(stamped);
  return stamped;
}

/** True when live already is what applying desired would produce (see the file comment). */
export function upToDate(desired: KubeObject, live: KubeObject | undefined): boolean {
  if (!live) return false;
  const want = desired.metadata.annotations?.[APPLIED_HASH_ANNOTATION];
  if (want !== undefined && live.metadata.annotations?.[APPLIED_HASH_ANNOTATION] !== want)
    return false;
  return isSemanticSubset(desired, live);
}

const QUANTITY = /^([+-]?[0-9.]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|e[0-9]+)?$/;
const SUFFIX: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a Kubernetes resource.Quantity string, or undefined if it is not one. */
export function quantityValue(q: string): number | undefined {
  const m = QUANTITY.exec(q);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isFinite(n)) return undefined;
  const suffix = m[2] ?? '';
  if (suffix.startsWith('e')) return n * 10 ** Number(suffix.slice(1));
  return n * (suffix ? (SUFFIX[suffix] ?? NaN) : 1);
}

/**
 * Every value set in desired is present and equal in live (arrays: same length, in order,
 * unless keyed by name). path is where desired sits in the object (for quantities).
 *
 * Resource quantities (anything under `requests` or `limits`, and `sizeLimit`) compare by
 * value. The walk keeps only the last key and whether a quantity key is above it instead of
 * the path itself: an array per step was ~20 % of the operator's allocations.
 */
export function isSemanticSubset(
  desired: unknown,
  live: unknown,
  path: readonly string[] = [],
): boolean {
  return subset(
    desired,
    live,
    path.length > 0 ? path[path.length - 1]! : '',
    path.includes('requests') || path.includes('limits'),
  );
}

/** key: the last path element; quantity: the path (key included) holds requests or limits. */
function subset(desired: unknown, live: unknown, key: string, quantity: boolean): boolean {
  if (desired === undefined) return true;
  if (desired === null) return live === null || live === undefined;
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return desired.length === 0 && live === undefined;
    if (desired.length === live.length) {
      let all = true;
      // Index keys ('0', '1', ...) are never quantity keys.
      for (let i = 0; i < desired.length && all; i++)
        all = subset(desired[i], live[i], '', quantity);
      if (all) return true;
    }
    // Lists merged by name (containers, env, ports, volumes) may hold entries of other
    // field managers: match ours by name.
    for (let i = 0; i < desired.length; i++) if (!isNamed(desired[i])) return false;
    for (let i = 0; i < live.length; i++) if (!isNamed(live[i])) return false;
    for (let i = 0; i < desired.length; i++) {
      const d = desired[i] as { name: string };
      let match: unknown;
      for (let j = 0; j < live.length && match === undefined; j++)
        if ((live[j] as { name: string }).name === d.name) match = live[j];
      if (
        match === undefined ||
        !subset(d, match, d.name, quantity || d.name === 'requests' || d.name === 'limits')
      )
        return false;
    }
    return true;
  }
  if (typeof desired === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    const want = desired as Record<string, unknown>;
    const have = live as Record<string, unknown>;
    for (const k in want) {
      if (!Object.hasOwn(want, k)) continue;
      if (!subset(want[k], have[k], k, quantity || k === 'requests' || k === 'limits'))
        return false;
    }
    return true;
  }
  if (desired === live) return true;
  if (
    typeof desired === 'string' &&
    typeof live === 'string' &&
    (quantity || key === 'sizeLimit')
  ) {
    const a = quantityValue(desired);
    const b = quantityValue(live);
    return a !== undefined && b !== undefined && Math.abs(a - b) <= Math.abs(a) * 1e-12;
  }
  // IntOrString fields written as numbers come back as numbers; be lenient both ways.
  if (
    (typeof desired === 'number' && typeof live === 'string') ||
    (typeof desired === 'string' && typeof live === 'number')
  ) {
    return String(desired) === String(live);
  }
  return false;
}

function isNamed(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string';
}

export interface ApplyResult<T> {
  changed: boolean;
  object: T;
}

/**
 * Applies desired unless live is already up to date. Returns the object the API server
 * returned (or live when nothing was sent).
 */
export async function ensureApplied<T extends KubeObject>(
  client: KubeClient,
  desired: T,
  live: T | undefined,
  fieldManager = FIELD_MANAGER,
): Promise<ApplyResult<T>> {
  const stamped = withAppliedHash(desired);
  if (live && upToDate(stamped, live)) return { changed: false, object: live };
  const object = await client.apply<T>(stamped, { fieldManager, force: true });
  return { changed: true, object };
}

/**
 * Server-side apply of an object's status subresource, skipped when `status` equals the stored
 * one, so a reconcile with nothing new writes nothing. Resolves whether it wrote.
 */
export async function applyStatusIfChanged(
  client: KubeClient,
  obj: {
    apiVersion: string;
    kind: string;
    metadata: { name?: string; namespace?: string };
    status?: unknown;
  },
  status: unknown,
): Promise<boolean> {
  if (canonicalJson(status) === canonicalJson(obj.status ?? {})) return false;
  await client.apply(
    {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace },
      status,
    } as KubeObject,
    { fieldManager: FIELD_MANAGER, force: true, subresource: 'status' },
  );
  return true;
}
