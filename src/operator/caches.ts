/**
 * The operator's informer caches, one set per watched namespace (or one cluster-wide set),
 * presented as one cache per resource type. Owned objects are cached through the label
 * app.kubernetes.io/managed-by=gms-operator only; Secrets are cached whole because
 * ChatServices and PushProviders reference Secrets the operator does not own.
 */
import type { Logger } from 'pino';
import type { ChatService, PushProvider } from '../api/types.js';
import { LABEL_CHAT_SERVICE, MANAGED_SELECTOR } from '../manifests/index.js';
import type { Clock } from './runtime/clock.js';
import type { EventHandler, InformerObserver } from './runtime/informer.js';
import { Informer, stripManagedFields } from './runtime/informer.js';
import { StringInterner } from './runtime/intern.js';
import type { KubeClient } from './runtime/kube/client.js';
import type { ResourceType } from './runtime/kube/resources.js';
import { RESOURCES } from './runtime/kube/resources.js';
import type { KubeObject } from './runtime/kube/types.js';

/** Index of the objects (and pods) of one ChatService: `<namespace>/<chatservice>`. */
export const INDEX_CHAT_SERVICE = 'byChatService';

function chatServiceOf(o: KubeObject): string[] {
  const cs = o.metadata.labels?.[LABEL_CHAT_SERVICE];
  return cs ? [`${o.metadata.namespace ?? ''}/${cs}`] : [];
}

/** One resource type over all watched namespaces. */
export class MultiInformer<T extends KubeObject> {
  readonly informers: Informer<T>[];

  constructor(informers: Informer<T>[]) {
    this.informers = informers;
  }

  get resource(): string {
    return this.informers[0]?.resource ?? '';
  }

  get(namespace: string, name: string): T | undefined {
    for (const i of this.informers) {
      const o = i.get(namespace, name);
      if (o) return o;
    }
    return undefined;
  }

  list(namespace?: string): T[] {
    return this.informers.flatMap((i) => i.list(namespace));
  }

  byIndex(name: string, value: string): T[] {
    return this.informers.flatMap((i) => i.byIndex(name, value));
  }

  addIndex(name: string, fn: (obj: T) => string[]): void {
    for (const i of this.informers) i.addIndex(name, fn);
  }

  addHandler(h: EventHandler<T>): void {
    for (const i of this.informers) i.addHandler(h);
  }

  hasSynced(): boolean {
    return this.informers.every((i) => i.hasSynced());
  }

  get size(): number {
    return this.informers.reduce((n, i) => n + i.size, 0);
  }

  start(): void {
    for (const i of this.informers) i.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.stop()));
  }
}

/**
 * Secret types that can never hold a GMS credential: their data is dropped from the cache
 * (Helm keeps every release, compressed, in a Secret; service-account tokens and registry
 * credentials are common and sizeable). References to them still resolve by name.
 */
const NON_CREDENTIAL_SECRET_TYPES = new Set([
  'helm.sh/release.v1',
  'kubernetes.io/service-account-token',
  'kubernetes.io/dockerconfigjson',
  'kubernetes.io/dockercfg',
  'bootstrap.kubernetes.io/token',
]);

function stripSecret<T extends KubeObject>(s: T): T {
  stripManagedFields(s);
  if (!NON_CREDENTIAL_SECRET_TYPES.has(String((s as { type?: unknown }).type))) return s;
  // A copy without `data` rather than `delete` (which leaves a larger hash-table object).
  const { data: _data, ...rest } = s as T & { data?: unknown };
  return rest as T;
}

export interface CacheOptions {
  client: KubeClient;
  /** Watched namespaces; empty = all. */
  namespaces: readonly string[];
  resyncPeriodMs: number;
  /** Whether the HTTPRoute API is served (Gateway API CRDs installed). */
  httpRoutes: boolean;
  logger?: Logger;
  observer?: InformerObserver;
  clock?: Clock;
  stallTimeoutMs?: number;
}

export class Caches {
  readonly chatServices: MultiInformer<ChatService & KubeObject>;
  readonly pushProviders: MultiInformer<PushProvider & KubeObject>;
  readonly secrets: MultiInformer<KubeObject>;
  readonly configMaps: MultiInformer<KubeObject>;
  readonly services: MultiInformer<KubeObject>;
  readonly statefulSets: MultiInformer<KubeObject>;
  /** The load balancers the operator runs (spec.expose.mode nginx | haproxy | apache). */
  readonly deployments: MultiInformer<KubeObject>;
  readonly podDisruptionBudgets: MultiInformer<KubeObject>;
  readonly pods: MultiInformer<KubeObject>;
  readonly ingresses: MultiInformer<KubeObject>;
  readonly httpRoutes: MultiInformer<KubeObject> | undefined;
  private readonly all: MultiInformer<KubeObject>[];

