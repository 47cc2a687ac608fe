/**
 * Rollouts through the whole operator (ChatService reconciler + rollout executor) on the real
 * control plane with kwok nodes. ChatServices are changed the way users change them (apply a
 * new spec); the operator renders, applies the hash-named config and the OnDelete StatefulSet,
 * and rolls. kwok pods run no GMS, so the node API is the recording double: in-process for
 * most tests, over loopback HTTP for the `gmsctl operator` process killed with SIGKILL.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatService } from '../../../src/api/types.js';
import { ANNOTATION_STATIC_HASH, names } from '../../../src/manifests/index.js';
import { Operator } from '../../../src/operator/manager.js';
import { RecordingNodeApi } from '../../../src/operator/nodeapi/index.js';
import { RolloutExecutor } from '../../../src/operator/rollout/executor.js';
import type { HttpKubeClient } from '../../../src/operator/runtime/kube/client.js';
import { RESOURCES } from '../../../src/operator/runtime/kube/resources.js';
import type { KubeObject } from '../../../src/operator/runtime/kube/types.js';
import {
  REPO_ROOT,
  applyCrds,
  clusterHasNodes,
  kubeconfigPath,
  useTestNamespace,
} from '../../cluster/kube.js';
import {
  DeletionLog,
  PodHistory,
  eventsRegarding,
  isReady,
  kubeClient,
  listPods,
  sleep,
} from './rollout-support.js';

const ns = useTestNamespace('rollout-op');
let client: HttpKubeClient;

beforeAll(async () => {
  await applyCrds(ns.kc);
  client = kubeClient(ns.kc);
});

function chatService(
  name: string,
  spec: Partial<ChatService['spec']> & { replicas?: number } = {},
): KubeObject {
  const { replicas, ...rest } = spec;
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name, namespace: ns.name },
    spec: {
      gms: {
        version: '8.5.219.03',
        image: 'registry.example.com/gms:8.5.219.03',
        replicas: replicas ?? 3,
      },
      chatServer: {
        version: '8.5.108.02',
        endpoints: [{ name: 'cs-1', host: 'chat-1.contact-center.svc', port: 4125 }],
      },
      chat: { enable_notification_mode: true },
      options: {
        push_notification_to_active_client: true,
        push_notification_include_payload: false,
      },
      rollout: { drainTimeout: '1s', podReadyTimeout: '60s' },
      ...rest,
    },
  };
}

async function applyCs(obj: KubeObject): Promise<void> {
  await client.apply(obj, { fieldManager: 'gms-tests', force: true });
}

async function getCs(name: string): Promise<ChatService> {
  return (await client.get<KubeObject>(
    RESOURCES.ChatService,
    ns.name,
    name,
  )) as unknown as ChatService;
}

async function templateHash(name: string): Promise<string | undefined> {
  const sts = await client.get<
    KubeObject & { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } }
  >(RESOURCES.StatefulSet, ns.name, name);
  return sts?.spec?.template?.metadata?.annotations?.[ANNOTATION_STATIC_HASH];
}

async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Every node Ready on the current template, the roll idle, the status current. */
async function settled(name: string, replicas: number): Promise<ChatService> {
  return until(`${name} settled`, async () => {
    const cs = await getCs(name);
    const hash = await templateHash(name);
    const pods = await listPods(client, ns.name, name);
    const ok =
      cs.status?.observedGeneration === cs.metadata.generation &&
      (cs.status?.rollout?.phase ?? 'Idle') === 'Idle' &&
      pods.length === replicas &&
      pods.every(
        (p) =>
          isReady(p) &&
          !p.metadata.deletionTimestamp &&
          p.metadata.annotations?.[ANNOTATION_STATIC_HASH] === hash,
      );
    return ok ? cs : undefined;
  });
}

interface Running {
  operator: Operator;
  api: RecordingNodeApi;
  log: DeletionLog;
}

