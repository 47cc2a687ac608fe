/**
 * The operator process: caches, the ChatService controller, leader election, the
 * metrics/health endpoints, the admission webhook, and graceful shutdown.
 *
 * - Informers run on every replica (warm caches; the webhook and /readyz need them); only the
 *   Lease holder runs reconcile workers, and every write goes through a client that refuses
 *   writes while this replica is not the leader.
 * - SIGTERM: /readyz fails at once; the queue stops handing out work; in-flight reconciles get
 *   up to shutdownGraceMs to finish, then are aborted and handed back (reconciles are
 *   level-triggered, so the next leader's first list re-queues every ChatService); pending
 *   Events are flushed; the Lease is released so a standby takes over within one retry.
 * - Leadership lost (renewals failed for the renew deadline): in-flight work is aborted and
 *   the process exits non-zero, as controller-runtime does, so Kubernetes restarts it clean.
 */
import type { Logger } from 'pino';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ChatService, PushProvider } from '../api/types.js';
import { LABEL_CHAT_SERVICE } from '../manifests/index.js';
import { HttpNodeApiClient } from './nodeapi/index.js';
import { RolloutExecutor } from './rollout/executor.js';
import { Caches } from './caches.js';
import { ChatServiceReconciler } from './controllers/chatservice.js';
import { PushProviderReconciler } from './controllers/pushprovider.js';
import {
  INDEX_PROVIDER,
  INDEX_SECRET,
  indexByProvider,
  indexBySecret,
  nsKey,
} from './controllers/references.js';
import type { RolloutDriver } from './controllers/rollout-seam.js';
import type { Clock } from './runtime/clock.js';
import { realClock } from './runtime/clock.js';
import { Controller } from './runtime/controller.js';
import { EventRecorder } from './runtime/events.js';
import { GuardedClient } from './runtime/guard.js';
import { HttpKubeClient } from './runtime/kube/client.js';
import type { KubeClient } from './runtime/kube/client.js';
import { errorMessage } from './runtime/kube/errors.js';
import { RESOURCES, apiPrefix } from './runtime/kube/resources.js';
import { KubeTransport } from './runtime/kube/transport.js';
import type { KubeObject } from './runtime/kube/types.js';
import { keyOf } from './runtime/kube/types.js';
import { LeaderElector, defaultIdentity } from './runtime/leader.js';
import { OperatorMetrics } from './runtime/metrics.js';
import { EndpointServer } from './runtime/server.js';
import type { WebhookOptions, WebhookServer } from './webhook/server.js';

export const CONTROLLER_NAME = 'chatservice';
export const REPORTING_CONTROLLER = 'gms.chatops.io/gms-operator';

export interface OperatorOptions {
  namespaces: string[];
  concurrency: number;
  bindAddress: string;
  metricsPort: number;
  healthPort: number;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  identity?: string;
  resyncPeriodMs: number;
  shutdownGraceMs: number;
  kubeApiQps: number;
  kubeApiBurst: number;
  defaultImageRepository?: string;
  /** Node API URL template for the rollout (see src/operator/nodeapi/address.ts). */
  nodeUrlTemplate?: string;
  webhook?: WebhookOptions;
}

export interface OperatorDeps {
  kubeConfig: KubeConfig;
  logger: Logger;
  clock?: Clock;
  /** Replace the rollout driver (tests); default: the RolloutExecutor with the HTTP node API. */
  rollout?: (client: KubeClient, events: EventRecorder) => RolloutDriver;
  /** Called when the process must exit (leadership lost). */
  onFatal?: (reason: string) => void;
}

export class Operator {
  readonly metrics = new OperatorMetrics();
  readonly transport: KubeTransport;
  readonly client: HttpKubeClient;
  /** Writes refused unless this replica leads. */
  readonly writer: GuardedClient;
  readonly identity: string;
  caches!: Caches;
  controller!: Controller;
  providerController!: Controller;
  events!: EventRecorder;
  private elector: LeaderElector | undefined;
  private leading = false;
  private stopping = false;
  private endpoints: EndpointServer[] = [];
  private webhook: WebhookServer | undefined;
  private readonly clock: Clock;
  private readonly log: Logger;
  /** Ports actually bound (useful with port 0). */
  readonly ports: { metrics?: number; health?: number; webhook?: number } = {};

