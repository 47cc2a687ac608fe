/**
 * A KubeClient that refuses writes unless a predicate allows them: the operator's
 * controllers, event recorder and webhook CA manager write through it with "am I the
 * leader?", so a replica that lost (or never had) the Lease cannot write even if some code
 * path forgot to check. Reads pass through.
 */
import type {
  ApplyOptions,
  DeleteOptions,
  KubeClient,
  ListOptions,
  PatchOptions,
  WatchOptions,
} from './kube/client.js';
import type { ResourceType } from './kube/resources.js';
import type { KubeObject, ObjectList, WatchEvent } from './kube/types.js';

export class NotLeaderError extends Error {
  constructor(what: string) {
    super(`refusing to ${what}: this replica is not the leader`);
    this.name = 'NotLeaderError';
  }
}

export class GuardedClient implements KubeClient {
  constructor(
    private readonly inner: KubeClient,
    private readonly mayWrite: () => boolean,
  ) {}

  get<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    return this.inner.get<T>(type, namespace, name);
  }

  list<T extends KubeObject>(type: ResourceType, opts?: ListOptions): Promise<ObjectList<T>> {
    return this.inner.list<T>(type, opts);
  }

  watch<T extends KubeObject>(
    type: ResourceType,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent<T>) => void,
  ): Promise<void> {
    return this.inner.watch<T>(type, opts, onEvent);
  }

  create<T extends KubeObject>(obj: T, opts?: { fieldManager?: string }): Promise<T> {
    this.check(`create ${obj.kind} ${obj.metadata.name}`);
    return this.inner.create(obj, opts);
  }

  replace<T extends KubeObject>(
    obj: T,
    opts?: { fieldManager?: string; subresource?: 'status' },
  ): Promise<T> {
    this.check(`update ${obj.kind} ${obj.metadata.name}`);
    return this.inner.replace(obj, opts);
  }

  apply<T extends KubeObject>(obj: T, opts: ApplyOptions): Promise<T> {
    this.check(`apply ${obj.kind} ${obj.metadata.name}`);
    return this.inner.apply(obj, opts);
  }

  patch<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
    name: string,
    patch: unknown,
    opts: PatchOptions,
  ): Promise<T> {
    this.check(`patch ${type.kind} ${name}`);
    return this.inner.patch<T>(type, namespace, name, patch, opts);
  }

  delete(
    type: ResourceType,
    namespace: string,
    name: string,
    opts?: DeleteOptions,
  ): Promise<boolean> {
    this.check(`delete ${type.kind} ${name}`);
    return this.inner.delete(type, namespace, name, opts);
  }

  private check(what: string): void {
    if (!this.mayWrite()) throw new NotLeaderError(what);
  }
}
