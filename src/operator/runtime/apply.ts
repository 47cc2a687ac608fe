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

/** Stable JSON (sorted keys) so equal objects hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value as Record<string, unknown>)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function hashObject(value: unknown, length = 16): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);
}

/** The desired object with its applied-hash annotation set (hash taken without it). */
export function withAppliedHash<T extends KubeObject>(desired: T): T {
  const annotations = { ...(desired.metadata.annotations ?? {}) };
  delete annotations[APPLIED_HASH_ANNOTATION];
  const base = { ...desired, metadata: { ...desired.metadata, annotations } };
  const hash = hashObject(base);
  return {
    ...base,
    metadata: {
      ...base.metadata,
      annotations: { ...annotations, [APPLIED_HASH_ANNOTATION]: hash },
    },
  };
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

function isQuantityPath(path: string[]): boolean {
  // resources.{requests,limits}.<name>, emptyDir.sizeLimit, PVC storage requests.
  return (
    path.includes('requests') || path.includes('limits') || path[path.length - 1] === 'sizeLimit'
  );
}

/** Every value set in desired is present and equal in live (arrays: same length, in order, unless keyed by name). */
export function isSemanticSubset(desired: unknown, live: unknown, path: string[] = []): boolean {
  if (desired === undefined) return true;
  if (desired === null) return live === null || live === undefined;
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return desired.length === 0 && live === undefined;
    if (
      desired.length === live.length &&
      desired.every((d, i) => isSemanticSubset(d, live[i], [...path, String(i)]))
    ) {
      return true;
    }
    // Lists merged by name (containers, env, ports, volumes) may hold entries of other
    // field managers: match ours by name.
    if (desired.every((d) => isNamed(d)) && live.every((l) => isNamed(l))) {
      return desired.every((d) => {
        const match = live.find(
          (l) => (l as { name: string }).name === (d as { name: string }).name,
        );
        return (
          match !== undefined && isSemanticSubset(d, match, [...path, (d as { name: string }).name])
        );
      });
    }
    return false;
  }
  if (typeof desired === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    for (const [k, v] of Object.entries(desired as Record<string, unknown>)) {
      if (!isSemanticSubset(v, (live as Record<string, unknown>)[k], [...path, k])) return false;
    }
    return true;
  }
  if (desired === live) return true;
  if (typeof desired === 'string' && typeof live === 'string' && isQuantityPath(path)) {
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
