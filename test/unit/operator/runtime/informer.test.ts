import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { Informer } from '../../../../src/operator/runtime/informer.js';
import { ApiError } from '../../../../src/operator/runtime/kube/errors.js';
import { WatchDecodeError } from '../../../../src/operator/runtime/kube/client.js';
import { RESOURCES } from '../../../../src/operator/runtime/kube/resources.js';
import type { KubeObject } from '../../../../src/operator/runtime/kube/types.js';
import { FakeKube } from '../fakes/fake-kube.js';
import { FakeClock, flush } from '../fakes/fake-clock.js';

const cm = (
  name: string,
  data: Record<string, string> = {},
  ns = 'ns1',
  labels?: Record<string, string>,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels },
  data,
});

function setup(opts: Partial<ConstructorParameters<typeof Informer<KubeObject>>[0]> = {}) {
  const kube = new FakeKube();
  const clock = new FakeClock();
  const events: string[] = [];
  const inf = new Informer<KubeObject>({
    client: kube,
    type: RESOURCES.ConfigMap,
    clock,
    random: () => 0.5,
    stallTimeoutMs: 90_000,
    ...opts,
  });
  inf.addHandler({
    onAdd: (o) => events.push(`add ${o.metadata.name}`),
    onUpdate: (a, b) =>
      events.push(a === b ? `resync ${b.metadata.name}` : `update ${b.metadata.name}`),
    onDelete: (o) => events.push(`delete ${o.metadata.name}`),
  });
  return { kube, clock, inf, events };
}

