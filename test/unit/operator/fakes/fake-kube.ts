/**
 * An in-memory API server behind the KubeClient interface, for unit tests of the runtime
 * (informers, leader election, controllers). It keeps resourceVersions, an event history
 * with compaction (old resourceVersions answer 410), label selectors, pagination, optimistic
 * concurrency on PUT, and lets tests inject failures and stalls. Integration tests use the
 * real kube-apiserver instead.
 */
import type {
  ApplyOptions,
  DeleteOptions,
  KubeClient,
  ListOptions,
  WatchOptions,
} from '../../../../src/operator/runtime/kube/client.js';
import { ApiError } from '../../../../src/operator/runtime/kube/errors.js';
import type { ResourceType } from '../../../../src/operator/runtime/kube/resources.js';
import { resourceFor } from '../../../../src/operator/runtime/kube/resources.js';
import type {
  KubeObject,
  ObjectList,
  WatchEvent,
  WatchEventType,
} from '../../../../src/operator/runtime/kube/types.js';

export interface LoggedRequest {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'apply' | 'patch' | 'delete';
  kind: string;
  namespace: string;
  name: string;
  subresource?: string;
}

interface Watcher {
  type: ResourceType;
  namespace?: string;
  labelSelector?: string;
  push: (ev: WatchEvent<KubeObject>) => void;
  close: (err?: unknown) => void;
  stalled: boolean;
}

interface HistoryEntry {
  rv: number;
  type: WatchEventType;
  object: KubeObject;
}

const clone = <T>(v: T): T => structuredClone(v);

export class FakeKube implements KubeClient {
  readonly objects = new Map<string, KubeObject>();
  readonly requests: LoggedRequest[] = [];
  private rv = 100;
  private history: HistoryEntry[] = [];
  private readonly watchers = new Set<Watcher>();
  /** Oldest resourceVersion still in the history (older ones are "compacted": 410). */
  compactedBefore = 0;
  /** Queue of errors thrown by the next calls of a verb. */
  readonly failNext: Partial<Record<LoggedRequest['verb'], unknown[]>> = {};
  /** Delay (ms, real time) added to calls of a verb. */
  readonly delay: Partial<Record<LoggedRequest['verb'], number>> = {};
  private uid = 0;

  get resourceVersion(): number {
    return this.rv;
  }

  writes(): LoggedRequest[] {
    return this.requests.filter((r) => !['get', 'list', 'watch'].includes(r.verb));
  }

  /** Put an object in the store directly (as another client would), notifying watchers. */
  seed<T extends KubeObject>(obj: T): T {
    const existing = this.objects.get(this.key(obj));
    return this.store(clone(obj), existing ? 'MODIFIED' : 'ADDED');
  }

  remove(obj: KubeObject): void {
    const key = this.key(obj);
    const existing = this.objects.get(key);
    if (!existing) return;
    this.objects.delete(key);
    const rv = ++this.rv;
    const o = clone(existing);
    o.metadata.resourceVersion = String(rv);
    this.record(rv, 'DELETED', o);
  }

  /** Forget history up to now: watches from older resourceVersions get 410. */
  compact(): void {
    this.compactedBefore = this.rv + 1;
    this.history = [];
  }

  /** End every open watch as the server would at timeoutSeconds (clean close). */
  closeWatches(err?: unknown): void {
    for (const w of [...this.watchers]) w.close(err);
  }

  /** Send a bookmark to every open watch. */
  bookmark(): void {
    for (const w of this.watchers) {
      if (!w.stalled)
        w.push({
          type: 'BOOKMARK',
          object: {
            apiVersion: w.type.apiVersion,
            kind: w.type.kind,
            metadata: { name: '', resourceVersion: String(this.rv) },
          },
        });
    }
  }

  /** Make open watches go silent (a half-open connection). */
  stallWatches(): void {
    for (const w of this.watchers) w.stalled = true;
  }

