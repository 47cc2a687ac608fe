import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  APPLIED_HASH_ANNOTATION,
  canonicalJson,
  controllerReference,
  ensureApplied,
  isSemanticSubset,
  quantityValue,
  upToDate,
  withAppliedHash,
} from '../../../../src/operator/runtime/apply.js';
import type { KubeObject } from '../../../../src/operator/runtime/kube/types.js';
import { FakeKube } from '../fakes/fake-kube.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

const sts = (replicas: number, cpu = '500m'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'gms', namespace: 'ns', labels: { app: 'gms' } },
  spec: {
    replicas,
    template: {
      spec: {
        containers: [
          {
            name: 'gms',
            image: 'gms:1',
            resources: { requests: { cpu, memory: '1Gi' } },
            env: [{ name: 'A', value: '1' }],
          },
        ],
      },
    },
  },
});

describe('quantityValue', () => {
  it('parses Kubernetes quantities', () => {
    expect(quantityValue('500m')).toBe(0.5);
    expect(quantityValue('1Gi')).toBe(2 ** 30);
    expect(quantityValue('1G')).toBe(1e9);
    expect(quantityValue('2')).toBe(2);
    expect(quantityValue('1e3')).toBe(1000);
    expect(quantityValue('abc')).toBeUndefined();
  });
});

describe('isSemanticSubset', () => {
  it('ignores fields the API server or other managers added', () => {
    const live = structuredClone(sts(3)) as Loose;
    live.metadata.uid = 'u';
    live.metadata.labels.extra = 'x';
    live.spec.podManagementPolicy = 'OrderedReady';
    live.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    live.status = { replicas: 3 };
    expect(isSemanticSubset(sts(3), live)).toBe(true);
  });

  it('detects a changed value', () => {
    expect(isSemanticSubset(sts(3), sts(2))).toBe(false);
    expect(isSemanticSubset(sts(3, '1'), sts(3, '500m'))).toBe(false);
  });

  it('compares resource quantities by value', () => {
    expect(isSemanticSubset(sts(3, '0.5'), sts(3, '500m'))).toBe(true);
  });

  it('matches named list entries when another manager added entries', () => {
    const live = structuredClone(sts(3)) as Loose;
    live.spec.template.spec.containers.unshift({ name: 'istio-proxy', image: 'proxy' });
    expect(isSemanticSubset(sts(3), live)).toBe(true);
    live.spec.template.spec.containers[1].image = 'gms:2';
    expect(isSemanticSubset(sts(3), live)).toBe(false);
  });

  it('requires unnamed lists to match in length and order', () => {
    expect(isSemanticSubset({ a: ['x', 'y'] }, { a: ['x', 'y'] })).toBe(true);
    expect(isSemanticSubset({ a: ['x', 'y'] }, { a: ['y', 'x'] })).toBe(false);
    expect(isSemanticSubset({ a: ['x'] }, { a: ['x', 'y'] })).toBe(false);
  });

  it('accepts IntOrString values written as numbers', () => {
    expect(isSemanticSubset({ maxUnavailable: 1 }, { maxUnavailable: '1' })).toBe(true);
  });
});

describe('applied hash', () => {
  it('is stable and ignores its own annotation', () => {
    const a = withAppliedHash(sts(3));
    const b = withAppliedHash(a);
    expect(a.metadata.annotations?.[APPLIED_HASH_ANNOTATION]).toMatch(/^[0-9a-f]{16}$/);
    expect(b.metadata.annotations?.[APPLIED_HASH_ANNOTATION]).toBe(
      a.metadata.annotations?.[APPLIED_HASH_ANNOTATION],
    );
  });

  it('a removed field changes the hash, so upToDate fails even though the rest is a subset', () => {
    const withLabel = withAppliedHash(sts(3));
    const without = sts(3);
    delete without.metadata.labels;
    const stamped = withAppliedHash(without);
    expect(
      isSemanticSubset(stamped, {
        ...withLabel,
        metadata: { ...withLabel.metadata, annotations: stamped.metadata.annotations },
      }),
    ).toBe(true);
    expect(upToDate(stamped, withLabel)).toBe(false);
  });
});

