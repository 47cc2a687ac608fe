/**
 * An informer: a local cache of one resource type kept current by list + watch, with event
 * handlers and indexes (client-go's Reflector + SharedIndexInformer, in small).
 *
 * Why not client-node's makeInformer/ListWatch (docs/adr, client-node 2.x):
 * - ListWatch stops for good on any error other than 410 and its own timeout, emitting
 *   `error` and leaving the caller to call start() again (kubernetes-client/javascript#1496
 *   ECONNRESET, #364 and #958 informers silently stop, #795 restart semantics, #1933 restart
 *   storms). Here every error restarts the loop after jittered exponential backoff
 *   (800 ms -> 30 s, as client-go's reflector).
 * - Its Watch aborts a watch after 30 s without data (requestTimeoutMs, an inactivity timer
 *   since #3020/#3022 in 2.0.1) and asks for no bookmarks, so every quiet watch is torn down
 *   and reopened twice a minute. Here watches ask for bookmarks (allowWatchBookmarks; the
 *   API server sends one about every minute, cf. nolar/kopf#1268) and a watchdog restarts a
 *   watch that is silent for stallTimeoutMs (default 90 s) - a half-open TCP connection
 *   (kubernetes-client/javascript#596) is detected within that bound. A quiet resource may
 *   get no bookmark for longer (see run()); the restart then resumes from the same
 *   resourceVersion, without a relist, and is not logged as a failure.
 * - Its list is not paginated and there is no resync; here lists are paged (limit 500) and a
 *   periodic resync re-delivers every cached object to the handlers (controller-runtime's
 *   SyncPeriod; no API call), so a missed edge never leaves an object unreconciled.
 * - 410 Gone (HTTP status or an ERROR event with code 410) clears the resourceVersion and
 *   relists; objects that disappeared meanwhile are delivered as deletes.
 * - managedFields are stripped before caching (controller-runtime's
 *   TransformStripManagedFields): they are most of an object's bytes and never read here.
 */
import type { Logger } from 'pino';
import { Backoff } from './backoff.js';
import type { Clock, Timer } from './clock.js';
import { realClock } from './clock.js';
import type { KubeClient } from './kube/client.js';
import { ApiError, errorMessage, isGone } from './kube/errors.js';
import type { ResourceType } from './kube/resources.js';
import type { KubeObject, WatchEvent } from './kube/types.js';
import { keyOf } from './kube/types.js';

export interface EventHandler<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

export interface InformerObserver {
  listed?(resource: string, items: number, pages: number): void;
  watchStarted?(resource: string): void;
  watchEnded?(resource: string, err: unknown, delayMs: number): void;
  relist?(resource: string, reason: string): void;
  resync?(resource: string, items: number): void;
}

export interface InformerOptions<T extends KubeObject> {
  client: KubeClient;
  type: ResourceType;
  /** '' or undefined: all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Re-deliver every cached object to onUpdate this often (0: never). Jittered by ±10 %. */
  resyncPeriodMs?: number;
  pageSize?: number;
  /** A watch silent for this long (no event, no bookmark) is restarted. */
  stallTimeoutMs?: number;
  /** Server-side watch timeout is picked in [min, 2*min) seconds, as client-go does. */
  minWatchTimeoutSeconds?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Applied to every object before it is cached (default: drop managedFields). */
  transform?: (obj: T) => T;
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
  observer?: InformerObserver;
}

/** A watch that ends this soon after it started, with no event, counts as a failure. */
const SHORT_WATCH_MS = 1000;

export class WatchStalledError extends Error {
  constructor(ms: number) {
    super(`watch received nothing (not even a bookmark) for ${ms} ms`);
    this.name = 'WatchStalledError';
  }
}