async function startOperator(api = new RecordingNodeApi()): Promise<Running> {
  const log = new DeletionLog();
  const operator = new Operator(
    {
      namespaces: [ns.name],
      concurrency: 2,
      bindAddress: '127.0.0.1',
      metricsPort: 0,
      healthPort: 0,
      leaderElect: false,
      leaderElectionNamespace: ns.name,
      leaderElectionId: 'rollout-test',
      resyncPeriodMs: 600_000,
      shutdownGraceMs: 2000,
      kubeApiQps: 100,
      kubeApiBurst: 200,
    },
    {
      kubeConfig: ns.kc,
      logger: pino({ level: process.env.ROLLOUT_DEBUG ? 'debug' : 'silent' }),
      rollout: (c, events) => new RolloutExecutor({ client: log.client(c), nodeApi: api, events }),
    },
  );
  await operator.start();
  return { operator, api, log };
}

describe.runIf(clusterHasNodes())('rollouts through the operator', () => {
  let op: Running;
  beforeAll(async () => {
    op = await startOperator();
  });
  afterAll(async () => {
    await op?.operator.stop();
  });

  it('a dynamic-only change updates the mutable ConfigMap in place and restarts nothing', async () => {
    await applyCs(chatService('dyn'));
    await settled('dyn', 3);
    const uids = (await listPods(client, ns.name, 'dyn')).map((p) => p.metadata.uid);
    const hash = await templateHash('dyn');
    await applyCs(
      chatService('dyn', {
        options: {
          push_notification_to_active_client: true,
          push_notification_include_payload: true,
        },
      }),
    );
    const cm = await until('the dynamic ConfigMap to change', async () => {
      const c = await client.get<KubeObject & { data?: Record<string, string> }>(
        RESOURCES.ConfigMap,
        ns.name,
        names.dynamicConfigMap({ metadata: { name: 'dyn' } } as ChatService),
      );
      return c?.data?.['dynamic.ini']?.includes('push_notification_include_payload = true') ||
        c?.data?.['dynamic.ini']?.includes('push_notification_include_payload=true')
        ? c
        : undefined;
    });
    expect(cm).toBeDefined();
    await settled('dyn', 3);
    await sleep(2000); // give a wrong roll the time to start
    expect(await templateHash('dyn')).toBe(hash);
    expect((await listPods(client, ns.name, 'dyn')).map((p) => p.metadata.uid)).toEqual(uids);
    expect(op.api.calls.filter((c) => c.node.startsWith('dyn-'))).toEqual([]);
  });

  it('a restart-required change restarts nodes one at a time, each detached before and reattached after', async () => {
    await applyCs(chatService('roll'));
    await settled('roll', 3);
    const history = new PodHistory(client, ns.name, 'roll');
    await history.start();
    const before = await templateHash('roll');
    await applyCs(
      chatService('roll', {
        options: {
          push_notification_to_active_client: false,
          push_notification_include_payload: false,
        },
      }),
    );
    await until('a new template', async () => (await templateHash('roll')) !== before);
    const cs = await settled('roll', 3);
    await history.stop();
    const mine = (c: { node: string }) => c.node.startsWith('roll-');
    expect(
      op.api.calls
        .filter((c) => mine(c) && c.op === 'changestatus')
        .map((c) => `${c.status} ${c.node}`),
    ).toEqual([
      'OFFLINE roll-2',
      'ONLINE roll-2',
      'OFFLINE roll-1',
      'ONLINE roll-1',
      'OFFLINE roll-0',
      'ONLINE roll-0',
    ]);
    const nodes = ['roll-0', 'roll-1', 'roll-2'];
    expect(op.log.restarts(nodes)).toEqual({ 'roll-0': 1, 'roll-1': 1, 'roll-2': 1 });
    expect(history.gracefulRestarts(nodes)).toEqual(op.log.restarts(nodes));
    expect(cs.status?.rollout).toMatchObject({
      phase: 'Idle',
      targetHash: await templateHash('roll'),
      detachedNodes: [],
    });
    await until(
      'Ready=True',
      async () =>
        (await getCs('roll')).status?.conditions?.find((c) => c.type === 'Ready')?.status ===
        'True',
    );
  });

  it('a node that never becomes Ready halts the roll with Degraded=True; a spec fix resumes it', async () => {
    await applyCs(chatService('halt', { rollout: { drainTimeout: '0s', podReadyTimeout: '5s' } }));
    await settled('halt', 3);
    const uids = new Map(
      (await listPods(client, ns.name, 'halt')).map((p) => [p.metadata.name, p.metadata.uid]),
    );
    // No node can fit this request: the restarted pod stays Pending (Unschedulable).
    const huge = { requests: { cpu: '100000' } };
    await applyCs(
      chatService('halt', {
        rollout: { drainTimeout: '0s', podReadyTimeout: '5s' },
        gms: {
          version: '8.5.219.03',
          image: 'registry.example.com/gms:8.5.219.03',
          replicas: 3,
          resources: huge,
        },
      }),
    );
    const halted = await until('the roll to halt', async () => {
      const cs = await getCs('halt');
      return cs.status?.rollout?.phase === 'Halted' ? cs : undefined;
    });
    expect(halted.status?.rollout).toMatchObject({
      reason: 'PodNotReady',
      currentNode: 'halt-2',
      detachedNodes: ['halt-2'],
    });
    const degraded = halted.status?.conditions?.find((c) => c.type === 'Degraded');
    expect(degraded).toMatchObject({ status: 'True', reason: 'PodNotReady' });
    expect(degraded?.message).toContain('halt-2');
    await sleep(3000);
    const pods = await listPods(client, ns.name, 'halt');
    expect(pods.find((p) => p.metadata.name === 'halt-0')?.metadata.uid).toBe(uids.get('halt-0'));
    expect(pods.find((p) => p.metadata.name === 'halt-1')?.metadata.uid).toBe(uids.get('halt-1'));
    expect(
      op.api.calls
        .filter((c) => c.node.startsWith('halt-') && c.op === 'changestatus')
        .map((c) => `${c.status} ${c.node}`),
    ).toEqual(['OFFLINE halt-2']);
    const events = await eventsRegarding(client, ns.name, 'halt');
    expect(events.some((e) => e.reason === 'RolloutHalted')).toBe(true);
    // The fix: drop the impossible request (a new generation).
    await applyCs(chatService('halt', { rollout: { drainTimeout: '0s', podReadyTimeout: '30s' } }));
    const done = await settled('halt', 3);
    expect(done.status?.conditions?.find((c) => c.type === 'Degraded')?.status).toBe('False');
    expect(op.api.offline().filter((n) => n.startsWith('halt-'))).toEqual([]);
  });

  it('refuses DetachReattach with one replica (clear condition); strategy Offline then applies the change', async () => {
    await applyCs(chatService('single', { replicas: 1 }));
    await settled('single', 1);
    await applyCs(
      chatService('single', { replicas: 1, chat: { enable_notification_mode: false } }),
    );
    const refused = await until('the refusal', async () => {
      const cs = await getCs('single');
      return cs.status?.rollout?.reason === 'SingleReplicaRefused' ? cs : undefined;
    });
    const degraded = refused.status?.conditions?.find((c) => c.type === 'Degraded');
    expect(degraded).toMatchObject({ status: 'True', reason: 'SingleReplicaRefused' });
    expect(degraded?.message).toContain('strategy: Offline');
    const uid = (await listPods(client, ns.name, 'single'))[0]?.metadata.uid;
    expect(uid).toBeDefined();
    // The user accepts the downtime.
    const history = new PodHistory(client, ns.name, 'single');
    await history.start();
    await applyCs(
      chatService('single', {
        replicas: 1,
        chat: { enable_notification_mode: false },
        rollout: { strategy: 'Offline', podReadyTimeout: '60s' },
      }),
    );
    const done = await settled('single', 1);
    await history.stop();
    expect(done.status?.rollout).toMatchObject({ phase: 'Idle', strategy: 'Offline' });
    expect((await listPods(client, ns.name, 'single'))[0]?.metadata.uid).not.toBe(uid);
    const warn = (await eventsRegarding(client, ns.name, 'single')).find(
      (e) => e.reason === 'OfflineRollout',
    );
    expect(warn?.type).toBe('Warning');
    expect(warn?.note).toContain('chat is unavailable');
    expect(op.api.calls.filter((c) => c.node.startsWith('single-'))).toEqual([]);
  });

  it('an invalid spec applied mid-roll: ConfigValid=False, the roll finishes on the last valid config, no node left detached', async () => {
    const base = { rollout: { drainTimeout: '2s', podReadyTimeout: '60s' } };
    await applyCs(chatService('midinvalid', base));
    await settled('midinvalid', 3);
    const changed = {
      ...base,
      options: {
        push_notification_to_active_client: false,
        push_notification_include_payload: false,
      },
    };
    await applyCs(chatService('midinvalid', changed));
    await until('midinvalid-2 detached', async () =>
      op.api.changes().includes('OFFLINE midinvalid-2'),
    );
    const validHash = await templateHash('midinvalid');
    // A PushProvider that does not exist: the operator refuses the spec (the CRD accepts it).
    await applyCs(
      chatService('midinvalid', {
        ...changed,
        push: { enabled: ['comet', 'fcm'], providers: ['nosuchprovider'] },
      }),
    );
    const cs = await until('the roll to finish while the spec is invalid', async () => {
      const c = await getCs('midinvalid');
      const pods = await listPods(client, ns.name, 'midinvalid');
      const done =
        c.status?.conditions?.find((x) => x.type === 'ConfigValid')?.status === 'False' &&
        c.status?.rollout?.phase === 'Idle' &&
        pods.length === 3 &&
        pods.every(
          (p) => isReady(p) && p.metadata.annotations?.[ANNOTATION_STATIC_HASH] === validHash,
        );
      return done ? c : undefined;
    });
    expect(await templateHash('midinvalid')).toBe(validHash);
    expect(cs.status?.rollout?.detachedNodes ?? []).toEqual([]);
    expect(op.api.offline().filter((n) => n.startsWith('midinvalid-'))).toEqual([]);
    expect(op.log.restarts(['midinvalid-0', 'midinvalid-1', 'midinvalid-2'])).toEqual({
      'midinvalid-0': 1,
      'midinvalid-1': 1,
      'midinvalid-2': 1,
    });
  });

  it('a second change while a roll runs converges to the newest spec', async () => {
    await applyCs(
      chatService('twice', { rollout: { drainTimeout: '2s', podReadyTimeout: '60s' } }),
    );
    await settled('twice', 3);
    const history = new PodHistory(client, ns.name, 'twice');
    await history.start();
    await applyCs(
      chatService('twice', {
        rollout: { drainTimeout: '2s', podReadyTimeout: '60s' },
        options: {
          push_notification_to_active_client: false,
          push_notification_include_payload: false,
        },
      }),
    );
    await until('twice-1 detached', async () => op.api.changes().includes('OFFLINE twice-1'));
    await applyCs(
      chatService('twice', {
        rollout: { drainTimeout: '2s', podReadyTimeout: '60s' },
        options: {
          push_notification_to_active_client: false,
          push_notification_include_payload: false,
        },
        chat: { enable_notification_mode: false },
      }),
    );
    await settled('twice', 3);
    await history.stop();
    const nodes = ['twice-0', 'twice-1', 'twice-2'];
    // twice-2 restarted onto the intermediate config, then again; twice-1 was detached before the
    // second change and restarted straight onto the newest; twice-0 once.
    expect(op.log.restarts(nodes)).toEqual({ 'twice-0': 1, 'twice-1': 1, 'twice-2': 2 });
    const newest = await templateHash('twice');
    const pods = await listPods(client, ns.name, 'twice');
    expect(pods.map((p) => p.metadata.annotations?.[ANNOTATION_STATIC_HASH])).toEqual([
      newest,
      newest,
      newest,
    ]);
    expect(op.api.offline().filter((n) => n.startsWith('twice-'))).toEqual([]);
  });
});