  constructor(
    private readonly opts: OperatorOptions,
    private readonly deps: OperatorDeps,
  ) {
    this.clock = deps.clock ?? realClock;
    this.log = deps.logger;
    this.identity = opts.identity ?? process.env.POD_NAME ?? defaultIdentity();
    this.transport = new KubeTransport(deps.kubeConfig, {
      qps: opts.kubeApiQps,
      burst: opts.kubeApiBurst,
      userAgent: `gms-operator/${this.identity}`,
      clock: this.clock,
    });
    this.transport.observe(this.metrics.observeRequest);
    this.client = new HttpKubeClient(this.transport);
    this.writer = new GuardedClient(this.client, () => this.leading && !this.stopping);
  }

  isLeader(): boolean {
    return this.leading;
  }

  async start(): Promise<void> {
    const { opts } = this;
    const httpRoutes = await this.apiServed('gateway.networking.k8s.io/v1', 'httproutes');
    this.caches = new Caches({
      client: this.client,
      namespaces: opts.namespaces,
      resyncPeriodMs: opts.resyncPeriodMs,
      httpRoutes,
      logger: this.log,
      observer: this.metrics.informerObserver(),
      clock: this.clock,
    });
    this.events = new EventRecorder({
      client: this.writer,
      controller: REPORTING_CONTROLLER,
      instance: this.identity,
      clock: this.clock,
      logger: this.log,
      canWrite: () => this.leading && !this.stopping,
      onDropped: () => this.metrics.eventsDropped.inc(),
    });
    const rollout = this.deps.rollout
      ? this.deps.rollout(this.writer, this.events)
      : new RolloutExecutor({
          client: this.writer,
          nodeApi: new HttpNodeApiClient({}),
          events: this.events,
          logger: this.log,
          now: () => this.clock.now(),
          fieldManager: 'gms-operator',
          ...(opts.nodeUrlTemplate ? { nodeUrlTemplate: opts.nodeUrlTemplate } : {}),
        });
    const reconciler = new ChatServiceReconciler({
      client: this.writer,
      caches: this.caches,
      events: this.events,
      metrics: this.metrics,
      rollout,
      clock: this.clock,
      logger: this.log,
      defaultImageRepository: opts.defaultImageRepository,
    });
    this.controller = new Controller({
      name: CONTROLLER_NAME,
      reconciler,
      concurrency: opts.concurrency,
      metrics: this.metrics,
      logger: this.log,
      clock: this.clock,
    });
    this.providerController = new Controller({
      name: 'pushprovider',
      reconciler: new PushProviderReconciler({
        client: this.writer,
        caches: this.caches,
        clock: this.clock,
      }),
      concurrency: 1,
      metrics: this.metrics,
      logger: this.log,
      clock: this.clock,
    });
    this.wireEvents();

    await this.startEndpoints();
    if (opts.webhook) {
      // Loaded only when enabled: the X.509 library is not needed otherwise.
      const { WebhookServer } = await import('./webhook/server.js');
      this.webhook = new WebhookServer({
        ...opts.webhook,
        host: opts.webhook.host ?? opts.bindAddress,
        client: this.client,
        writer: this.writer,
        caches: this.caches,
        logger: this.log,
        isLeader: () => this.leading && !this.stopping,
      });
      this.ports.webhook = await this.webhook.start();
    }
    this.caches.start();
    this.log.info(
      {
        namespaces: opts.namespaces.length ? opts.namespaces : 'all',
        identity: this.identity,
        leaderElect: opts.leaderElect,
      },
      'gms-operator started',
    );

    if (opts.leaderElect) {
      this.elector = new LeaderElector({
        client: this.client,
        namespace: opts.leaderElectionNamespace,
        name: opts.leaderElectionId,
        identity: this.identity,
        leaseDurationMs: opts.leaseDurationMs,
        renewDeadlineMs: opts.renewDeadlineMs,
        retryPeriodMs: opts.retryPeriodMs,
        clock: this.clock,
        logger: this.log,
        onStartedLeading: () => void this.startLeading(),
        onStoppedLeading: () => this.stopLeading(),
        onNewLeader: (id) => {
          if (id !== this.identity) this.log.info({ leader: id }, 'another replica leads');
        },
      });
      void this.elector.run();
    } else {
      await this.startLeading();
    }
  }

