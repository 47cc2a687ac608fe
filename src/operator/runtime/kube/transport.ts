/**
 * HTTP transport to the API server, on @kubernetes/client-node 2.x (docs/adr: client-node 2.x).
 *
 * What comes from client-node: KubeConfig (kubeconfig files, in-cluster service account,
 * exec/OIDC/token-file authenticators) and the undici dispatcher it builds for the cluster's
 * TLS, proxy and SNI settings. What this file adds, and why:
 *
 * - One dispatcher for the life of the process. client-node 2.0.1's
 *   KubeConfig.applySecurityAuthentication() builds a new undici Agent on every call
 *   (dist/config.js createDispatcher), i.e. a new TCP+TLS connection per request; only the
 *   https.Agent path got a cache (kubernetes-client/javascript#2893). We keep the first
 *   dispatcher and refresh only the auth headers (every authRefreshMs, and at once on a 401),
 *   which is what client-go does for rotating service-account tokens.
 * - Client-side QPS/burst (client-go's rest.Config QPS/Burst), so 1,000 ChatServices created
 *   at once queue here instead of tripping API priority and fairness.
 * - Plain JSON in and out: the generated model classes' serializer drops fields it does not
 *   know and turns timestamps into Date objects, which breaks server-side apply of objects
 *   with newer fields and the "compare before apply" check.
 * - Every request is reported to observers (metrics rest_client_requests_total, and the tests
 *   that count write calls).
 */
// The request context class from its own small module, not client-node's entry point (which
// loads every generated API and model class; see ./kubeconfig.ts and docs/adr/0018).
import { HttpMethod, RequestContext } from '@kubernetes/client-node/dist/gen/http/http.js';
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import type { Clock } from '../clock.js';
import { realClock } from '../clock.js';
import { TokenBucket } from '../ratelimit.js';
import { ApiError } from './errors.js';
import type { ApiStatus } from './errors.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'apply' | 'delete';

export const WRITE_VERBS: ReadonlySet<Verb> = new Set([
  'create',
  'update',
  'patch',
  'apply',
  'delete',
]);

export interface RequestInfo {
  verb: Verb;
  method: string;
  path: string;
  /** Plural resource name (e.g. configmaps), '' for non-resource paths. */
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** HTTP status; 0 when the request failed before a response. */
  code: number;
  durationMs: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TransportOptions {
  /** Client-side request rate (watches are exempt, as in client-go). */
  qps?: number;
  burst?: number;
  /** Whole-request timeout for non-watch calls. */
  timeoutMs?: number;
  /** How long auth headers are reused before the authenticators are asked again. */
  authRefreshMs?: number;
  userAgent?: string;
  clock?: Clock;
}

interface Auth {
  headers: Record<string, string>;
  at: number;
}

export class KubeTransport {
  readonly origin: string;
  private readonly basePath: string;
  private dispatcher: Dispatcher | undefined;
  private auth: Auth | undefined;
  private authPending: Promise<Auth> | undefined;
  private readonly bucket: TokenBucket | undefined;
  private readonly timeoutMs: number;
  private readonly authRefreshMs: number;
  private readonly userAgent: string;
  private readonly clock: Clock;
  private readonly observers: ((info: RequestInfo) => void)[] = [];

  constructor(
    private readonly kc: KubeConfig,
    opts: TransportOptions = {},
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const url = new URL(cluster.server);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.clock = opts.clock ?? realClock;
    this.bucket =
      opts.qps && opts.qps > 0
        ? new TokenBucket(opts.qps, opts.burst ?? opts.qps * 2, this.clock)
        : undefined;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.authRefreshMs = opts.authRefreshMs ?? 60_000;
    this.userAgent = opts.userAgent ?? 'gms-operator';
  }

  /** Register an observer of every request (metrics, request counting in tests). */
  observe(fn: (info: RequestInfo) => void): () => void {
    this.observers.push(fn);
    return () => {
      const i = this.observers.indexOf(fn);
      if (i >= 0) this.observers.splice(i, 1);
    };
  }

