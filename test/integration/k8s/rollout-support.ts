/**
 * Helpers for the rollout tests on the real control plane (kube-apiserver, KCM's StatefulSet
 * controller, scheduler, kwok nodes): StatefulSet fixtures shaped like the operator's (OnDelete,
 * static hash on the pod template), a pod history from a real watch (which pod UIDs each node
 * had, in order), a client that "kills the operator" at a chosen write, and a reconcile driver.
 */
import type { ChatService } from '../../../src/api/types.js';
import type { NodeApiClient, NodeStatus, NodeTarget } from '../../../src/operator/nodeapi/index.js';
import type { RolloutExecutor } from '../../../src/operator/rollout/executor.js';
import { type RolloutOutcome } from '../../../src/operator/rollout/executor.js';
import type { DeleteOptions, KubeClient } from '../../../src/operator/runtime/kube/client.js';
import { HttpKubeClient, MERGE_PATCH } from '../../../src/operator/runtime/kube/client.js';
import { RESOURCES } from '../../../src/operator/runtime/kube/resources.js';
import { KubeTransport } from '../../../src/operator/runtime/kube/transport.js';
import type { KubeObject } from '../../../src/operator/runtime/kube/types.js';
import type { KubeConfig } from '@kubernetes/client-node';

export const HASH_ANNOTATION = 'gms.chatops.io/static-config-hash';

export function kubeClient(kc: KubeConfig): HttpKubeClient {
  return new HttpKubeClient(new KubeTransport(kc, { userAgent: 'gms-rollout-tests' }));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function chatService(
  ns: string,
  name: string,
  replicas: number,
  rollout: ChatService['spec']['rollout'] = {},
): ChatService {
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name, namespace: ns },
    spec: {
      gms: { version: '8.5.219.03', image: 'registry.example.com/gms:8.5.219.03', replicas },
      chatServer: {
        version: '8.5.108.02',
        endpoints: [{ name: 'cs-1', host: 'chat-1', port: 4125 }],
      },
      rollout,
    },
  };
}

/** A StatefulSet like the operator's: OnDelete updates, the static hash on the pod template. */
export function statefulSet(
  ns: string,
  name: string,
  replicas: number,
  hash: string,
  extra: { nodeSelector?: Record<string, string> } = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      serviceName: name,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'OnDelete' },
      selector: { matchLabels: { 'app.kubernetes.io/instance': name } },
      template: {
        metadata: {
          labels: { 'app.kubernetes.io/instance': name },
          annotations: { [HASH_ANNOTATION]: hash },
        },
        spec: {
          containers: [{ name: 'gms', image: 'registry.example.com/gms:8.5.219.03' }],
          terminationGracePeriodSeconds: 60,
          ...(extra.nodeSelector ? { nodeSelector: extra.nodeSelector } : {}),
        },
      },
    },
  };
}

export async function applyObject(client: KubeClient, obj: KubeObject): Promise<KubeObject> {
  return client.apply(obj, { fieldManager: 'gms-tests', force: true });
}

/** Set the template's static hash (and node selector): what the operator does on a restart-required change. */
export async function setTemplate(
  client: KubeClient,
  ns: string,
  name: string,
  hash: string,
  nodeSelector: Record<string, string> | null = null,
): Promise<void> {
  await client.patch(
    RESOURCES.StatefulSet,
    ns,
    name,
    {
      spec: {
        template: {
          metadata: { annotations: { [HASH_ANNOTATION]: hash } },
          spec: { nodeSelector },
        },
      },
    },
    { contentType: MERGE_PATCH, fieldManager: 'gms-tests' },
  );
}

export async function getChatService(
  client: KubeClient,
  ns: string,
  name: string,
): Promise<ChatService> {
  const cs = await client.get<KubeObject>(RESOURCES.ChatService, ns, name);
  if (!cs) throw new Error(`ChatService ${ns}/${name} not found`);
  return cs as unknown as ChatService;
}

interface PodObj extends KubeObject {
  status?: { conditions?: { type: string; status: string }[] };
}

export function isReady(p: PodObj): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** Pods of the StatefulSet now. */
/** An events.k8s.io/v1 Event, the fields the tests read. */
export type EventObj = KubeObject & {
  reason?: string;
  type?: string;
  note?: string;
  regarding?: { name?: string };
};

/** The Events in `ns` regarding the object named `name`. */
export async function eventsRegarding(
  client: KubeClient,
  ns: string,
  name: string,
): Promise<EventObj[]> {
  const l = await client.list<EventObj>(RESOURCES.Event, { namespace: ns });
  return l.items.filter((e) => e.regarding?.name === name);
}