  /** Send an ERROR event (e.g. 410 Expired) on every open watch. */
  errorWatches(code: number, reason: string): void {
    for (const w of this.watchers) {
      w.push({
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          code,
          reason,
          message: reason,
          metadata: { name: '' },
        } as unknown as KubeObject,
      });
    }
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  async get<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    await this.enter({ verb: 'get', kind: type.kind, namespace, name });
    const o = this.objects.get(this.pathKey(type, namespace, name));
    return o ? (clone(o) as T) : undefined;
  }

  async list<T extends KubeObject>(
    type: ResourceType,
    opts: ListOptions = {},
  ): Promise<ObjectList<T>> {
    await this.enter({ verb: 'list', kind: type.kind, namespace: opts.namespace ?? '', name: '' });
    const all = [...this.objects.values()]
      .filter((o) => this.matches(o, type, opts.namespace, opts.labelSelector))
      .sort((a, b) => this.key(a).localeCompare(this.key(b)));
    const start = opts.continue ? Number(opts.continue) : 0;
    const limit = opts.limit ?? all.length;
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : undefined;
    return {
      metadata: { resourceVersion: String(this.rv), continue: next },
      // Real lists omit apiVersion/kind on items.
      items: page.map((o) => {
        const c = clone(o) as Partial<KubeObject>;
        delete c.apiVersion;
        delete c.kind;
        return c as T;
      }),
    };
  }

  watch<T extends KubeObject>(
    type: ResourceType,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent<T>) => void,
  ): Promise<void> {
    this.requests.push({
      verb: 'watch',
      kind: type.kind,
      namespace: opts.namespace ?? '',
      name: '',
    });
    if (opts.signal.aborted) return Promise.reject(opts.signal.reason);
    const injected = this.failNext.watch?.shift();
    if (injected !== undefined) return Promise.reject(injected);
    const from = Number(opts.resourceVersion);
    if (opts.resourceVersion && from < this.compactedBefore - 1) {
      return Promise.reject(
        new ApiError(410, 'GET', type.plural, {
          kind: 'Status',
          code: 410,
          reason: 'Expired',
          message: 'too old resource version',
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const w: Watcher = {
        type,
        namespace: opts.namespace,
        labelSelector: opts.labelSelector,
        stalled: false,
        push: (ev) => {
          if (!w.stalled) onEvent(ev as WatchEvent<T>);
        },
        close: (err) => {
          this.watchers.delete(w);
          if (err) reject(err);
          else resolve();
        },
      };
      this.watchers.add(w);
      opts.signal.addEventListener(
        'abort',
        () => w.close(opts.signal.reason ?? new Error('aborted')),
        { once: true },
      );
      // Replay history after the requested resourceVersion.
      for (const h of this.history) {
        if (h.rv > from && this.matches(h.object, type, opts.namespace, opts.labelSelector))
          w.push({ type: h.type, object: clone(h.object) });
      }
    });
  }

  async create<T extends KubeObject>(obj: T): Promise<T> {
    await this.enter({
      verb: 'create',
      kind: obj.kind,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name,
    });
    if (this.objects.has(this.key(obj))) {
      throw new ApiError(409, 'POST', obj.kind, {
        kind: 'Status',
        code: 409,
        reason: 'AlreadyExists',
        message: `${obj.metadata.name} already exists`,
      });
    }
    return clone(this.store(clone(obj), 'ADDED'));
  }

  async replace<T extends KubeObject>(obj: T, opts: { subresource?: 'status' } = {}): Promise<T> {
    await this.enter({
      verb: 'update',
      kind: obj.kind,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name,
      subresource: opts.subresource,
    });
    const existing = this.objects.get(this.key(obj));
    if (!existing)
      throw new ApiError(404, 'PUT', obj.kind, {
        kind: 'Status',
        code: 404,
        reason: 'NotFound',
        message: 'not found',
      });
    if (
      obj.metadata.resourceVersion &&
      obj.metadata.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw new ApiError(409, 'PUT', obj.kind, {
        kind: 'Status',
        code: 409,
        reason: 'Conflict',
        message: 'the object has been modified',
      });
    }
    return clone(this.store(clone(obj), 'MODIFIED'));
  }

  async apply<T extends KubeObject>(obj: T, opts: ApplyOptions): Promise<T> {
    await this.enter({
      verb: 'apply',
      kind: obj.kind,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name,
      subresource: opts.subresource,
    });
    const existing = this.objects.get(this.key(obj));
    if (opts.subresource === 'status') {
      if (!existing)
        throw new ApiError(404, 'PATCH', obj.kind, {
          kind: 'Status',
          code: 404,
          reason: 'NotFound',
          message: 'not found',
        });
      const next = clone(existing);
      (next as Record<string, unknown>).status = clone((obj as Record<string, unknown>).status);
      return clone(this.store(next, 'MODIFIED', true)) as T;
    }
    const merged = existing ? deepMerge(clone(existing), clone(obj)) : clone(obj);
    return clone(this.store(merged as T, existing ? 'MODIFIED' : 'ADDED'));
  }

  async patch<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
    name: string,
    patch: unknown,
    opts: { subresource?: 'status' },
  ): Promise<T> {
    await this.enter({
      verb: 'patch',
      kind: type.kind,
      namespace,
      name,
      subresource: opts.subresource,
    });
    const existing = this.objects.get(this.pathKey(type, namespace, name));
    if (!existing)
      throw new ApiError(404, 'PATCH', type.kind, {
        kind: 'Status',
        code: 404,
        reason: 'NotFound',
        message: 'not found',
      });
    return clone(
      this.store(
        deepMerge(clone(existing), clone(patch)) as T,
        'MODIFIED',
        opts.subresource === 'status',
      ),
    );
  }

  async delete(
    type: ResourceType,
    namespace: string,
    name: string,
    _opts?: DeleteOptions,
  ): Promise<boolean> {
    await this.enter({ verb: 'delete', kind: type.kind, namespace, name });
    const existing = this.objects.get(this.pathKey(type, namespace, name));
    if (!existing) return false;
    this.remove(existing);
    return true;
  }

  private async enter(r: LoggedRequest): Promise<void> {
    this.requests.push(r);
    const ms = this.delay[r.verb];
    if (ms) await new Promise((res) => setTimeout(res, ms));
    const err = this.failNext[r.verb]?.shift();
    if (err !== undefined) throw err;
  }

  private store<T extends KubeObject>(obj: T, type: WatchEventType, statusOnly = false): T {
    const key = this.key(obj);
    const existing = this.objects.get(key);
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    obj.metadata.uid = existing?.metadata.uid ?? obj.metadata.uid ?? `uid-${++this.uid}`;
    obj.metadata.creationTimestamp =
      existing?.metadata.creationTimestamp ?? new Date().toISOString();
    const spec = (obj as Record<string, unknown>).spec;
    const oldSpec = existing ? (existing as Record<string, unknown>).spec : undefined;
    if (!existing) obj.metadata.generation = 1;
    else if (!statusOnly && JSON.stringify(spec) !== JSON.stringify(oldSpec))
      obj.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    else obj.metadata.generation = existing.metadata.generation;
    this.objects.set(key, obj);
    this.record(rv, type, obj);
    return obj;
  }

  private record(rv: number, type: WatchEventType, obj: KubeObject): void {
    const snapshot = clone(obj);
    this.history.push({ rv, type, object: snapshot });
    for (const w of this.watchers) {
      if (this.matches(snapshot, w.type, w.namespace, w.labelSelector))
        w.push({ type, object: clone(snapshot) });
    }
  }

  private matches(
    o: KubeObject,
    type: ResourceType,
    namespace?: string,
    labelSelector?: string,
  ): boolean {
    if (o.apiVersion !== type.apiVersion || o.kind !== type.kind) return false;
    if (namespace && o.metadata.namespace !== namespace) return false;
    if (labelSelector) {
      for (const term of labelSelector.split(',')) {
        const [k, v] = term.split('=');
        if (v === undefined) {
          if (!(k! in (o.metadata.labels ?? {}))) return false;
        } else if (o.metadata.labels?.[k!] !== v) return false;
      }
    }
    return true;
  }

  private key(o: KubeObject): string {
    const t = resourceFor(o.apiVersion, o.kind);
    return this.pathKey(t, o.metadata.namespace ?? '', o.metadata.name);
  }

  private pathKey(t: ResourceType, namespace: string, name: string): string {
    return `${t.apiVersion}/${t.kind}/${t.namespaced ? namespace : ''}/${name}`;
  }
}

function deepMerge(target: unknown, patch: unknown): unknown {
  if (patch === null) return undefined;
  if (
    typeof patch !== 'object' ||
    Array.isArray(patch) ||
    typeof target !== 'object' ||
    target === null ||
    Array.isArray(target)
  )
    return patch;
  const out = target as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    const merged = deepMerge(out[k], v);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}