  /** A request whose JSON response is returned; non-2xx statuses throw ApiError. */
  async request<T = unknown>(req: HttpRequest): Promise<T> {
    if (this.bucket) {
      const wait = this.bucket.reserve();
      if (wait > 0) await this.clock.sleep(wait, req.signal);
    }
    const signal = anySignal(req.signal, AbortSignal.timeout(req.timeoutMs ?? this.timeoutMs));
    const res = await this.send(req, signal, false);
    const text = await res.body.text();
    if (res.statusCode >= 400) throw toApiError(res.statusCode, req, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * A streaming GET (watch). bodyTimeoutMs is the longest silence tolerated between two
   * chunks: with bookmarks every minute, a longer silence means a dead connection.
   */
  async stream(req: HttpRequest & { bodyTimeoutMs: number }): Promise<Dispatcher.ResponseData> {
    const res = await this.send(req, req.signal, true, req.bodyTimeoutMs);
    if (res.statusCode >= 400) {
      const text = await res.body.text().catch(() => '');
      throw toApiError(res.statusCode, req, text);
    }
    return res;
  }

  /** Close pooled connections (shutdown). */
  async close(): Promise<void> {
    await this.dispatcher?.close().catch(() => undefined);
  }

  private async send(
    req: HttpRequest,
    signal: AbortSignal | undefined,
    streaming: boolean,
    bodyTimeoutMs?: number,
  ): Promise<Dispatcher.ResponseData> {
    const started = this.clock.now();
    let code: number | undefined;
    try {
      for (let attempt = 0; ; attempt++) {
        const auth = await this.getAuth(attempt > 0);
        const headers: Record<string, string> = {
          ...auth.headers,
          accept: 'application/json',
          'user-agent': this.userAgent,
        };
        let body: string | undefined;
        if (req.body !== undefined) {
          body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
          headers['content-type'] = req.contentType ?? 'application/json';
        }
        const res = await this.getDispatcher().request({
          origin: this.origin,
          path: this.basePath + req.path + queryString(req.query),
          method: req.method,
          headers,
          body,
          signal,
          headersTimeout: this.timeoutMs,
          bodyTimeout: streaming ? (bodyTimeoutMs ?? 0) : this.timeoutMs,
        });
        code = res.statusCode;
        // A rotated token (bound service-account tokens rotate hourly): refresh once and retry.
        if (res.statusCode === 401 && attempt === 0) {
          await res.body.dump().catch(() => undefined);
          continue;
        }
        return res;
      }
    } finally {
      this.notify(req, code ?? 0, this.clock.now() - started);
    }
  }

  private getDispatcher(): Dispatcher {
    if (!this.dispatcher) this.dispatcher = new Agent({ keepAliveTimeout: 30_000 });
    return this.dispatcher;
  }

  private async getAuth(force: boolean): Promise<Auth> {
    if (!force && this.auth && this.clock.now() - this.auth.at < this.authRefreshMs)
      return this.auth;
    if (!this.authPending) {
      this.authPending = this.loadAuth().finally(() => {
        this.authPending = undefined;
      });
    }
    return this.authPending;
  }

  private async loadAuth(): Promise<Auth> {
    const ctx = new RequestContext(this.origin + this.basePath + '/', HttpMethod.GET);
    await this.kc.applySecurityAuthentication(ctx);
    // Keep the first dispatcher (TLS material, proxy, SNI); later ones would be new pools.
    if (!this.dispatcher) this.dispatcher = ctx.getDispatcher() as Dispatcher | undefined;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(ctx.getHeaders())) headers[k.toLowerCase()] = v;
    this.auth = { headers, at: this.clock.now() };
    return this.auth;
  }

  private notify(req: HttpRequest, code: number, durationMs: number): void {
    if (this.observers.length === 0) return;
    const info = describeRequest(req, code, durationMs);
    for (const o of this.observers) o(info);
  }
}

function queryString(query: HttpRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

function anySignal(a: AbortSignal | undefined, b: AbortSignal): AbortSignal {
  return a ? AbortSignal.any([a, b]) : b;
}

function toApiError(code: number, req: HttpRequest, text: string): ApiError {
  let status: ApiStatus | undefined;
  try {
    const parsed = JSON.parse(text) as ApiStatus;
    if (parsed && typeof parsed === 'object' && parsed.kind === 'Status') status = parsed;
  } catch {
    // not JSON: keep the text
  }
  return new ApiError(code, req.method, req.path, status, text);
}

/** Parses /api(s)/.../namespaces/<ns>/<resource>/<name>/<sub> into its parts. */
export function describeRequest(req: HttpRequest, code: number, durationMs: number): RequestInfo {
  const parts = req.path.split('?')[0]!.split('/').filter(Boolean);
  let i = parts[0] === 'api' ? 2 : parts[0] === 'apis' ? 3 : parts.length;
  let namespace = '';
  if (parts[i] === 'namespaces' && parts.length > i + 2) {
    namespace = decodeURIComponent(parts[i + 1] ?? '');
    i += 2;
  }
  const resource = parts[i] ?? '';
  const name = parts[i + 1] ? decodeURIComponent(parts[i + 1]!) : '';
  const subresource = parts[i + 2] ?? '';
  let verb: Verb;
  switch (req.method) {
    case 'GET':
      verb = req.query?.watch ? 'watch' : name ? 'get' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = req.contentType === 'application/apply-patch+yaml' ? 'apply' : 'patch';
      break;
    default:
      verb = 'delete';
  }
  return {
    verb,
    method: req.method,
    path: req.path,
    resource,
    subresource,
    namespace,
    name,
    code,
    durationMs,
  };
}
