/**
 * The node API over HTTP: Node's built-in fetch (undici), a timeout per request, retries with
 * exponential backoff and jitter for what may be transient (unreachable, 5xx, 429), none for
 * what will not change by itself (401/403, other 4xx, a body that is not a status).
 *
 * Backoff shape after Strimzi's KafkaRoller (`new BackOff(250, 2, ...)`,
 * domain/operator-patterns.md §1), with far fewer attempts: a roll step that keeps failing is
 * retried by the work queue and bounded by the rollout's own timeout.
 */
import {
  CHANGE_STATUS_PATH,
  NODE_STATUS_PATH,
  NodeApiError,
  parseNodeStatus,
  type NodeApiClient,
  type NodeStatus,
  type NodeTarget,
} from './types.js';

export interface HttpNodeApiOptions {
  /** Per-request timeout (default 5 s; the node API answers from memory). */
  timeoutMs?: number;
  /** Attempts per call, the first included (default 3). */
  attempts?: number;
  /** First backoff delay, doubled per attempt with ±20 % jitter (default 250 ms). */
  backoffMs?: number;
  /** Injected for tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class HttpNodeApiClient implements NodeApiClient {
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: HttpNodeApiOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.attempts = Math.max(1, opts.attempts ?? 3);
    this.backoffMs = opts.backoffMs ?? 250;
    this.fetchFn = opts.fetch ?? fetch;
    this.sleep = opts.sleep ?? defaultSleep;
  }

  async status(target: NodeTarget): Promise<NodeStatus> {
    const body = await this.call(target, 'GET', NODE_STATUS_PATH);
    const status = parseNodeStatus(body);
    if (!status)
      throw new NodeApiError(
        target.node,
        'protocol',
        `GET ${NODE_STATUS_PATH} returned ${JSON.stringify(body.slice(0, 80))}, not ONLINE or OFFLINE`,
      );
    return status;
  }

  async changeStatus(target: NodeTarget, status: NodeStatus): Promise<void> {
    await this.call(target, 'POST', `${CHANGE_STATUS_PATH}/${status}`);
  }

  private async call(target: NodeTarget, method: 'GET' | 'POST', path: string): Promise<string> {
    let last: NodeApiError | undefined;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        return await this.once(target, method, path);
      } catch (err) {
        last =
          err instanceof NodeApiError
            ? err
            : new NodeApiError(target.node, 'unreachable', String(err));
        const transient =
          last.kind === 'unreachable' ||
          (last.kind === 'http' && (last.httpStatus === 429 || (last.httpStatus ?? 0) >= 500));
        if (!transient || attempt === this.attempts) break;
        const base = this.backoffMs * 2 ** (attempt - 1);
        await this.sleep(base * (0.8 + Math.random() * 0.4));
      }
    }
    throw last as NodeApiError;
  }

  private async once(target: NodeTarget, method: 'GET' | 'POST', path: string): Promise<string> {
    const headers: Record<string, string> = { accept: 'text/plain, application/json' };
    if (target.auth)
      headers['authorization'] =
        `Basic ${Buffer.from(`${target.auth.username}:${target.auth.password}`).toString('base64')}`;
    let res: Response;
    try {
      res = await this.fetchFn(`${target.baseUrl}${path}`, {
        method,
        headers,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      const name = (err as Error).name;
      const what =
        name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs} ms`
          : (cause ?? (err as Error).message);
      throw new NodeApiError(target.node, 'unreachable', `${method} ${path}: ${what}`);
    }
    const body = await res.text().catch(() => '');
    if (res.ok) return body;
    const kind = res.status === 401 || res.status === 403 ? 'unauthorized' : 'http';
    throw new NodeApiError(
      target.node,
      kind,
      `${method} ${path}: HTTP ${res.status}${kind === 'unauthorized' ? ' (check spec.nodeApi.basicAuth)' : ''}`,
      res.status,
    );
  }
}
