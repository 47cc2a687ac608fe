/**
 * The rollout executor on the real control plane: kube-apiserver + etcd, KCM's StatefulSet
 * controller recreating deleted pods on the current template, the scheduler, kwok nodes making
 * pods Ready. The node API is the recording double (kwok pods run no GMS), which records the
 * detach/reattach calls in order. The StatefulSet is applied here the way the operator applies
 * it (OnDelete, static hash on the pod template); rollout-operator.test.ts runs the whole
 * operator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingNodeApi } from '../../../src/operator/nodeapi/index.js';
import { RolloutExecutor } from '../../../src/operator/rollout/executor.js';
import { ANNOTATION_RETRY } from '../../../src/operator/rollout/types.js';
import { EventRecorder } from '../../../src/operator/runtime/events.js';
import {
  MERGE_PATCH,
  type HttpKubeClient,
  type KubeClient,
} from '../../../src/operator/runtime/kube/client.js';
import { RESOURCES } from '../../../src/operator/runtime/kube/resources.js';
import type { KubeObject } from '../../../src/operator/runtime/kube/types.js';
import { applyCrds, clusterHasNodes, useTestNamespace } from '../../cluster/kube.js';
import {
  Crasher,
  DeletionLog,
  PodHistory,
  applyObject,
  chatService,
  drive,
  eventsRegarding,
  getChatService,
  kubeClient,
  listPods,
  setTemplate,
  settled,
  statefulSet,
  waitAllReady,
} from './rollout-support.js';

const ns = useTestNamespace('rollout');
let client: HttpKubeClient;
let events: EventRecorder;

beforeAll(async () => {
  await applyCrds(ns.kc);
  client = kubeClient(ns.kc);
  events = new EventRecorder({
    client,
    controller: 'gms.chatops.io/gms-operator',
    instance: 'rollout-test',
    flushIntervalMs: 200,
  });
});

afterAll(async () => {
  await events?.flush();
});

interface Setup {
  name: string;
  api: RecordingNodeApi;
  /** Pods the operator deleted (kwok deletes some too; see DeletionLog). */
  log: DeletionLog;
  history: PodHistory;
  hash: { value: string };
  executor: (
    c?: KubeClient,
    api?: RecordingNodeApi | ReturnType<Crasher['nodeApi']>,
  ) => RolloutExecutor;
}

async function setup(
  name: string,
  replicas: number,
  rollout: Parameters<typeof chatService>[3] = {},
): Promise<Setup> {
  await applyObject(client, chatService(ns.name, name, replicas, rollout) as unknown as KubeObject);
  await applyObject(client, statefulSet(ns.name, name, replicas, 'h1'));
  await waitAllReady(client, ns.name, name, replicas);
  const api = new RecordingNodeApi();
  const log = new DeletionLog();
  const hash = { value: 'h1' };
  const executor = (
    c: KubeClient = log.client(client),
    a: RecordingNodeApi | ReturnType<Crasher['nodeApi']> = api,
  ) =>
    new RolloutExecutor({
      client: c,
      nodeApi: a,
      events,
      staticHashAnnotation: 'gms.chatops.io/static-config-hash',
      onAction: (_cs, act) => {
        if (process.env.ROLLOUT_DEBUG)
          console.log(
            Date.now() % 100000,
            'ACT',
            act.type,
            'node' in act ? act.node : '',
            'podUid' in act ? act.podUid.slice(0, 6) : '',
          );
      },
    });
  // The operator's first reconcile records the target hash.
  await drive({
    client,
    ns: ns.name,
    name,
    targetHash: () => hash.value,
    makeExecutor: () => executor(),
    until: settled,
  });
  const history = new PodHistory(client, ns.name, name);
  await history.start();
  return { name, api, log, history, hash, executor };
}

async function bumpGeneration(name: string, patch: Record<string, unknown>): Promise<void> {
  await client.patch(
    RESOURCES.ChatService,
    ns.name,
    name,
    { spec: patch },
    { contentType: MERGE_PATCH, fieldManager: 'gms-tests' },
  );
}