describe('Informer', () => {
  it('lists, becomes synced, then follows the watch', async () => {
    const { kube, inf, events } = setup();
    kube.seed(cm('a'));
    kube.seed(cm('b'));
    inf.start();
    await inf.waitForSync();
    expect(events).toEqual(['add a', 'add b']);
    expect(inf.hasSynced()).toBe(true);
    await flush();
    kube.seed(cm('c'));
    kube.seed(cm('a', { k: 'v' }));
    kube.remove(cm('b'));
    await flush();
    expect(events.slice(2)).toEqual(['add c', 'update a', 'delete b']);
    expect(inf.get('ns1', 'a')?.data).toEqual({ k: 'v' });
    expect(
      inf
        .list()
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'c']);
    // items of a list have no apiVersion/kind; the informer restores them
    expect(inf.get('ns1', 'c')?.kind).toBe('ConfigMap');
    await inf.stop();
  });

  it('pages through large lists', async () => {
    const { kube, inf } = setup({ pageSize: 2 });
    for (let i = 0; i < 5; i++) kube.seed(cm(`o${i}`));
    inf.start();
    await inf.waitForSync();
    expect(inf.size).toBe(5);
    expect(kube.requests.filter((r) => r.verb === 'list')).toHaveLength(3);
    await inf.stop();
  });

  it('strips managedFields and kubectl last-applied copies before caching', async () => {
    const { kube, inf } = setup();
    const o = cm('a');
    o.metadata.managedFields = [{ manager: 'kubectl', operation: 'Apply' }];
    o.metadata.annotations = {
      'kubectl.kubernetes.io/last-applied-configuration': '{"big":"copy"}',
      keep: 'me',
    };
    kube.seed(o);
    inf.start();
    await inf.waitForSync();
    expect(inf.get('ns1', 'a')?.metadata.managedFields).toBeUndefined();
    expect(inf.get('ns1', 'a')?.metadata.annotations).toEqual({ keep: 'me' });
    await inf.stop();
  });

  it('re-watches from the last resourceVersion after a clean close, without replaying', async () => {
    const { kube, inf, events, clock } = setup();
    kube.seed(cm('a'));
    inf.start();
    await inf.waitForSync();
    await flush();
    await clock.advance(5000); // the watch has been open for a while
    kube.closeWatches(); // server-side timeoutSeconds
    await flush();
    kube.seed(cm('b'));
    await flush();
    expect(events).toEqual(['add a', 'add b']);
    expect(kube.requests.filter((r) => r.verb === 'list')).toHaveLength(1);
    expect(kube.requests.filter((r) => r.verb === 'watch')).toHaveLength(2);
    await inf.stop();
  });

  it('restarts after ANY watch error with jittered exponential backoff', async () => {
    const { kube, inf, clock, events } = setup();
    inf.start();
    await inf.waitForSync();
    await flush();
    const conn = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    kube.failNext.watch = [conn, new Error('socket hang up')];
    kube.closeWatches(new TypeError('fetch failed'));
    await flush();
    // 1st retry after 800 ms * (1 + 0.5 jitter), then 1600 ms * 1.5 ...
    expect(kube.requests.filter((r) => r.verb === 'watch')).toHaveLength(1);
    await clock.advance(1199);
    expect(kube.requests.filter((r) => r.verb === 'watch')).toHaveLength(1);
    await clock.advance(1);
    expect(kube.requests.filter((r) => r.verb === 'watch')).toHaveLength(2); // fails (ECONNRESET)
    await clock.advance(2400);
    expect(kube.requests.filter((r) => r.verb === 'watch')).toHaveLength(3); // fails (hang up)
    await clock.advance(4800);
    expect(kube.requests.filter((r) => r.verb === 'watch')).toHaveLength(4); // open again
    kube.seed(cm('late'));
    await flush();
    expect(events).toEqual(['add late']);
    await inf.stop();
  });

  it('keeps retrying a failing list (e.g. 403 until RBAC is fixed) and syncs when it works', async () => {
    const { kube, inf, clock } = setup();
    const forbidden = new ApiError(403, 'GET', '/api/v1/configmaps', {
      kind: 'Status',
      code: 403,
      reason: 'Forbidden',
      message: 'forbidden',
    });
    kube.failNext.list = [forbidden, forbidden, forbidden];
    kube.seed(cm('a'));
    inf.start();
    await flush();
    expect(inf.hasSynced()).toBe(false);
    await clock.advance(60_000);
    expect(inf.hasSynced()).toBe(true);
    expect(inf.size).toBe(1);
    await inf.stop();
  });

  it('relists on 410 Gone (HTTP) and delivers deletes that happened in the gap', async () => {
    const { kube, inf, clock, events } = setup();
    kube.seed(cm('a'));
    kube.seed(cm('b'));
    inf.start();
    await inf.waitForSync();
    await flush();
    kube.stallWatches(); // the informer misses what follows
    kube.remove(cm('a'));
    kube.seed(cm('c'));
    kube.compact();
    kube.closeWatches(new Error('connection lost'));
    await clock.advance(2000); // backoff, then the watch from the old RV gets 410
    await clock.advance(2000);
    expect(events).toEqual(['add a', 'add b', 'delete a', 'add c']);
    expect(kube.requests.filter((r) => r.verb === 'list')).toHaveLength(2);
    await inf.stop();
  });

  it('relists on an ERROR event with code 410 inside the stream', async () => {
    const { kube, inf, clock } = setup();
    kube.seed(cm('a'));
    inf.start();
    await inf.waitForSync();
    await flush();
    kube.errorWatches(410, 'Expired');
    await clock.advance(1000);
    expect(kube.requests.filter((r) => r.verb === 'list')).toHaveLength(2);
    expect(inf.lastSyncResourceVersion).toBe(String(kube.resourceVersion));
    await inf.stop();
  });

  it('the watchdog restarts a watch that goes silent; bookmarks keep a quiet watch alive', async () => {
    const { kube, inf, clock } = setup({ stallTimeoutMs: 90_000 });
    inf.start();
    await inf.waitForSync();
    await flush();
    for (let i = 0; i < 4; i++) {
      await clock.advance(60_000);
      kube.bookmark();
    }
    expect(kube.requests.filter((r) => r.verb === 'watch')).toHaveLength(1);
    const rvAfterBookmarks = inf.lastSyncResourceVersion;
    expect(rvAfterBookmarks).toBe(String(kube.resourceVersion));
    kube.stallWatches(); // half-open connection: nothing arrives any more
    await clock.advance(90_000);
    await clock.advance(2000); // backoff
    expect(kube.requests.filter((r) => r.verb === 'watch')).toHaveLength(2);
    expect(kube.openWatches).toBe(1);
    await inf.stop();
  });

  it('a stalled watch resumes from its resourceVersion: no relist, no backoff growth, no warning', async () => {
    const warnings: unknown[] = [];
    const logger = {
      warn: (o: unknown) => warnings.push(o),
      debug: () => undefined,
    } as unknown as Logger;
    const { kube, inf, clock, events } = setup({ stallTimeoutMs: 90_000, logger });
    kube.seed(cm('a'));
    inf.start();
    await inf.waitForSync();
    await flush();
    const lists = (): number => kube.requests.filter((r) => r.verb === 'list').length;
    expect(lists()).toBe(1);
    for (let i = 0; i < 5; i++) {
      kube.stallWatches(); // a quiet resource: no event, no bookmark
      await clock.advance(90_000);
      await clock.advance(600); // the jitter (random 0.5 -> 500 ms), not a growing backoff
      expect(kube.requests.filter((r) => r.verb === 'watch')).toHaveLength(i + 2);
    }
    expect(lists()).toBe(1);
    expect(warnings).toEqual([]);
    kube.seed(cm('b')); // the resumed watch still delivers
    await flush();
    expect(events).toEqual(['add a', 'add b']);
    await inf.stop();
  });

  it('an undecodable event restarts the watch from the last good resourceVersion, losing nothing', async () => {
    const { kube, inf, clock, events } = setup();
    inf.start();
    await inf.waitForSync();
    await flush();
    kube.seed(cm('a'));
    await flush();
    kube.stallWatches();
    kube.seed(cm('b')); // arrives garbled: the stream fails
    kube.closeWatches(new WatchDecodeError('{"type":"ADDED","object":{"meta'));
    await clock.advance(2000);
    expect(events).toEqual(['add a', 'add b']);
    await inf.stop();
  });

  it('a watch that closes at once with no events counts as a failure (no hot loop)', async () => {
    const { kube, inf, clock } = setup();
    inf.start();
    await inf.waitForSync();
    await flush();
    kube.closeWatches(); // immediately
    await flush();
    expect(kube.requests.filter((r) => r.verb === 'watch')).toHaveLength(1);
    await clock.advance(1200);
    expect(kube.requests.filter((r) => r.verb === 'watch')).toHaveLength(2);
    await inf.stop();
  });

  it('periodic resync re-delivers cached objects without API calls', async () => {
    const { kube, inf, clock, events } = setup({ resyncPeriodMs: 600_000 });
    kube.seed(cm('a'));
    inf.start();
    await inf.waitForSync();
    await flush();
    const before = kube.requests.length;
    await clock.advance(660_000); // period * 1.1 at most
    for (let i = 0; i < 11; i++) {
      await clock.advance(60_000);
      kube.bookmark();
    }
    expect(events.filter((e) => e === 'resync a').length).toBeGreaterThanOrEqual(1);
    expect(kube.requests.slice(before).filter((r) => r.verb !== 'watch')).toHaveLength(0);
    await inf.stop();
  });

  it('indexes objects and keeps the index current', async () => {
    const { kube, inf } = setup();
    inf.addIndex('byLabel', (o) => (o.metadata.labels?.app ? [o.metadata.labels.app] : []));
    kube.seed(cm('a', {}, 'ns1', { app: 'x' }));
    kube.seed(cm('b', {}, 'ns1', { app: 'x' }));
    inf.start();
    await inf.waitForSync();
    await flush();
    expect(
      inf
        .byIndex('byLabel', 'x')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'b']);
    kube.seed(cm('a', {}, 'ns1', { app: 'y' }));
    kube.remove(cm('b'));
    await flush();
    expect(inf.byIndex('byLabel', 'x')).toEqual([]);
    expect(inf.byIndex('byLabel', 'y').map((o) => o.metadata.name)).toEqual(['a']);
    await inf.stop();
  });

  it('watches only its namespace and label selector', async () => {
    const { kube, inf } = setup({
      namespace: 'ns1',
      labelSelector: 'app.kubernetes.io/managed-by=gms-operator',
    });
    kube.seed(cm('mine', {}, 'ns1', { 'app.kubernetes.io/managed-by': 'gms-operator' }));
    kube.seed(cm('other-ns', {}, 'ns2', { 'app.kubernetes.io/managed-by': 'gms-operator' }));
    kube.seed(cm('unlabelled', {}, 'ns1'));
    inf.start();
    await inf.waitForSync();
    await flush();
    kube.seed(cm('later', {}, 'ns2', { 'app.kubernetes.io/managed-by': 'gms-operator' }));
    await flush();
    expect(inf.list().map((o) => o.metadata.name)).toEqual(['mine']);
    await inf.stop();
  });

  it('a throwing handler does not break the informer', async () => {
    const { kube, inf, events } = setup();
    inf.addHandler({
      onAdd: () => {
        throw new Error('boom');
      },
    });
    inf.start();
    await inf.waitForSync();
    await flush();
    kube.seed(cm('a'));
    kube.seed(cm('b'));
    await flush();
    expect(events).toEqual(['add a', 'add b']);
    await inf.stop();
  });
});
