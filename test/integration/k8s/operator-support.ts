/**
 * Helpers for the operator's k8s tests: an in-process Operator watching one test namespace,
 * a request log of its writes, and fixtures (ChatService, PushProvider, Secret).
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, kubeconfigPath, waitFor } from '../../cluster/kube.js';
import { pino } from 'pino';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ChatService } from '../../../src/api/types.js';
import { PendingRollout } from '../../../src/operator/controllers/rollout-seam.js';
import { Operator } from '../../../src/operator/manager.js';
import type { OperatorOptions } from '../../../src/operator/manager.js';
import { HttpKubeClient } from '../../../src/operator/runtime/kube/client.js';
import type { ResourceType } from '../../../src/operator/runtime/kube/resources.js';
import { KubeTransport, WRITE_VERBS } from '../../../src/operator/runtime/kube/transport.js';
import type { RequestInfo } from '../../../src/operator/runtime/kube/transport.js';
import type { KubeObject } from '../../../src/operator/runtime/kube/types.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function testClient(kc: KubeConfig): HttpKubeClient {
  return new HttpKubeClient(new KubeTransport(kc, { userAgent: 'gms-operator-tests' }));
}

export interface RunningOperator {
  op: Operator;
  /** Every request the operator sent since start (or since the last reset). */
  requests: RequestInfo[];
  writes(): RequestInfo[];
  stop(): Promise<void>;
}

/** Waits until the operator has been idle (no request) for quietMs. */
export async function settle(running: RunningOperator, quietMs = 1500): Promise<void> {
  let last = running.requests.length;
  let since = Date.now();
  await waitFor(
    'the operator to settle',
    async () => {
      if (running.requests.length !== last) {
        last = running.requests.length;
        since = Date.now();
        return undefined;
      }
      return Date.now() - since >= quietMs ? true : undefined;
    },
    60_000,
    100,
  );
}

export async function startOperator(
  kc: KubeConfig,
  namespace: string,
  over: Partial<OperatorOptions> = {},
): Promise<RunningOperator> {
  const logger = pino({ level: process.env.GMS_TEST_OPERATOR_LOG ?? 'silent' });
  const op = new Operator(
    {
      namespaces: [namespace],
      concurrency: 4,
      bindAddress: '127.0.0.1',
      metricsPort: 0,
      healthPort: 0,
      leaderElect: false,
      leaderElectionNamespace: namespace,
      leaderElectionId: 'gms-operator-test',
      resyncPeriodMs: 600_000,
      shutdownGraceMs: 5000,
      kubeApiQps: 200,
      kubeApiBurst: 400,
      ...over,
    },
    // The rollout seam without a roll: these tests assert what the reconciler does; the roll
    // itself is tested in rollout-operator.test.ts.
    { kubeConfig: kc, logger, rollout: () => new PendingRollout() },
  );
  const requests: RequestInfo[] = [];
  op.transport.observe((r) => requests.push(r));
  await op.start();
  return {
    op,
    requests,
    writes: () => requests.filter((r) => WRITE_VERBS.has(r.verb)),
    stop: () => op.stop('test done'),
  };
}

export function chatService(
  ns: string,
  name: string,
  spec: Partial<ChatService['spec']> = {},
): KubeObject {
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name, namespace: ns },
    spec: {
      gms: { version: '8.5.219.03', image: 'registry.example.com/gms:8.5.219.03', replicas: 2 },
      chatServer: {
        version: '8.5.108.02',
        endpoints: [{ name: 'cs-1', host: 'chat-1.cc.svc', port: 4125 }],
      },
      chat: { enable_notification_mode: true },
      options: { push_notification_include_payload: false },
      ...spec,
    },
  };
}

export function fcmProvider(
  ns: string,
  name: string,
  options: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'PushProvider',
    metadata: { name, namespace: ns },
    spec: {
      type: 'fcm',
      fcm: { apiKeySecretRef: { name: `${name}-key`, key: 'apiKey' } },
      options,
    },
  };
}

