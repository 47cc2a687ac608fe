/**
 * The API operations the runtime needs, as an interface (so unit tests can run the runtime
 * against an in-memory fake) and its HTTP implementation over KubeTransport.
 */
import type { ResourceType } from './resources.js';
import { resourceFor, resourcePath } from './resources.js';
import type { KubeTransport } from './transport.js';
import { ApiError, isNotFound } from './errors.js';
import type { KubeObject, ObjectList, WatchEvent } from './types.js';

export const APPLY_PATCH = 'application/apply-patch+yaml';
export const MERGE_PATCH = 'application/merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  signal?: AbortSignal;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion: string;
  /** Server-side watch duration (client-go picks 5-10 min at random). */
  timeoutSeconds: number;
  /** Longest silence on the stream before it is treated as dead. */
  stallTimeoutMs: number;
  signal: AbortSignal;
}

export interface ApplyOptions {
  fieldManager: string;
  force?: boolean;
  subresource?: 'status';
  dryRun?: boolean;
}

/** A PATCH; `contentType` is its format (MERGE_PATCH, JSON_PATCH). */
export interface PatchOptions {
  contentType: string;
  fieldManager?: string;
  subresource?: 'status';
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** A line of the watch stream that is not valid JSON: the stream cannot be trusted further. */
export class WatchDecodeError extends Error {
  constructor(line: string) {
    super(`undecodable watch event: ${line.slice(0, 120)}`);
    this.name = 'WatchDecodeError';
  }
}

export interface KubeClient {
  get<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
    name: string,
  ): Promise<T | undefined>;
  list<T extends KubeObject>(type: ResourceType, opts?: ListOptions): Promise<ObjectList<T>>;
  /**
   * Streams watch events to onEvent until the server closes the stream (resolves) or it fails
   * (rejects: ApiError for HTTP errors, WatchDecodeError, network or stall errors).
   */
  watch<T extends KubeObject>(
    type: ResourceType,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent<T>) => void,
  ): Promise<void>;
  create<T extends KubeObject>(obj: T, opts?: { fieldManager?: string }): Promise<T>;
  /** PUT; obj.metadata.resourceVersion makes it a compare-and-swap. */
  replace<T extends KubeObject>(
    obj: T,
    opts?: { fieldManager?: string; subresource?: 'status' },
  ): Promise<T>;
  /** Server-side apply (PATCH application/apply-patch+yaml). */
  apply<T extends KubeObject>(obj: T, opts: ApplyOptions): Promise<T>;
  patch<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
    name: string,
    patch: unknown,
    opts: PatchOptions,
  ): Promise<T>;
  /** Resolves false when the object was already gone. */
  delete(
    type: ResourceType,
    namespace: string,
    name: string,
    opts?: DeleteOptions,
  ): Promise<boolean>;
}

export class HttpKubeClient implements KubeClient {
  constructor(readonly transport: KubeTransport) {}

  async get<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    try {
      return await this.transport.request<T>({
        method: 'GET',
        path: resourcePath(type, namespace, name),
      });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  list<T extends KubeObject>(type: ResourceType, opts: ListOptions = {}): Promise<ObjectList<T>> {
    return this.transport.request<ObjectList<T>>({
      method: 'GET',
      path: resourcePath(type, opts.namespace),
      query: {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
        resourceVersion: opts.resourceVersion,
      },
      signal: opts.signal,
      timeoutMs: 60_000,
    });
  }

  async watch<T extends KubeObject>(
    type: ResourceType,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent<T>) => void,
  ): Promise<void> {
    const res = await this.transport.stream({
      method: 'GET',
      path: resourcePath(type, opts.namespace),
      query: {
        watch: true,
        allowWatchBookmarks: true,
        resourceVersion: opts.resourceVersion,
        timeoutSeconds: opts.timeoutSeconds,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
      },
      signal: opts.signal,
      bodyTimeoutMs: opts.stallTimeoutMs,
    });
    // Newline-delimited JSON. Unlike client-node's Watch (which skips lines it cannot parse,
    // dist/watch.js "ignore parse errors"), a bad line ends the stream with an error, so the
    // informer re-watches from the last good resourceVersion and the event is not lost.
    let rest = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      rest += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, nl).trim();
        rest = rest.slice(nl + 1);
        if (!line) continue;
        let ev: WatchEvent<T>;
        try {
          ev = JSON.parse(line) as WatchEvent<T>;
        } catch {
          res.body.destroy();
          throw new WatchDecodeError(line);
        }
        onEvent(ev);
      }
    }
    if (rest.trim()) throw new WatchDecodeError(rest);
  }

  create<T extends KubeObject>(obj: T, opts: { fieldManager?: string } = {}): Promise<T> {
    const type = resourceFor(obj.apiVersion, obj.kind);
    return this.transport.request<T>({
      method: 'POST',
      path: resourcePath(type, obj.metadata.namespace),
      query: { fieldManager: opts.fieldManager },
      body: obj,
    });
  }

  replace<T extends KubeObject>(
    obj: T,
    opts: { fieldManager?: string; subresource?: 'status' } = {},
  ): Promise<T> {
    const type = resourceFor(obj.apiVersion, obj.kind);
    return this.transport.request<T>({
      method: 'PUT',
      path: resourcePath(type, obj.metadata.namespace, obj.metadata.name, opts.subresource),
      query: { fieldManager: opts.fieldManager },
      body: obj,
    });
  }

  apply<T extends KubeObject>(obj: T, opts: ApplyOptions): Promise<T> {
    const type = resourceFor(obj.apiVersion, obj.kind);
    return this.transport.request<T>({
      method: 'PATCH',
      path: resourcePath(type, obj.metadata.namespace, obj.metadata.name, opts.subresource),
      query: {
        fieldManager: opts.fieldManager,
        force: opts.force,
        dryRun: opts.dryRun ? 'All' : undefined,
      },
      body: obj,
      contentType: APPLY_PATCH,
    });
  }

  patch<T extends KubeObject>(
    type: ResourceType,
    namespace: string,
    name: string,
    patch: unknown,
    opts: PatchOptions,
  ): Promise<T> {
    return this.transport.request<T>({
      method: 'PATCH',
      path: resourcePath(type, namespace, name, opts.subresource),
      query: { fieldManager: opts.fieldManager },
      body: patch,
      contentType: opts.contentType,
    });
  }

  async delete(
    type: ResourceType,
    namespace: string,
    name: string,
    opts: DeleteOptions = {},
  ): Promise<boolean> {
    try {
      await this.transport.request({
        method: 'DELETE',
        path: resourcePath(type, namespace, name),
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          propagationPolicy: opts.propagationPolicy,
          preconditions: opts.preconditions,
        },
      });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}

export { ApiError };