  /** Shared string copies for every cache but Secrets (runtime/intern.ts). */
  readonly interner = new StringInterner();

  constructor(private readonly opts: CacheOptions) {
    // Objects are cached without managedFields, with their strings shared across the caches.
    // Secrets are not interned: credential values should not outlive their Secret in a table.
    const shared = <T extends KubeObject>(o: T): T => this.interner.object(stripManagedFields(o));
    const make = <T extends KubeObject>(
      type: ResourceType,
      labelSelector?: string,
      resync = true,
      transform: (o: T) => T = shared,
    ) =>
      new MultiInformer<T>(
        (opts.namespaces.length > 0 ? opts.namespaces : ['']).map(
          (namespace) =>
            new Informer<T>({
              client: opts.client,
              type,
              namespace,
              labelSelector,
              resyncPeriodMs: resync ? opts.resyncPeriodMs : 0,
              logger: opts.logger,
              observer: opts.observer,
              clock: opts.clock,
              stallTimeoutMs: opts.stallTimeoutMs,
              transform,
            }),
        ),
      );
    // Only the ChatService informer resyncs: a resync re-queues every ChatService, which is
    // what periodic reconciliation means; resyncing the others would queue the same keys again.
    this.chatServices = make(RESOURCES.ChatService);
    this.pushProviders = make(RESOURCES.PushProvider, undefined, false);
    this.secrets = make(RESOURCES.Secret, undefined, false, stripSecret);
    this.configMaps = make(RESOURCES.ConfigMap, MANAGED_SELECTOR, false);
    this.services = make(RESOURCES.Service, MANAGED_SELECTOR, false);
    this.statefulSets = make(RESOURCES.StatefulSet, MANAGED_SELECTOR, false);
    this.deployments = make(RESOURCES.Deployment, MANAGED_SELECTOR, false);
    this.podDisruptionBudgets = make(RESOURCES.PodDisruptionBudget, MANAGED_SELECTOR, false);
    this.pods = make(RESOURCES.Pod, MANAGED_SELECTOR, false);
    this.ingresses = make(RESOURCES.Ingress, MANAGED_SELECTOR, false);
    this.httpRoutes = opts.httpRoutes
      ? make(RESOURCES.HTTPRoute, MANAGED_SELECTOR, false)
      : undefined;
    // A reconcile looks up its own objects through this index, never by scanning a namespace:
    // with 1,000 ChatServices a scan per reconcile would be O(n^2) work and garbage.
    for (const c of [this.secrets, this.pods, ...this.owned()])
      c.addIndex(INDEX_CHAT_SERVICE, chatServiceOf);
    this.all = [
      this.chatServices,
      this.pushProviders,
      this.secrets,
      this.configMaps,
      this.services,
      this.statefulSets,
      this.deployments,
      this.podDisruptionBudgets,
      this.pods,
      this.ingresses,
      ...(this.httpRoutes ? [this.httpRoutes] : []),
    ] as MultiInformer<KubeObject>[];
  }

  /** The cache holding objects of this kind, if the operator caches it. */
  forKind(kind: string): MultiInformer<KubeObject> | undefined {
    switch (kind) {
      case 'ConfigMap':
        return this.configMaps;
      case 'Secret':
        return this.secrets;
      case 'Service':
        return this.services;
      case 'StatefulSet':
        return this.statefulSets;
      case 'Deployment':
        return this.deployments;
      case 'PodDisruptionBudget':
        return this.podDisruptionBudgets;
      case 'Ingress':
        return this.ingresses;
      case 'HTTPRoute':
        return this.httpRoutes;
      default:
        return undefined;
    }
  }

  /** Owned-object caches (everything the operator applies), for event routing. */
  owned(): MultiInformer<KubeObject>[] {
    return [
      this.configMaps,
      this.services,
      this.statefulSets,
      this.deployments,
      this.podDisruptionBudgets,
      this.ingresses,
      ...(this.httpRoutes ? [this.httpRoutes] : []),
    ];
  }

  start(): void {
    for (const i of this.all) i.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((i) => i.stop()));
  }

  hasSynced(): boolean {
    return this.all.every((i) => i.hasSynced());
  }

  /** Resolves once every informer has listed (controller-runtime's WaitForCacheSync). */
  async waitForSync(): Promise<void> {
    await Promise.all(this.all.flatMap((c) => c.informers.map((i) => i.waitForSync())));
  }

  /** Informers not synced yet (for /readyz messages). */
  unsynced(): string[] {
    return this.all.filter((i) => !i.hasSynced()).map((i) => i.resource);
  }

  get objectCount(): number {
    return this.all.reduce((n, i) => n + i.size, 0);
  }
}