export function secret(ns: string, name: string, data: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: ns },
    type: 'Opaque',
    data: Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
  };
}

export async function applyAsUser(client: HttpKubeClient, obj: KubeObject): Promise<KubeObject> {
  return client.apply(obj, { fieldManager: 'gms-tests', force: true });
}

export async function get(
  client: HttpKubeClient,
  type: ResourceType,
  ns: string,
  name: string,
): Promise<KubeObject | undefined> {
  return client.get(type, ns, name);
}

export function condition(
  cs: KubeObject | undefined,
  type: string,
): { status: string; reason: string; message: string; observedGeneration?: number } | undefined {
  const conds = (
    cs as
      | {
          status?: {
            conditions?: {
              type: string;
              status: string;
              reason: string;
              message: string;
              observedGeneration?: number;
            }[];
          };
        }
      | undefined
  )?.status?.conditions;
  return conds?.find((c) => c.type === type);
}

// ---------------------------------------------------------------------------------------------
// The operator as shipped (`gmsctl operator`), as child processes
// ---------------------------------------------------------------------------------------------

/** Compiles the tree to a private directory (so concurrent runs never share dist/). */
export async function buildOperatorDist(): Promise<{ dir: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'gms-operator-dist-'));
  await promisify(execFile)(
    join(REPO_ROOT, 'node_modules/.bin/tsc'),
    ['-p', join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', dir],
    {
      cwd: REPO_ROOT,
    },
  ).catch(() => {
    // Type errors elsewhere in the tree still emit JavaScript; a missing entry point fails below.
  });
  if (!existsSync(join(dir, 'cli', 'commands', 'operator.js')))
    throw new Error(`tsc emitted no ${join(dir, 'cli/commands/operator.js')}`);
  writeFileSync(
    join(dir, 'run.mjs'),
    "const m = await import('./cli/main.js'); await m.main(process.argv.slice(2));\n",
  );
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface OperatorProcess {
  child: ChildProcess;
  /** JSON log lines seen so far. */
  logs: Record<string, unknown>[];
  metricsPort: Promise<number>;
  exited: Promise<number | null>;
  metrics(): Promise<string>;
  /** Write requests (not Leases, not Events) this process sent, from its own /metrics. */
  writes(): Promise<number>;
  isLeader(): Promise<boolean>;
}

export function spawnOperator(dist: string, args: string[]): OperatorProcess {
  const child = spawn(
    process.execPath,
    [
      join(dist, 'run.mjs'),
      'operator',
      '--metrics-port=0',
      '--health-port=0',
      '--bind-address=127.0.0.1',
      '--log-level=info',
      `--kubeconfig=${kubeconfigPath()}`,
      ...args,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const logs: Record<string, unknown>[] = [];
  let resolvePort!: (p: number) => void;
  const metricsPort = new Promise<number>((r) => (resolvePort = r));
  let buf = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        const rec = JSON.parse(line) as Record<string, unknown>;
        logs.push(rec);
        if (typeof rec.metricsPort === 'number') resolvePort(rec.metricsPort);
      } catch {
        // not JSON
      }
    }
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const metrics = async () => (await fetch(`http://127.0.0.1:${await metricsPort}/metrics`)).text();
  return {
    child,
    logs,
    metricsPort,
    exited,
    metrics,
    writes: async () => {
      let n = 0;
      for (const m of (await metrics()).matchAll(
        /^rest_client_requests_total\{code="[^"]*",method="(POST|PUT|PATCH|DELETE)",verb="[^"]*",resource="([^"]*)"\} (\d+)/gm,
      )) {
        if (m[2] !== 'leases' && m[2] !== 'events') n += Number(m[3]);
      }
      return n;
    },
    isLeader: async () => /^leader_election_master_status\{[^}]*\} 1$/m.test(await metrics()),
  };
}