async function eventReasons(name: string): Promise<string[]> {
  await events.flush();
  return (await eventsRegarding(client, ns.name, name)).map((e) => e.reason ?? '');
}

describe.runIf(clusterHasNodes())('rollout executor on the real control plane', () => {
  it('a change that leaves the pod template alone restarts nothing (every pod UID unchanged)', async () => {
    const s = await setup('dyn', 3);
    const before = (await listPods(client, ns.name, 'dyn')).map((p) => p.metadata.uid);
    await bumpGeneration('dyn', { options: { push_notification_include_payload: true } });
    const out = await drive({
      client,
      ns: ns.name,
      name: 'dyn',
      targetHash: () => s.hash.value,
      makeExecutor: () => s.executor(),
      until: settled,
    });
    expect(out.actions).toEqual([]);
    expect((await listPods(client, ns.name, 'dyn')).map((p) => p.metadata.uid)).toEqual(before);
    expect(s.api.calls).toEqual([]);
    await s.history.stop();
    expect(Object.values(s.history.restarts())).toEqual([0, 0, 0]);
  });

  it('restarts nodes one at a time, highest ordinal first, each detached before and reattached after', async () => {
    const s = await setup('roll', 3, { drainTimeout: '1s' });
    await setTemplate(client, ns.name, 'roll', 'h2');
    s.hash.value = 'h2';
    const out = await drive({
      client,
      ns: ns.name,
      name: 'roll',
      targetHash: () => s.hash.value,
      makeExecutor: () => s.executor(),
      until: settled,
    });
    await s.history.stop();
    expect(s.api.changes()).toEqual([
      'OFFLINE roll-2',
      'ONLINE roll-2',
      'OFFLINE roll-1',
      'ONLINE roll-1',
      'OFFLINE roll-0',
      'ONLINE roll-0',
    ]);
    expect(s.log.restarts(['roll-0', 'roll-1', 'roll-2'])).toEqual({
      'roll-0': 1,
      'roll-1': 1,
      'roll-2': 1,
    });
    // The graceful-deletion signal the subprocess test relies on agrees with the operator's own log.
    expect(s.history.gracefulRestarts(['roll-0', 'roll-1', 'roll-2'])).toEqual(
      s.log.restarts(['roll-0', 'roll-1', 'roll-2']),
    );
    // Each pod was deleted after its node was detached and before the next node was detached.
    const at = (op: string, node: string) =>
      s.api.calls.find((c) => c.op === 'changestatus' && c.status === op && c.node === node)!.at;
    const deleted = (node: string) => s.log.deletions.find((d) => d.node === node)!.at;
    for (const [node, next] of [
      ['roll-2', 'roll-1'],
      ['roll-1', 'roll-0'],
    ] as const) {
      expect(deleted(node)).toBeGreaterThanOrEqual(at('OFFLINE', node));
      expect(at('ONLINE', node)).toBeGreaterThanOrEqual(deleted(node));
      expect(at('OFFLINE', next)).toBeGreaterThanOrEqual(at('ONLINE', node));
    }
    // Drain bound respected: at least 1 s between detach and deletion.
    expect(deleted('roll-2') - at('OFFLINE', 'roll-2')).toBeGreaterThanOrEqual(1000);
    expect(out.rollout).toMatchObject({ phase: 'Idle', targetHash: 'h2', detachedNodes: [] });
    expect(s.api.offline()).toEqual([]);
    const cs = await getChatService(client, ns.name, 'roll');
    expect(cs.status?.conditions?.find((c) => c.type === 'Degraded')).toBeUndefined();
    expect(await eventReasons('roll')).toEqual(
      expect.arrayContaining([
        'NodeDetaching',
        'NodeRestarting',
        'NodeReattached',
        'RolloutComplete',
      ]),
    );
  });

  for (const [when, parity] of [
    ['before', 0],
    ['before', 1],
    ['after', 0],
    ['after', 1],
  ] as const) {
    it(`an operator killed ${when} every ${parity ? 'even' : 'odd'}-numbered side effect resumes the roll: completes, no node restarted twice`, async () => {
      const name = `crash-${when}-${parity}`;
      const s = await setup(name, 3, { drainTimeout: '0s' });
      await setTemplate(client, ns.name, name, 'h2');
      s.hash.value = 'h2';
      // Kills at side effects 1, 3, 5, ... (or 2, 4, 6, ...): with both parities and both
      // modes, every write and node API call of the roll is a crash point once.
      const crasher = new Crasher(
        new Set(Array.from({ length: 30 }, (_, i) => 2 * i + 1 + parity)),
        when,
      );
      await drive({
        client,
        ns: ns.name,
        name,
        targetHash: () => s.hash.value,
        makeExecutor: () =>
          s.executor(crasher.client(s.log.client(client)), crasher.nodeApi(s.api)),
        until: settled,
      });
      await s.history.stop();
      expect(crasher.kills.length).toBeGreaterThanOrEqual(8);
      const nodes = [`${name}-0`, `${name}-1`, `${name}-2`];
      expect(s.log.restarts(nodes)).toEqual(Object.fromEntries(nodes.map((n) => [n, 1])));
      const pods = await listPods(client, ns.name, name);
      expect(
        pods.map((p) => p.metadata.annotations?.['gms.chatops.io/static-config-hash']),
      ).toEqual(['h2', 'h2', 'h2']);
      expect(s.api.offline()).toEqual([]);
      const cs = await getChatService(client, ns.name, name);
      expect(cs.status?.rollout).toMatchObject({ phase: 'Idle', detachedNodes: [] });
      // Never two nodes out of service at once: OFFLINE/ONLINE strictly alternate per node.
      const changes = s.api.changes();
      let detached: string | undefined;
      for (const c of changes) {
        const [op, node] = c.split(' ');
        if (op === 'OFFLINE') {
          expect(detached === undefined || detached === node).toBe(true);
          detached = node;
        } else if (detached === node) detached = undefined;
      }
    });
  }

  it('a node that never becomes Ready halts the roll; no other node is touched; a fix resumes it', async () => {
    const s = await setup('halt', 3, { drainTimeout: '0s', podReadyTimeout: '5s' });
    const uidsBefore = new Map(
      (await listPods(client, ns.name, 'halt')).map((p) => [p.metadata.name, p.metadata.uid]),
    );
    // A bad change: the new pods cannot be scheduled anywhere, so they never become Ready.
    await setTemplate(client, ns.name, 'halt', 'bad', { 'gms.chatops.io/no-such-node': 'true' });
    s.hash.value = 'bad';
    const halted = await drive({
      client,
      ns: ns.name,
      name: 'halt',
      targetHash: () => s.hash.value,
      makeExecutor: () => s.executor(),
      until: (o) => o.rollout?.phase === 'Halted',
    });
    expect(halted.rollout).toMatchObject({
      phase: 'Halted',
      reason: 'PodNotReady',
      currentNode: 'halt-2',
      detachedNodes: ['halt-2'],
    });
    const cs = await getChatService(client, ns.name, 'halt');
    const degraded = cs.status?.conditions?.find((c) => c.type === 'Degraded');
    expect(degraded).toMatchObject({ status: 'True', reason: 'PodNotReady' });
    expect(degraded?.message).toContain('halt-2');
    // Why, in the scheduler's words (not "phase Pending").
    expect(degraded?.message).toMatch(/Unschedulable: 0\/\d+ nodes are available/);
    expect(await eventReasons('halt')).toContain('RolloutHalted');
    // Later reconciles touch nothing.
    for (let i = 0; i < 3; i++)
      await s.executor().reconcile({
        cs: await getChatService(client, ns.name, 'halt'),
        statefulSet: 'halt',
        targetHash: 'bad',
      });
    const pods = await listPods(client, ns.name, 'halt');
    expect(pods.find((p) => p.metadata.name === 'halt-0')?.metadata.uid).toBe(
      uidsBefore.get('halt-0'),
    );
    expect(pods.find((p) => p.metadata.name === 'halt-1')?.metadata.uid).toBe(
      uidsBefore.get('halt-1'),
    );
    expect(s.api.changes()).toEqual(['OFFLINE halt-2']);
    // The fix: a new template (and a new generation of the ChatService).
    await setTemplate(client, ns.name, 'halt', 'good', null);
    s.hash.value = 'good';
    await bumpGeneration('halt', { rollout: { drainTimeout: '0s', podReadyTimeout: '30s' } });
    const done = await drive({
      client,
      ns: ns.name,
      name: 'halt',
      targetHash: () => s.hash.value,
      makeExecutor: () => s.executor(),
      until: settled,
    });
    await s.history.stop();
    expect(done.rollout).toMatchObject({ phase: 'Idle', detachedNodes: [] });
    // halt-2: once onto the bad template, once onto the fix; the others once.
    expect(s.log.restarts(['halt-0', 'halt-1', 'halt-2'])).toEqual({
      'halt-0': 1,
      'halt-1': 1,
      'halt-2': 2,
    });
    const after = await getChatService(client, ns.name, 'halt');
    expect(after.status?.conditions?.find((c) => c.type === 'Degraded')?.status).toBe('False');
    expect(await eventReasons('halt')).toContain('RolloutResumed');
  });

  it('the retry annotation resumes a halted roll and is removed', async () => {
    const s = await setup('retry', 2, { drainTimeout: '0s', podReadyTimeout: '3s' });
    await setTemplate(client, ns.name, 'retry', 'bad', { 'gms.chatops.io/no-such-node': 'true' });
    s.hash.value = 'bad';
    await drive({
      client,
      ns: ns.name,
      name: 'retry',
      targetHash: () => s.hash.value,
      makeExecutor: () => s.executor(),
      until: (o) => o.rollout?.phase === 'Halted',
    });
    // The cause goes away without a spec change (the template is fixed out of band here).
    await setTemplate(client, ns.name, 'retry', 'bad', null);
    await client.patch(
      RESOURCES.ChatService,
      ns.name,
      'retry',
      { metadata: { annotations: { [ANNOTATION_RETRY]: 'now' } } },
      { contentType: MERGE_PATCH, fieldManager: 'gms-tests' },
    );
    await drive({
      client,
      ns: ns.name,
      name: 'retry',
      targetHash: () => s.hash.value,
      makeExecutor: () => s.executor(),
      until: settled,
    });
    await s.history.stop();
    const cs = await getChatService(client, ns.name, 'retry');
    expect(cs.metadata.annotations?.[ANNOTATION_RETRY]).toBeUndefined();
    expect(cs.status?.rollout?.phase).toBe('Idle');
    expect(s.api.offline()).toEqual([]);
  });

  it('refuses DetachReattach with a single replica, touching nothing', async () => {
    const s = await setup('single', 1, { drainTimeout: '0s' });
    const uid = (await listPods(client, ns.name, 'single'))[0]?.metadata.uid;
    await setTemplate(client, ns.name, 'single', 'h2');
    s.hash.value = 'h2';
    const out = await drive({
      client,
      ns: ns.name,
      name: 'single',
      targetHash: () => s.hash.value,
      makeExecutor: () => s.executor(),
      until: (o) => o.rollout?.phase === 'Halted',
    });
    expect(out.rollout).toMatchObject({ phase: 'Halted', reason: 'SingleReplicaRefused' });
    const cs = await getChatService(client, ns.name, 'single');
    expect(cs.status?.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'SingleReplicaRefused',
    });
    expect(cs.status?.conditions?.find((c) => c.type === 'Degraded')?.message).toContain('Offline');
    await s.history.stop();
    expect((await listPods(client, ns.name, 'single'))[0]?.metadata.uid).toBe(uid);
    expect(s.api.calls).toEqual([]);
  });

  it('strategy Offline scales to zero, then back, with a Warning Event', async () => {
    const s = await setup('offline', 3, { strategy: 'Offline' });
    await setTemplate(client, ns.name, 'offline', 'h2');
    s.hash.value = 'h2';
    const scales: number[] = [];
    await drive({
      client,
      ns: ns.name,
      name: 'offline',
      targetHash: () => s.hash.value,
      makeExecutor: () => s.executor(),
      until: (o) => {
        for (const a of o.actions) if (a.type === 'Scale') scales.push(a.replicas);
        return settled(o);
      },
    });
    await s.history.stop();
    expect(scales).toEqual([0, 3]);
    // Every node was replaced (the StatefulSet controller deleted them on the scale to zero).
    for (const [node, uids] of s.history.uids) expect(uids.length, node).toBeGreaterThanOrEqual(2);
    const pods = await listPods(client, ns.name, 'offline');
    expect(pods.map((p) => p.metadata.annotations?.['gms.chatops.io/static-config-hash'])).toEqual([
      'h2',
      'h2',
      'h2',
    ]);
    expect(s.log.deletions).toEqual([]);
    // Every old node stopped before any new one started (no mixed-config cluster).
    const oldUids = new Set([...s.history.uids.values()].map((u) => u[0]));
    const lastOldGone = Math.max(
      ...s.history.deletions.filter((d) => oldUids.has(d.uid)).map((d) => d.at),
    );
    const firstNew = Math.min(
      ...s.history.added.filter((a) => !oldUids.has(a.uid)).map((a) => a.at),
    );
    expect(firstNew).toBeGreaterThanOrEqual(lastOldGone);
    const sts = await client.get<KubeObject & { spec: { replicas: number } }>(
      RESOURCES.StatefulSet,
      ns.name,
      'offline',
    );
    expect(sts?.spec.replicas).toBe(3);
    expect(s.api.calls).toEqual([]);
    const w = (await eventsRegarding(client, ns.name, 'offline')).find(
      (e) => e.reason === 'OfflineRollout',
    );
    expect(w?.type).toBe('Warning');
    expect(w?.note).toContain('chat is unavailable');
  });

  it('a second change while a roll runs converges to the newest template', async () => {
    const s = await setup('twice', 3, { drainTimeout: '1s' });
    await setTemplate(client, ns.name, 'twice', 'h2');
    s.hash.value = 'h2';
    // Roll until twice-2 is back and twice-1 is detached, then change again.
    await drive({
      client,
      ns: ns.name,
      name: 'twice',
      targetHash: () => s.hash.value,
      makeExecutor: () => s.executor(),
      until: () => s.api.changes().includes('OFFLINE twice-1'),
    });
    await setTemplate(client, ns.name, 'twice', 'h3');
    s.hash.value = 'h3';
    await drive({
      client,
      ns: ns.name,
      name: 'twice',
      targetHash: () => s.hash.value,
      makeExecutor: () => s.executor(),
      until: settled,
    });
    await s.history.stop();
    // twice-2 ran h2 (intermediate): rolled again; twice-1 (detached on h1) and twice-0: once.
    expect(s.log.restarts(['twice-0', 'twice-1', 'twice-2'])).toEqual({
      'twice-0': 1,
      'twice-1': 1,
      'twice-2': 2,
    });
    // The operator never deleted a pod that already ran the newest template.
    const newest = s.history.revisionOf.get(
      (await listPods(client, ns.name, 'twice'))[0]!.metadata.uid!,
    );
    for (const d of s.log.deletions) expect(s.history.revisionOf.get(d.uid)).not.toBe(newest);
    const pods = await listPods(client, ns.name, 'twice');
    expect(pods.map((p) => p.metadata.annotations?.['gms.chatops.io/static-config-hash'])).toEqual([
      'h3',
      'h3',
      'h3',
    ]);
    expect(s.api.offline()).toEqual([]);
  });
});
