import { describe, expect, it } from 'vitest';
import {
  APPLIED_HASH_ANNOTATION,
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
