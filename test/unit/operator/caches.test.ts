/** What the operator's caches keep of an object (src/operator/caches.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { Caches } from '../../../src/operator/caches.js';
import type { KubeObject } from '../../../src/operator/runtime/kube/types.js';
import { FakeClock, flush } from './fakes/fake-clock.js';
import { FakeKube } from './fakes/fake-kube.js';

const NS = 'contact-center';
let caches: Caches | undefined;

afterEach(async () => {
  await caches?.stop();
  caches = undefined;
});

async function start(kube: FakeKube): Promise<Caches> {
  caches = new Caches({ client: kube, namespaces: [NS], resyncPeriodMs: 0, httpRoutes: false });
  caches.start();
  while (!caches.hasSynced()) await new Promise((r) => setTimeout(r, 1));
  return caches;
}

const secret = (name: string, type: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: NS,
      managedFields: [{ manager: 'helm', operation: 'Update' }],
    },
    type,
    data: { key: 'c2VjcmV0' },
  }) as KubeObject;

describe('Caches', () => {
  it('drops the data of Secret types that never hold GMS credentials, keeps the others whole', async () => {
    const kube = new FakeKube();
    kube.seed(secret('sh.helm.release.v1.gms.v1', 'helm.sh/release.v1'));
    kube.seed(secret('fcm', 'Opaque'));
    const c = await start(kube);
    const helm = c.secrets.get(NS, 'sh.helm.release.v1.gms.v1') as KubeObject & { data?: unknown };
    expect(helm).toBeDefined();
    expect('data' in helm).toBe(false);
    expect((helm as { type?: string }).type).toBe('helm.sh/release.v1');
    expect(helm.metadata.managedFields).toBeUndefined();
    const fcm = c.secrets.get(NS, 'fcm') as KubeObject & { data?: unknown };
    expect(fcm.data).toEqual({ key: 'c2VjcmV0' });
    expect('managedFields' in fcm.metadata).toBe(false);
    // Secret values never enter the shared string table.
    expect(c.interner.size).toBe(0);
  });

  it('shares the strings of owned objects and keeps their values', async () => {
    const kube = new FakeKube();
    for (const n of ['cs-1', 'cs-2']) {
      kube.seed({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: `${n}-dynamic`,
          namespace: NS,
          labels: {
            'app.kubernetes.io/managed-by': 'gms-operator',
            'gms.chatops.io/chatservice': n,
          },
          managedFields: [{ manager: 'gms-operator', operation: 'Apply' }],
        },
        data: { 'dynamic.ini': '[chat]\n' },
      } as KubeObject);
    }
    const c = await start(kube);
    const cm = c.configMaps.get(NS, 'cs-1-dynamic') as KubeObject & { data?: unknown };
    expect(cm.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'gms-operator',
      'gms.chatops.io/chatservice': 'cs-1',
    });
    expect(cm.data).toEqual({ 'dynamic.ini': '[chat]\n' });
    expect('managedFields' in cm.metadata).toBe(false);
    expect(c.interner.size).toBeGreaterThan(0);
  });

  it('waitForSync waits for every informer, owned objects included', async () => {
    const kube = new FakeKube();
    const clock = new FakeClock();
    // The first StatefulSet list fails (informers list in start order: ChatServices,
    // PushProviders, Secrets, ConfigMaps, Services, StatefulSets, ...); it is retried after a
    // backoff on the fake clock.
    kube.failNext.list = [...Array<undefined>(5).fill(undefined), new Error('connection reset')];
    caches = new Caches({
      client: kube,
      namespaces: [NS],
      resyncPeriodMs: 0,
      httpRoutes: false,
      clock,
    });
    caches.start();
    let synced = false;
    void caches.waitForSync().then(() => (synced = true));
    await flush();
    expect(caches.unsynced()).toEqual([`statefulsets(${NS})`]);
    expect(caches.chatServices.hasSynced()).toBe(true);
    expect(synced).toBe(false);
    await clock.advance(2000);
    await flush();
    expect(caches.unsynced()).toEqual([]);
    expect(synced).toBe(true);
  });
});