describe('ensureApplied', () => {
  it('applies once, then sends nothing while live matches; re-applies drift', async () => {
    const kube = new FakeKube();
    const first = await ensureApplied(kube, sts(3), undefined);
    expect(first.changed).toBe(true);
    const live = await kube.get<KubeObject>(
      { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true },
      'ns',
      'gms',
    );
    const second = await ensureApplied(kube, sts(3), live);
    expect(second.changed).toBe(false);
    expect(kube.writes()).toHaveLength(1);
    (live!.spec as { replicas: number }).replicas = 5; // someone scaled it
    const third = await ensureApplied(kube, sts(3), live);
    expect(third.changed).toBe(true);
    expect(kube.writes().map((w) => w.verb)).toEqual(['apply', 'apply']);
  });
});

describe('controllerReference', () => {
  it('points at the owner with controller and blockOwnerDeletion', () => {
    expect(
      controllerReference({
        apiVersion: 'gms.chatops.io/v1alpha1',
        kind: 'ChatService',
        metadata: { name: 'cs', uid: 'u1' },
      }),
    ).toEqual({
      apiVersion: 'gms.chatops.io/v1alpha1',
      kind: 'ChatService',
      name: 'cs',
      uid: 'u1',
      controller: true,
      blockOwnerDeletion: true,
    });
    expect(() =>
      controllerReference({ apiVersion: 'v1', kind: 'X', metadata: { name: 'n' } }),
    ).toThrow(/uid/);
  });
});

// ---------------------------------------------------------------------------------------------
// The allocation-light canonicalJson and isSemanticSubset must answer exactly as the first,
// straightforward versions did (kept here as the reference): the applied-hash annotations of
// objects already in clusters are canonicalJson hashes, so one changed byte would re-apply
// every object once after an upgrade.

function referenceCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(referenceCanonicalJson).join(',')}]`;
  const keys = Object.keys(value as Record<string, unknown>)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${referenceCanonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

function referenceSubset(desired: unknown, live: unknown, path: string[] = []): boolean {
  const isQuantityPath = (p: string[]) =>
    p.includes('requests') || p.includes('limits') || p[p.length - 1] === 'sizeLimit';
  const named = (v: unknown) =>
    typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string';
  if (desired === undefined) return true;
  if (desired === null) return live === null || live === undefined;
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return desired.length === 0 && live === undefined;
    if (
      desired.length === live.length &&
      desired.every((d, i) => referenceSubset(d, live[i], [...path, String(i)]))
    )
      return true;
    if (desired.every(named) && live.every(named)) {
      return desired.every((d) => {
        const match = live.find((l) => (l as Loose).name === (d as Loose).name);
        return match !== undefined && referenceSubset(d, match, [...path, (d as Loose).name]);
      });
    }
    return false;
  }
  if (typeof desired === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    for (const [k, v] of Object.entries(desired as Loose))
      if (!referenceSubset(v, (live as Loose)[k], [...path, k])) return false;
    return true;
  }
  if (desired === live) return true;
  if (typeof desired === 'string' && typeof live === 'string' && isQuantityPath(path)) {
    const a = quantityValue(desired);
    const b = quantityValue(live);
    return a !== undefined && b !== undefined && Math.abs(a - b) <= Math.abs(a) * 1e-12;
  }
  if (
    (typeof desired === 'number' && typeof live === 'string') ||
    (typeof desired === 'string' && typeof live === 'number')
  )
    return String(desired) === String(live);
  return false;
}

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = [
  '',
  'gms',
  'a"b',
  'back\\slash',
  'line\nbreak\ttab',
  '\u0000\u001f',
  'é ü 日本',
  '😀 pair',
  'lone \ud800 surrogate',
  '\u2028\u2029',
  '500m',
  '0.5',
  '1Gi',
  '1073741824',
  '10',
  '2',
  'requests',
  'limits',
  'sizeLimit',
  'name',
];
const KEYS = ['a', 'b', 'B', '10', '2', 'é', 'z"q', 'requests', 'limits', 'sizeLimit', 'name', '_'];
const NUMBERS = [0, -0, 1, -1, 0.5, 1e21, 1e-7, 2 ** 53, NaN, Infinity, 3];

function randomValue(r: () => number, depth: number): unknown {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const k = r();
  if (depth <= 0 || k < 0.45) {
    const p = r();
    if (p < 0.5) return pick(STRINGS);
    if (p < 0.75) return pick(NUMBERS);
    if (p < 0.85) return r() < 0.5;
    if (p < 0.93) return null;
    return undefined;
  }
  if (k < 0.7) {
    const n = Math.floor(r() * 4);
    return Array.from({ length: n }, () =>
      r() < 0.3 ? { name: pick(STRINGS), v: randomValue(r, depth - 1) } : randomValue(r, depth - 1),
    );
  }
  const o: Loose = {};
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) o[pick(KEYS)] = randomValue(r, depth - 1);
  return o;
}

/** A "live" variant of desired: same, or with extra fields, changed leaves, reordered lists. */
function mutate(r: () => number, v: unknown): unknown {
  if (Array.isArray(v)) {
    const out = v.map((x) => mutate(r, x));
    if (r() < 0.2) out.reverse();
    if (r() < 0.1) out.push({ name: 'extra' });
    return out;
  }
  if (v !== null && typeof v === 'object') {
    const out: Loose = {};
    for (const [k, x] of Object.entries(v)) if (r() > 0.05) out[k] = mutate(r, x);
    if (r() < 0.2) out.extra = 'x';
    return out;
  }
  const p = r();
  if (p < 0.08) return typeof v === 'number' ? String(v) : v;
  if (p < 0.12) return v === '500m' ? '0.5' : v === '1Gi' ? '1073741824' : v;
  if (p < 0.16) return 'changed';
  return v;
}

describe('canonicalJson and isSemanticSubset against the reference versions', () => {
  it('canonicalJson writes the same bytes for 5,000 random values', () => {
    const r = prng(42);
    for (let i = 0; i < 5000; i++) {
      const v = randomValue(r, 5);
      expect(canonicalJson(v)).toBe(referenceCanonicalJson(v));
    }
  });

  it('canonicalJson and the applied hash are unchanged for the objects of a ChatService', () => {
    const objs = [sts(3), sts(2, '1')];
    const stamped = objs.map((o) => withAppliedHash(o));
    for (const o of [...objs, ...stamped]) expect(canonicalJson(o)).toBe(referenceCanonicalJson(o));
    // The hash a previous release wrote for sts(3) (sha256 of the reference canonical JSON).
    const base = {
      ...sts(3),
      metadata: { ...sts(3).metadata, annotations: {} },
    };
    const expected = createHash('sha256')
      .update(referenceCanonicalJson(base))
      .digest('hex')
      .slice(0, 16);
    expect(stamped[0]!.metadata.annotations?.[APPLIED_HASH_ANNOTATION]).toBe(expected);
  });

  it('isSemanticSubset gives the same verdicts for 5,000 random pairs', () => {
    const r = prng(7);
    let agreedTrue = 0;
    for (let i = 0; i < 5000; i++) {
      const desired = randomValue(r, 5);
      const live = mutate(r, desired);
      const path = r() < 0.3 ? [KEYS[Math.floor(r() * KEYS.length)]!] : [];
      const want = referenceSubset(desired, live, path);
      expect(isSemanticSubset(desired, live, path)).toBe(want);
      if (want) agreedTrue++;
    }
    // The quantity rules by hand (random pairs seldom hit them).
    for (const [d, l] of [
      [{ emptyDir: { sizeLimit: '500m' } }, { emptyDir: { sizeLimit: '0.5' } }],
      [
        { resources: { limits: { memory: '1Gi' } } },
        { resources: { limits: { memory: '1073741824' } } },
      ],
      [{ x: { memory: '1Gi' } }, { x: { memory: '1073741824' } }],
      [
        { containers: [{ name: 'limits', cpu: '1' }] },
        { containers: [{ cpu: '1000m', name: 'limits' }] },
      ],
    ] as const) {
      expect(isSemanticSubset(d, l)).toBe(referenceSubset(d, l));
    }
    expect(
      isSemanticSubset({ emptyDir: { sizeLimit: '500m' } }, { emptyDir: { sizeLimit: '0.5' } }),
    ).toBe(true);
    // Both verdicts occur often enough for the comparison to mean something.
    expect(agreedTrue).toBeGreaterThan(500);
    expect(agreedTrue).toBeLessThan(4500);
  });
});