export async function listPods(client: KubeClient, ns: string, name: string): Promise<PodObj[]> {
  const l = await client.list<PodObj>(RESOURCES.Pod, {
    namespace: ns,
    labelSelector: `app.kubernetes.io/instance=${name}`,
  });
  return l.items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/** Wait until `replicas` pods exist, all Ready. Returns them. */
export async function waitAllReady(
  client: KubeClient,
  ns: string,
  name: string,
  replicas: number,
  timeoutMs = 60_000,
): Promise<PodObj[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pods = await listPods(client, ns, name);
    if (pods.length === replicas && pods.every((p) => isReady(p) && !p.metadata.deletionTimestamp))
      return pods;
    if (Date.now() > deadline)
      throw new Error(
        `pods of ${name} not all Ready: ${pods.map((p) => `${p.metadata.name}:${isReady(p)}`).join(' ')}`,
      );
    await sleep(200);
  }
}

/**
 * Every pod UID each node had, in order, from a real watch; and the moments pods were
 * deleted (deletionTimestamp first seen or DELETED), for ordering checks.
 */
export class PodHistory {
  readonly uids = new Map<string, string[]>();
  readonly deletions: { node: string; uid: string; at: number }[] = [];
  readonly added: { node: string; uid: string; at: number }[] = [];
  /** controller-revision-hash of every pod UID seen. */
  readonly revisionOf = new Map<string, string>();
  /**
   * Pods deleted gracefully (deletionGracePeriodSeconds > 0 seen): by the operator or the
   * StatefulSet controller, never by kwok's racing grace-0 delete (see DeletionLog).
   */
  readonly graceful = new Map<string, { node: string; revision: string | undefined }>();
  private readonly abort = new AbortController();
  private done: Promise<void> | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly ns: string,
    private readonly name: string,
  ) {}

  async start(): Promise<void> {
    const list = await this.client.list<PodObj>(RESOURCES.Pod, {
      namespace: this.ns,
      labelSelector: `app.kubernetes.io/instance=${this.name}`,
    });
    for (const p of list.items) this.see(p, false);
    const rv = list.metadata.resourceVersion ?? '0';
    this.done = this.client
      .watch<PodObj>(
        RESOURCES.Pod,
        {
          namespace: this.ns,
          labelSelector: `app.kubernetes.io/instance=${this.name}`,
          resourceVersion: rv,
          timeoutSeconds: 600,
          stallTimeoutMs: 600_000,
          signal: this.abort.signal,
        },
        (ev) => {
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') this.see(ev.object, false);
          if (ev.type === 'DELETED') this.see(ev.object, true);
        },
      )
      .catch(() => undefined);
  }

  private see(p: PodObj, deleted: boolean): void {
    const node = p.metadata.name;
    if (process.env.ROLLOUT_DEBUG)
      console.log(
        Date.now() % 100000,
        'POD',
        node,
        p.metadata.uid?.slice(0, 6),
        p.metadata.labels?.['controller-revision-hash'],
        isReady(p),
        p.metadata.deletionTimestamp ? 'terminating' : '',
        deleted ? 'DELETED' : '',
      );
    const uid = p.metadata.uid ?? '';
    const rev = p.metadata.labels?.['controller-revision-hash'];
    if (rev && uid) this.revisionOf.set(uid, rev);
    const grace = (p.metadata as { deletionGracePeriodSeconds?: number })
      .deletionGracePeriodSeconds;
    if (p.metadata.deletionTimestamp && grace !== undefined && grace > 0 && !this.graceful.has(uid))
      this.graceful.set(uid, { node, revision: rev });
    const list = this.uids.get(node) ?? [];
    if (!list.includes(uid)) {
      list.push(uid);
      this.added.push({ node, uid, at: Date.now() });
    }
    this.uids.set(node, list);
    if ((deleted || p.metadata.deletionTimestamp) && !this.deletions.some((d) => d.uid === uid))
      this.deletions.push({ node, uid, at: Date.now() });
  }

  /** Graceful deletions per node (the operator's restarts when no scale-down happened). */
  gracefulRestarts(nodes: string[]): Record<string, number> {
    const all = [...this.graceful.values()];
    return Object.fromEntries(nodes.map((n) => [n, all.filter((d) => d.node === n).length]));
  }

  /** How many times each node was restarted (UIDs seen minus one). */
  restarts(): Record<string, number> {
    return Object.fromEntries([...this.uids].map(([n, u]) => [n, u.length - 1]));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

/**
 * The pod deletions the operator itself made (its KubeClient), by UID. The test cluster's kwok
 * also deletes pods: its stage controller deletes by name, without a UID precondition
 * (kubernetes-sigs/kwok pkg/kwok/controllers/stage_controller.go deleteResource), and its own
 * grace-0 delete re-triggers the delete stage, so now and then it deletes the replacement pod
 * the StatefulSet just created (the kubelet had this bug until kubernetes/kubernetes#25224).
 * Restart counts therefore come from here, not from pod UID churn.
 */
export class DeletionLog {
  readonly deletions: { node: string; uid: string; at: number }[] = [];

  client(inner: KubeClient): KubeClient {
    return {
      get: (t, ns, name) => inner.get(t, ns, name),
      list: (t, o) => inner.list(t, o),
      watch: (t, o, cb) => inner.watch(t, o, cb),
      create: (o, opts) => inner.create(o, opts),
      replace: (o, opts) => inner.replace(o, opts),
      apply: (o, opts) => inner.apply(o, opts),
      patch: (t, ns, name, p, opts) => inner.patch(t, ns, name, p, opts),
      delete: async (t, ns, name, opts?: DeleteOptions) => {
        const gone = await inner.delete(t, ns, name, opts);
        if (t.kind === 'Pod' && gone)
          this.deletions.push({ node: name, uid: opts?.preconditions?.uid ?? '', at: Date.now() });
        return gone;
      },
    } as KubeClient;
  }

  /** Pods the operator deleted per node. */
  restarts(nodes: string[]): Record<string, number> {
    return Object.fromEntries(
      nodes.map((n) => [n, this.deletions.filter((d) => d.node === n).length]),
    );
  }
}

/** Thrown by CrashingClient: the "operator process" died here. */
export class Killed extends Error {
  constructor(readonly at: string) {
    super(`operator killed at ${at}`);
  }
}

/**
 * Kills the operator at the n-th side effect (API write or node API status change), either
 * before it is sent or right after it landed: the two places a crash can leave state behind.
 */
export class Crasher {
  count = 0;
  kills: string[] = [];
  constructor(
    private readonly crashAt: Set<number>,
    private readonly when: 'before' | 'after',
  ) {}

  async effect<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const n = ++this.count;
    if (!this.crashAt.has(n)) return fn();
    this.kills.push(`${n}:${what}`);
    if (this.when === 'before') throw new Killed(what);
    await fn();
    throw new Killed(what);
  }

  client(inner: KubeClient): KubeClient {
    return {
      get: (t, ns, name) => inner.get(t, ns, name),
      list: (t, o) => inner.list(t, o),
      watch: (t, o, cb) => inner.watch(t, o, cb),
      create: (o, opts) => this.effect(`create ${o.kind}`, () => inner.create(o, opts)),
      replace: (o, opts) => this.effect(`replace ${o.kind}`, () => inner.replace(o, opts)),
      apply: (o, opts) => this.effect(`apply ${o.kind}`, () => inner.apply(o, opts)),
      patch: (t, ns, name, p, opts) =>
        this.effect(
          `patch ${t.kind}${opts.subresource ? `/${opts.subresource}` : ''} ${name}`,
          () => inner.patch(t, ns, name, p, opts),
        ),
      delete: (t, ns, name, opts?: DeleteOptions) =>
        this.effect(`delete ${t.kind} ${name}`, () => inner.delete(t, ns, name, opts)),
    } as KubeClient;
  }

  nodeApi(inner: NodeApiClient): NodeApiClient {
    return {
      status: (t: NodeTarget) => inner.status(t),
      changeStatus: (t: NodeTarget, s: NodeStatus) =>
        this.effect(`changestatus/${s} ${t.node}`, () => inner.changeStatus(t, s)),
    };
  }
}