describe.runIf(clusterHasNodes())(
  'the gmsctl operator process killed with SIGKILL mid-roll',
  () => {
    const exec = promisify(execFile);
    let dist: string;
    let api: RecordingNodeApi;
    let served: Awaited<ReturnType<RecordingNodeApi['serve']>>;
    let child: ChildProcess | undefined;

    beforeAll(async () => {
      // The operator as shipped: compiled, run as `gmsctl operator`.
      dist = mkdtempSync(join(tmpdir(), 'gms-rollout-dist-'));
      await exec(
        join(REPO_ROOT, 'node_modules/.bin/tsc'),
        ['-p', join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', dist],
        {
          cwd: REPO_ROOT,
        },
      ).catch(() => {
        // Type errors elsewhere in the tree still emit JavaScript; a missing entry point fails below.
      });
      if (!existsSync(join(dist, 'cli', 'main.js')))
        throw new Error(`tsc emitted no ${join(dist, 'cli', 'main.js')}`);
      writeFileSync(
        join(dist, 'run.mjs'),
        "const m = await import('./cli/main.js'); await m.main(process.argv.slice(2));\n",
      );
      // Packages resolve from the compiled files' directory upwards: link the repository's.
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(dist, 'node_modules'));
      api = new RecordingNodeApi();
      served = await api.serve();
    }, 300_000);

    afterAll(async () => {
      child?.kill('SIGKILL');
      await served?.close();
      if (dist) rmSync(dist, { recursive: true, force: true });
    });

    function startProcess(): ChildProcess {
      const p = spawn(
        process.execPath,
        [
          join(dist, 'run.mjs'),
          'operator',
          `--namespaces=${ns.name}`,
          '--metrics-port=0',
          '--health-port=0',
          '--bind-address=127.0.0.1',
          '--log-level=warn',
          `--node-url-template=${served.url}/{pod}`,
          `--kubeconfig=${kubeconfigPath()}`,
        ],
        { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      return p;
    }

    it('the restarted operator completes the roll and restarts no node twice', async () => {
      child = startProcess();
      await applyCs(
        chatService('crash', { rollout: { drainTimeout: '1s', podReadyTimeout: '60s' } }),
      );
      await settled('crash', 3);
      const history = new PodHistory(client, ns.name, 'crash');
      await history.start();
      await applyCs(
        chatService('crash', {
          rollout: { drainTimeout: '1s', podReadyTimeout: '60s' },
          options: {
            push_notification_to_active_client: false,
            push_notification_include_payload: false,
          },
        }),
      );
      // Kill at three different moments: right after a detach, right after a pod deletion, right
      // after a reattach; restart each time.
      const kills: string[] = [];
      const killAt = async (what: string, check: () => boolean) => {
        await until(what, async () => check());
        child?.kill('SIGKILL');
        await new Promise((r) => child?.once('exit', r));
        kills.push(what);
        child = startProcess();
      };
      await killAt('crash-2 detached', () => api.changes().includes('OFFLINE crash-2'));
      await killAt('crash-1 deleted', () =>
        [...history.graceful.values()].some((d) => d.node === 'crash-1'),
      );
      await killAt('crash-1 reattached', () => api.changes().includes('ONLINE crash-1'));
      const cs = await settled('crash', 3);
      await history.stop();
      child?.kill('SIGTERM');
      expect(kills).toHaveLength(3);
      const nodes = ['crash-0', 'crash-1', 'crash-2'];
      expect(history.gracefulRestarts(nodes)).toEqual({ 'crash-0': 1, 'crash-1': 1, 'crash-2': 1 });
      const hash = await templateHash('crash');
      expect(
        (await listPods(client, ns.name, 'crash')).map(
          (p) => p.metadata.annotations?.[ANNOTATION_STATIC_HASH],
        ),
      ).toEqual([hash, hash, hash]);
      expect(cs.status?.rollout).toMatchObject({ phase: 'Idle', detachedNodes: [] });
      expect(api.offline().filter((n) => n.startsWith('crash-'))).toEqual([]);
      // Detach/reattach pairs per node, one node at a time (a repeated OFFLINE after a kill is fine).
      const seq = api
        .changes()
        .filter((c) => c.endsWith('crash-2') || c.endsWith('crash-1') || c.endsWith('crash-0'));
      const firstOnline = (n: string) => seq.indexOf(`ONLINE ${n}`);
      const firstOffline = (n: string) => seq.indexOf(`OFFLINE ${n}`);
      expect(firstOffline('crash-1')).toBeGreaterThan(firstOnline('crash-2'));
      expect(firstOffline('crash-0')).toBeGreaterThan(firstOnline('crash-1'));
    });
  },
);
