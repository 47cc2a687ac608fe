/**
 * `gmsctl operator` as processes on the real control plane: two replicas with leader election
 * (only the Lease holder writes; a standby takes over when the leader dies or stops), an
 * operator killed mid-reconcile and restarted, and an API server restart under a running
 * operator (its watches recover).
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HttpKubeClient } from '../../../src/operator/runtime/kube/client.js';
import { RESOURCES } from '../../../src/operator/runtime/kube/resources.js';
import type { KubeObject } from '../../../src/operator/runtime/kube/types.js';
import {
  applyCrds,
  kubeconfigPath,
  kubectl,
  useTestNamespace,
  waitFor,
} from '../../cluster/kube.js';
import type { OperatorProcess } from './operator-support.js';
import {
  applyAsUser,
  buildOperatorDist,
  chatService,
  condition,
  sleep,
  spawnOperator,
  testClient,
} from './operator-support.js';

const ns = useTestNamespace('operator-ha');
let client: HttpKubeClient;
let dist: { dir: string; remove: () => void };
const procs: OperatorProcess[] = [];

// Shorter than the defaults (15 s / 10 s / 2 s) to keep the test quick, long enough to tell a
// released Lease (taken within a retry period) from an expired one.
const LEASE = [
  '--lease-duration=12s',
  '--renew-deadline=8s',
  '--retry-period=1s',
  '--shutdown-grace=3s',
];

beforeAll(async () => {
  await applyCrds(ns.kc);
  client = testClient(ns.kc);
  dist = await buildOperatorDist();
}, 300_000);

afterEach(async () => {
  for (const p of procs.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
});

afterAll(() => dist?.remove());

function start(extra: string[] = []): OperatorProcess {
  const p = spawnOperator(dist.dir, [`--namespaces=${ns.name}`, ...extra]);
  procs.push(p);
  return p;
}

function elected(id: string): OperatorProcess {
  return start([
    '--leader-elect=true',
    `--leader-election-namespace=${ns.name}`,
    `--leader-election-id=${id}`,
    ...LEASE,
  ]);
}

const cs = (name: string) => client.get<KubeObject>(RESOURCES.ChatService, ns.name, name);

async function reconciled(name: string, timeoutMs = 60_000): Promise<KubeObject> {
  return waitFor(
    `ChatService ${name} reconciled`,
    async () => {
      const o = await cs(name);
      const st = (o as { status?: { observedGeneration?: number } } | undefined)?.status;
      return o &&
        st?.observedGeneration === o.metadata.generation &&
        condition(o, 'ConfigValid')?.status === 'True'
        ? o
        : undefined;
    },
    timeoutMs,
  );
}

async function leaderOf(ps: OperatorProcess[]): Promise<OperatorProcess> {
  return waitFor(
    'a leader',
    async () => {
      const leaders: OperatorProcess[] = [];
      for (const p of ps) if (await p.isLeader().catch(() => false)) leaders.push(p);
      expect(leaders.length).toBeLessThanOrEqual(1);
      return leaders[0];
    },
    30_000,
    200,
  );
}

describe('two replicas with leader election', () => {
  it('only the leader writes; a standby takes over when the leader is killed, and at once when it stops gracefully', async () => {
    const a = elected('ha-lease');
    await leaderOf([a]);
    const b = elected('ha-lease');
    await b.metricsPort;
    await sleep(2000);
    expect(await b.isLeader()).toBe(false);

    await applyAsUser(client, chatService(ns.name, 'ha-one'));
    await reconciled('ha-one');
    await sleep(1500);
    expect(await a.writes()).toBeGreaterThan(0);
    expect(await b.writes()).toBe(0); // the standby wrote nothing

    // The leader dies without releasing: the standby waits out the lease (12 s) and takes over.
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    await leaderOf([b]);
    const takeover = Date.now() - killedAt;
    expect(takeover).toBeGreaterThanOrEqual(9000);
    await applyAsUser(client, chatService(ns.name, 'ha-two'));
    await reconciled('ha-two');
    expect(await b.writes()).toBeGreaterThan(0);

    // A graceful stop releases the Lease: the next standby takes over within a retry period.
    const c = elected('ha-lease');
    await c.metricsPort;
    await sleep(1500);
    expect(await c.isLeader()).toBe(false);
    const stoppedAt = Date.now();
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    await leaderOf([c]);
    // Shutdown grace (3 s at most) + one retry period: far less than waiting out the lease.
    expect(Date.now() - stoppedAt).toBeLessThan(7000);
    const lease = await client.get<
      KubeObject & { spec: { holderIdentity?: string; leaseTransitions?: number } }
    >(RESOURCES.Lease, ns.name, 'ha-lease');
    expect(lease?.spec.leaseTransitions).toBeGreaterThanOrEqual(2);
    expect(b.logs.some((l) => l.msg === 'released the leader Lease')).toBe(true);
  });
});

describe('operator restart mid-reconcile', () => {
  it('a SIGKILLed operator, restarted, converges every ChatService without duplicates', async () => {
    const n = 15;
    const p1 = start();
    await p1.metricsPort;
    for (let i = 0; i < n; i++)
      await applyAsUser(
        client,
        chatService(ns.name, `crash-${i}`, { gms: { version: '8.5.219.03', replicas: 1 } }),
      );
    // Kill it as soon as it has written something, i.e. in the middle of the work.
    await waitFor(
      'the first writes',
      async () => ((await p1.writes()) > 3 ? true : undefined),
      30_000,
      20,
    );
    p1.child.kill('SIGKILL');
    await p1.exited;
    const p2 = start();
    for (let i = 0; i < n; i++) await reconciled(`crash-${i}`);
    const cms = await client.list<KubeObject>(RESOURCES.ConfigMap, {
      namespace: ns.name,
      labelSelector: 'gms.chatops.io/config-role=static',
    });
    for (let i = 0; i < n; i++) {
      expect(
        cms.items.filter((c) => c.metadata.labels?.['gms.chatops.io/chatservice'] === `crash-${i}`),
      ).toHaveLength(1);
    }
    expect(await p2.writes()).toBeGreaterThan(0);
  });
});

describe('API server restart while the operator runs', () => {
  const dir = () => dirname(kubeconfigPath());
  const pidFile = () => join(dir(), 'pids', 'kube-apiserver.pid');

  it.runIf(
    existsSync(
      join(dirname(process.env.KUBECONFIG ?? '/nonexistent'), 'pids', 'kube-apiserver.pid'),
    ),
  )(
    'watches recover and new changes are reconciled',
    async () => {
      const p = start();
      await p.metricsPort;
      await applyAsUser(
        client,
        chatService(ns.name, 'before-restart', { gms: { version: '8.5.219.03', replicas: 1 } }),
      );
      await reconciled('before-restart');

      await restartApiServer(pidFile(), dir());
      await waitFor(
        'the API server to serve again',
        async () => ((await kubectl(['get', '--raw', '/readyz'])).code === 0 ? true : undefined),
        90_000,
        500,
      );

      await applyAsUser(
        client,
        chatService(ns.name, 'after-restart', { gms: { version: '8.5.219.03', replicas: 1 } }),
      );
      await reconciled('after-restart', 90_000);
      const m = await p.metrics();
      expect(m).toMatch(
        /gms_informer_watch_restarts_total\{resource="chatservices\([^)]*\)",reason="(error|stalled|closed)"\} [1-9]/,
      );
      expect(p.child.exitCode).toBeNull();
    },
    180_000,
  );
});

/** Stops the test cluster's kube-apiserver and starts it again with the same command line. */
async function restartApiServer(pidPath: string, clusterDir: string): Promise<void> {
  const pid = Number(readFileSync(pidPath, 'utf8').trim());
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  process.kill(pid, 'SIGKILL'); // a crash: no graceful watch termination
  await waitFor(
    'kube-apiserver to exit',
    async () =>
      existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z')
        ? undefined
        : true,
    60_000,
    200,
  );
  await sleep(5000); // the operator sees its watches fail and backs off
  const log = openSync(join(clusterDir, 'kube-apiserver.log'), 'a');
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  // cluster.sh's `down` stops what this pid file names.
  writeFileSync(pidPath, `${child.pid}\n`);
}