  /** Graceful stop (SIGTERM). Resolves when everything is closed. */
  async stop(reason = 'shutdown'): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.log.info({ reason }, 'shutting down: no new work; finishing in-flight reconciles');
    const result = this.controller
      ? await this.controller.stop(this.opts.shutdownGraceMs)
      : { handedBack: [], unfinished: [] };
    if (result.unfinished.length > 0 || result.handedBack.length > 0) {
      this.log.info(
        { unfinished: result.unfinished, handedBack: result.handedBack.length },
        'work handed back to the next leader (reconciles are level-triggered: it re-lists everything)',
      );
    }
    await this.events?.flush();
    // Writes are refused from here; release the Lease so a standby takes over at once.
    if (this.elector) {
      this.leading = false;
      await this.elector.stop(true);
    }
    this.leading = false;
    this.metrics.leaderStatus.set({ name: this.opts.leaderElectionId }, 0);
    await this.webhook?.stop();
    await this.caches?.stop();
    await Promise.all(this.endpoints.map((e) => e.close()));
    await this.transport.close();
    this.log.info('stopped');
  }

  /** Readiness: caches synced (and the webhook serving, when enabled). */
  readyProblem(): string | undefined {
    if (this.stopping) return 'shutting down';
    if (!this.caches) return 'starting';
    const unsynced = this.caches.unsynced();
    if (unsynced.length > 0) return `caches not synced: ${unsynced.join(', ')}`;
    if (this.webhook && !this.webhook.ready()) return 'webhook certificate not loaded';
    return undefined;
  }

  private async startLeading(): Promise<void> {
    if (this.stopping) return;
    this.leading = true;
    this.metrics.leaderStatus.set({ name: this.opts.leaderElectionId }, 1);
    this.log.info({ identity: this.identity }, 'leading: starting reconcile workers');
    // The webhook's first certificate pass ran before this replica led, so it only waited for
    // a leader's Secret: issue (or renew) it now, not at the next refresh (30 s), during which
    // /readyz failed and, with failurePolicy Fail, every ChatService apply was refused.
    // (A pass already running as a follower is awaited, then run again if it loaded nothing.)
    const webhook = this.webhook;
    if (webhook) void webhook.sync().then(() => (webhook.ready() ? undefined : webhook.sync()));
    // Reconcile everything once the caches are full: a new leader picks up whatever the old
    // one left unfinished (level-triggered; nothing is carried over). All of them, owned
    // objects included (controller-runtime's WaitForCacheSync): a reconcile that ran before
    // the StatefulSet list arrived found no live object and re-applied it, so a restart with
    // 1,000 ChatServices wrote dozens of StatefulSets, statuses and Events for nothing.
    await this.caches.waitForSync();
    for (const cs of this.caches.chatServices.list()) this.controller.enqueue(keyOf(cs.metadata));
    for (const p of this.caches.pushProviders.list())
      this.providerController.enqueue(keyOf(p.metadata));
    this.controller.start();
    this.providerController.start();
  }

  private stopLeading(): void {
    if (this.stopping) return;
    const wasLeading = this.leading;
    this.leading = false;
    this.metrics.leaderStatus.set({ name: this.opts.leaderElectionId }, 0);
    if (!wasLeading) return;
    this.log.error('leadership lost: aborting in-flight reconciles and exiting');
    this.controller.abortInFlight();
    this.providerController.abortInFlight();
    this.deps.onFatal?.('leader election lost');
  }

  private wireEvents(): void {
    const { caches, controller } = this;
    const enqueue = (namespace: string | undefined, name: string) =>
      controller.enqueue(namespace ? `${namespace}/${name}` : name);
    caches.chatServices.addIndex(INDEX_PROVIDER, (cs) => indexByProvider(cs as ChatService));
    caches.chatServices.addIndex(INDEX_SECRET, (cs) => indexBySecret(cs as ChatService));
    caches.pushProviders.addIndex(INDEX_SECRET, (p) => indexBySecret(p as PushProvider));

    caches.chatServices.addHandler({
      onAdd: (cs) => enqueue(cs.metadata.namespace, cs.metadata.name),
      onUpdate: (a, b) => {
        // Status-only updates (our own writes) need no reconcile; resyncs (a === b) do.
        if (a === b || specOrMetaChanged(a, b)) enqueue(b.metadata.namespace, b.metadata.name);
      },
      onDelete: (cs) => enqueue(cs.metadata.namespace, cs.metadata.name),
    });
    const byProvider = (p: KubeObject) => {
      for (const cs of caches.chatServices.byIndex(
        INDEX_PROVIDER,
        nsKey(p.metadata.namespace, p.metadata.name),
      )) {
        enqueue(cs.metadata.namespace, cs.metadata.name);
      }
    };
    const provider = (p: KubeObject) => this.providerController.enqueue(keyOf(p.metadata));
    caches.pushProviders.addHandler({
      onAdd: (p) => {
        byProvider(p);
        provider(p);
      },
      onUpdate: (a, b) => {
        // Our own status writes change nothing a ChatService renders.
        if (a !== b && !specOrMetaChanged(a, b)) return;
        byProvider(b);
        provider(b);
      },
      onDelete: byProvider,
    });
    const bySecret = (s: KubeObject) => {
      const owner = controllerOwner(s);
      if (owner) {
        enqueue(s.metadata.namespace, owner);
        return;
      }
      const key = nsKey(s.metadata.namespace, s.metadata.name);
      for (const cs of caches.chatServices.byIndex(INDEX_SECRET, key))
        enqueue(cs.metadata.namespace, cs.metadata.name);
      for (const p of caches.pushProviders.byIndex(INDEX_SECRET, key)) {
        byProvider(p);
        provider(p);
      }
    };
    caches.secrets.addHandler({
      onAdd: bySecret,
      onUpdate: (a, b) => {
        if (
          (a as { data?: unknown }).data !== (b as { data?: unknown }).data ||
          specOrMetaChanged(a, b)
        )
          bySecret(b);
      },
      onDelete: bySecret,
    });
    const byOwner = (o: KubeObject) => {
      const owner = controllerOwner(o);
      if (owner) enqueue(o.metadata.namespace, owner);
    };
    for (const cache of caches.owned()) {
      cache.addHandler({ onAdd: byOwner, onUpdate: (_a, b) => byOwner(b), onDelete: byOwner });
    }
    const byPod = (p: KubeObject) => {
      const cs = p.metadata.labels?.[LABEL_CHAT_SERVICE];
      if (cs) enqueue(p.metadata.namespace, cs);
    };
    caches.pods.addHandler({ onAdd: byPod, onUpdate: (_a, b) => byPod(b), onDelete: byPod });
  }

  private async startEndpoints(): Promise<void> {
    const { opts } = this;
    const healthz = [{ name: 'ping', check: () => undefined }];
    const readyz = [{ name: 'caches', check: () => this.readyProblem() }];
    if (opts.metricsPort === opts.healthPort) {
      const s = new EndpointServer({
        host: opts.bindAddress,
        port: opts.metricsPort,
        registry: this.metrics.registry,
        healthz,
        readyz,
      });
      const port = await s.listen();
      this.ports.metrics = this.ports.health = port;
      this.endpoints.push(s);
    } else {
      const m = new EndpointServer({
        host: opts.bindAddress,
        port: opts.metricsPort,
        registry: this.metrics.registry,
      });
      const h = new EndpointServer({
        host: opts.bindAddress,
        port: opts.healthPort,
        healthz,
        readyz,
      });
      this.ports.metrics = await m.listen();
      this.ports.health = await h.listen();
      this.endpoints.push(m, h);
    }
    this.log.info(
      {
        metricsPort: this.ports.metrics,
        healthPort: this.ports.health,
        bindAddress: opts.bindAddress,
      },
      'serving /metrics, /healthz, /readyz',
    );
  }

  /** Whether an optional API (e.g. Gateway API HTTPRoute) is served. */
  private async apiServed(apiVersion: string, plural: string): Promise<boolean> {
    try {
      const res = await this.client.transport.request<{ resources?: { name: string }[] }>({
        method: 'GET',
        path: apiPrefix(apiVersion),
      });
      return (res.resources ?? []).some((r) => r.name === plural);
    } catch (err) {
      this.log.info(
        { api: apiVersion, err: errorMessage(err) },
        'optional API not served; its objects are not managed',
      );
      return false;
    }
  }
}

function controllerOwner(o: KubeObject): string | undefined {
  return o.metadata.ownerReferences?.find(
    (r) =>
      r.controller && r.kind === 'ChatService' && r.apiVersion === RESOURCES.ChatService.apiVersion,
  )?.name;
}

/** Anything but status (and bookkeeping) changed. */
export function specOrMetaChanged(a: KubeObject, b: KubeObject): boolean {
  if (a.metadata.generation !== b.metadata.generation) return true;
  const strip = (o: KubeObject) => {
    const { resourceVersion: _rv, managedFields: _mf, ...meta } = o.metadata;
    const { status: _s, metadata: _m, ...rest } = o as KubeObject & { status?: unknown };
    return JSON.stringify([meta, rest]);
  };
  return strip(a) !== strip(b);
}