/**
 * Reconcile like the operator's controller would: get the ChatService, run the rollout, requeue.
 * `makeExecutor` is called again after a Killed (a fresh operator process).
 */
export async function drive(opts: {
  client: KubeClient;
  ns: string;
  name: string;
  targetHash: () => string;
  makeExecutor: () => RolloutExecutor;
  until: (out: RolloutOutcome) => boolean;
  timeoutMs?: number;
  onKilled?: (err: Killed) => void;
}): Promise<RolloutOutcome> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let ex = opts.makeExecutor();
  for (;;) {
    if (Date.now() > deadline)
      throw new Error(`rollout of ${opts.name} did not reach the expected state in time`);
    const cs = await getChatService(opts.client, opts.ns, opts.name);
    let out: RolloutOutcome;
    try {
      out = await ex.reconcile({ cs, statefulSet: opts.name, targetHash: opts.targetHash() });
    } catch (err) {
      if (!(err instanceof Killed)) throw err;
      opts.onKilled?.(err);
      ex = opts.makeExecutor();
      continue;
    }
    if (opts.until(out)) return out;
    await sleep(Math.min(out.requeueAfterMs ?? 300, 300));
  }
}

/** The outcome of a reconcile with nothing left to do and the roll idle. */
export const settled = (out: RolloutOutcome): boolean =>
  out.requeueAfterMs === undefined && (out.rollout?.phase ?? 'Idle') === 'Idle';