/** kubectl's client-side apply keeps a full copy of the object in this annotation. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Default cache transform: drop managedFields and kubectl's last-applied copy, which together
 * are often more than half an object's bytes and are never read by the operator.
 *
 * The metadata (and annotations) are rebuilt without those keys rather than `delete`d: a
 * `delete` turns a V8 object into a hash-table ("dictionary mode") object, several times the
 * size of the compact one JSON.parse made. With 7,000 cached objects that was ~4 MB of
 * property tables in a heap snapshot (docs/adr/0018).
 */
export function stripManagedFields<T extends KubeObject>(obj: T): T {
  const meta = obj.metadata;
  if (!meta) return obj;
  const annotations = meta.annotations;
  const lastApplied = annotations?.[LAST_APPLIED_ANNOTATION] !== undefined;
  if (meta.managedFields === undefined && !lastApplied) return obj;
  const { managedFields: _managedFields, ...rest } = meta;
  if (lastApplied) {
    const { [LAST_APPLIED_ANNOTATION]: _lastApplied, ...kept } = annotations!;
    rest.annotations = kept;
  }
  obj.metadata = rest;
  return obj;
}

export class Informer<T extends KubeObject> {
  readonly resource: string;
  private readonly store = new Map<string, T>();
  private readonly handlers: EventHandler<T>[] = [];
  private readonly indexes = new Map<
    string,
    { fn: (obj: T) => string[]; map: Map<string, Set<string>> }
  >();
  private resourceVersion = '';
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];
  private stopped = true;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private resyncTimer: Timer | undefined;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly backoff: Backoff;
  private readonly transform: (obj: T) => T;

  constructor(private readonly opts: InformerOptions<T>) {
    this.resource = opts.namespace ? `${opts.type.plural}(${opts.namespace})` : opts.type.plural;
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.transform = opts.transform ?? stripManagedFields;
    this.backoff = new Backoff({
      initialMs: opts.backoffInitialMs ?? 800,
      maxMs: opts.backoffMaxMs ?? 30_000,
      jitter: 1,
      random: this.random,
    });
  }

  addHandler(h: EventHandler<T>): void {
    this.handlers.push(h);
    // A handler added after the first list sees the cache as adds (client-go does the same).
    if (this.synced) for (const obj of this.store.values()) this.call(() => h.onAdd?.(obj));
  }

  /** Index objects by fn(obj) values; look them up with byIndex(name, value). */
  addIndex(name: string, fn: (obj: T) => string[]): void {
    const map = new Map<string, Set<string>>();
    for (const [key, obj] of this.store) for (const v of fn(obj)) addTo(map, v, key);
    this.indexes.set(name, { fn, map });
  }

  byIndex(name: string, value: string): T[] {
    const idx = this.indexes.get(name);
    if (!idx) throw new Error(`no index ${name} on ${this.resource}`);
    const keys = idx.map.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.store.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  get(namespace: string, name: string): T | undefined {
    return this.store.get(namespace ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): T | undefined {
    return this.store.get(key);
  }

  list(namespace?: string): T[] {
    const all = [...this.store.values()];
    return namespace ? all.filter((o) => o.metadata.namespace === namespace) : all;
  }

  get size(): number {
    return this.store.size;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  get lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Resolves once the first list has filled the cache. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.syncWaiters.push(resolve);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
    this.scheduleResync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.resyncTimer?.cancel();
    this.abort?.abort(new Error('informer stopped'));
    await this.loop;
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let delay = 0;
      try {
        if (!this.resourceVersion) await this.listAndReplace(signal);
        const started = this.clock.now();
        const events = await this.watchOnce(signal);
        if (events === 0 && this.clock.now() - started < SHORT_WATCH_MS) {
          throw new Error('watch closed immediately without events');
        }
        this.backoff.reset();
        this.opts.observer?.watchEnded?.(this.resource, undefined, 0);
      } catch (err) {
        if (signal.aborted) break;
        // Routine on a quiet resource, not a failure: kube-apiserver sends a watcher a
        // bookmark only once its watch cache has seen a newer resourceVersion
        // (k8s.io/apiserver pkg/storage/cacher, cacheWatcher.process), and on a resource
        // nobody writes that waits for etcd's progress notifications, which may come every
        // few minutes (measured here: the first bookmark of a quiet watch after ~2 min).
        // The watch resumes from the same resourceVersion (no relist) after a short jitter,
        // counted (watch restarts, reason "stalled") and logged at debug only.
        const quiet = err instanceof WatchStalledError;
        if (isGone(err)) {
          // The resourceVersion fell out of the etcd compaction window: start over from a
          // fresh list. A short jittered pause keeps many informers from relisting at once.
          this.resourceVersion = '';
          this.opts.observer?.relist?.(this.resource, 'expired');
          delay = Math.round(this.random() * 1000);
        } else if (quiet) {
          this.backoff.reset();
          delay = Math.round(this.random() * 1000);
        } else {
          delay = this.backoff.next();
        }
        this.opts.observer?.watchEnded?.(this.resource, err, delay);
        if (quiet) {
          this.opts.logger?.debug(
            { resource: this.resource, resourceVersion: this.resourceVersion, retryInMs: delay },
            're-watching a watch that was quiet for the stall bound',
          );
        } else {
          this.opts.logger?.warn(
            { resource: this.resource, err: errorMessage(err), retryInMs: delay },
            'list/watch failed; retrying',
          );
        }
      }
      if (delay > 0) {
        try {
          await this.clock.sleep(delay, signal);
        } catch {
          break;
        }
      }
    }
  }

  private async listAndReplace(signal: AbortSignal): Promise<void> {
    const fresh = new Map<string, T>();
    let cont: string | undefined;
    let rv: string;
    let pages = 0;
    do {
      const page = await this.opts.client.list<T>(this.opts.type, {
        namespace: this.opts.namespace,
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
        limit: this.opts.pageSize ?? 500,
        continue: cont,
        signal,
      });
      pages++;
      for (const item of page.items ?? []) {
        // Lists omit apiVersion/kind on items; put them back so handlers see whole objects.
        item.apiVersion ??= this.opts.type.apiVersion;
        item.kind ??= this.opts.type.kind;
        const obj = this.transform(item);
        fresh.set(keyOf(obj.metadata), obj);
      }
      rv = page.metadata?.resourceVersion ?? '';
      cont = page.metadata?.continue || undefined;
    } while (cont);
    if (signal.aborted) return;
    // Replace the store: deletes for what vanished, adds/updates for the rest.
    for (const [key, old] of this.store) {
      if (!fresh.has(key)) this.remove(key, old);
    }
    for (const obj of fresh.values()) this.upsert(obj);
    this.resourceVersion = rv;
    this.opts.observer?.listed?.(this.resource, fresh.size, pages);
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private async watchOnce(signal: AbortSignal): Promise<number> {
    const stallMs = this.opts.stallTimeoutMs ?? 90_000;
    const local = new AbortController();
    const onAbort = (): void => local.abort(signal.reason);
    if (signal.aborted) throw signal.reason;
    signal.addEventListener('abort', onAbort, { once: true });
    let watchdog: Timer | undefined;
    let stalled = false;
    const arm = (): void => {
      watchdog?.cancel();
      watchdog = this.clock.after(stallMs, () => {
        stalled = true;
        local.abort(new WatchStalledError(stallMs));
      });
    };
    let events = 0;
    let failure: unknown;
    const min = this.opts.minWatchTimeoutSeconds ?? 300;
    try {
      arm();
      this.opts.observer?.watchStarted?.(this.resource);
      await this.opts.client.watch<T>(
        this.opts.type,
        {
          namespace: this.opts.namespace,
          labelSelector: this.opts.labelSelector,
          fieldSelector: this.opts.fieldSelector,
          resourceVersion: this.resourceVersion,
          timeoutSeconds: Math.floor(min * (1 + this.random())),
          stallTimeoutMs: stallMs,
          signal: local.signal,
        },
        (ev) => {
          if (failure !== undefined || local.signal.aborted) return;
          arm();
          events++;
          try {
            this.handleEvent(ev);
          } catch (err) {
            failure = err;
            local.abort(err);
          }
        },
      );
    } catch (err) {
      if (failure === undefined) failure = stalled ? new WatchStalledError(stallMs) : err;
    } finally {
      watchdog?.cancel();
      signal.removeEventListener('abort', onAbort);
    }
    if (failure !== undefined) throw failure;
    return events;
  }

  private handleEvent(ev: WatchEvent<T>): void {
    switch (ev.type) {
      case 'ADDED':
      case 'MODIFIED': {
        ev.object.apiVersion ??= this.opts.type.apiVersion;
        ev.object.kind ??= this.opts.type.kind;
        const obj = this.transform(ev.object);
        this.upsert(obj);
        this.resourceVersion = obj.metadata.resourceVersion ?? this.resourceVersion;
        return;
      }
      case 'DELETED': {
        this.remove(keyOf(ev.object.metadata), this.transform(ev.object));
        this.resourceVersion = ev.object.metadata.resourceVersion ?? this.resourceVersion;
        return;
      }
      case 'BOOKMARK':
        this.resourceVersion = ev.object.metadata?.resourceVersion ?? this.resourceVersion;
        return;
      case 'ERROR': {
        const status = ev.object as unknown as { code?: number; reason?: string; message?: string };
        throw new ApiError(status.code ?? 500, 'WATCH', this.resource, {
          kind: 'Status',
          code: status.code,
          reason: status.reason,
          message: status.message,
        });
      }
      default:
        throw new Error(`unknown watch event type ${String((ev as { type: unknown }).type)}`);
    }
  }

  private upsert(obj: T): void {
    const key = keyOf(obj.metadata);
    const old = this.store.get(key);
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) return;
    this.store.set(key, obj);
    this.reindex(key, old, obj);
    if (old) {
      for (const h of this.handlers) this.call(() => h.onUpdate?.(old, obj));
    } else {
      for (const h of this.handlers) this.call(() => h.onAdd?.(obj));
    }
  }

  private remove(key: string, fallback?: T): void {
    const old = this.store.get(key);
    if (old) {
      this.store.delete(key);
      this.reindex(key, old, undefined);
    }
    const obj = old ?? fallback;
    if (!obj) return;
    for (const h of this.handlers) this.call(() => h.onDelete?.(obj));
  }

  private reindex(key: string, old: T | undefined, obj: T | undefined): void {
    for (const { fn, map } of this.indexes.values()) {
      if (old) for (const v of fn(old)) removeFrom(map, v, key);
      if (obj) for (const v of fn(obj)) addTo(map, v, key);
    }
  }

  private scheduleResync(): void {
    const period = this.opts.resyncPeriodMs ?? 0;
    if (period <= 0 || this.stopped) return;
    const jittered = period * (0.9 + 0.2 * this.random());
    this.resyncTimer = this.clock.after(jittered, () => {
      if (this.stopped) return;
      if (this.synced) {
        for (const obj of this.store.values()) {
          for (const h of this.handlers) this.call(() => h.onUpdate?.(obj, obj));
        }
        this.opts.observer?.resync?.(this.resource, this.store.size);
      }
      this.scheduleResync();
    });
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.opts.logger?.error(
        { resource: this.resource, err: errorMessage(err) },
        'event handler failed',
      );
    }
  }
}

function addTo(map: Map<string, Set<string>>, value: string, key: string): void {
  let s = map.get(value);
  if (!s) map.set(value, (s = new Set()));
  s.add(key);
}

function removeFrom(map: Map<string, Set<string>>, value: string, key: string): void {
  const s = map.get(value);
  if (!s) return;
  s.delete(key);
  if (s.size === 0) map.delete(value);
}
