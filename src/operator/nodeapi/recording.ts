/**
 * A recording node API double for tests whose pods have no GMS behind them (kwok pods have
 * unroutable IPs and run no containers; domain/test-control-plane.md §5). It keeps a status per
 * node (ONLINE until told otherwise), records every call in order, and answers from a script
 * when a test wants failures. `serve()` exposes it over real HTTP on loopback, one path prefix
 * per node (`http://127.0.0.1:<port>/<node>/genesys/1/admin/node/...`), so an operator running
 * in another process reaches it through the real HTTP client.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CHANGE_STATUS_PATH,
  NODE_STATUS_PATH,
  NodeApiError,
  type NodeApiClient,
  type NodeApiErrorKind,
  type NodeStatus,
  type NodeTarget,
} from './types.js';

export interface RecordedCall {
  seq: number;
  /** ms since the epoch */
  at: number;
  node: string;
  op: 'status' | 'changestatus';
  /** For changestatus: the status asked for. For status: the status answered. */
  status?: NodeStatus;
  ok: boolean;
  /** Basic-auth user name the call carried, if any. */
  user?: string;
}

/** A scripted answer for the next call(s) of one node and operation. */
export type ScriptedAnswer =
  | { fail: NodeApiErrorKind; httpStatus?: number }
  /** changestatus answers OK but the status does not change (a node that ignores it). */
  | { ignore: true };

export class RecordingNodeApi implements NodeApiClient {
  readonly calls: RecordedCall[] = [];
  private readonly statuses = new Map<string, NodeStatus>();
  private readonly scripts = new Map<string, ScriptedAnswer[]>();
  private seq = 0;
  /** Required credentials, when set: calls without them fail with `unauthorized`. */
  requireAuth?: { username: string; password: string };

  /** The node's current status (ONLINE unless changed). */
  statusOf(node: string): NodeStatus {
    return this.statuses.get(node) ?? 'ONLINE';
  }

  setStatus(node: string, status: NodeStatus): void {
    this.statuses.set(node, status);
  }

  /** Queue answers for the next calls of `op` on `node` (consumed one per call). */
  script(node: string, op: 'status' | 'changestatus', ...answers: ScriptedAnswer[]): void {
    const key = `${node} ${op}`;
    this.scripts.set(key, [...(this.scripts.get(key) ?? []), ...answers]);
  }

  /** Status changes in order, e.g. ["OFFLINE cs-2", "ONLINE cs-2", ...]. */
  changes(): string[] {
    return this.calls
      .filter((c) => c.op === 'changestatus' && c.ok)
      .map((c) => `${c.status} ${c.node}`);
  }

  /** Nodes currently OFFLINE. */
  offline(): string[] {
    return [...this.statuses].filter(([, s]) => s === 'OFFLINE').map(([n]) => n);
  }

  /** Forget a node's state (its pod was replaced: a new GMS process starts ONLINE). */
  reset(node: string): void {
    this.statuses.delete(node);
  }

  async status(target: NodeTarget): Promise<NodeStatus> {
    this.check(target, 'status');
    const status = this.statusOf(target.node);
    this.record(target, 'status', status, true);
    return status;
  }

  async changeStatus(target: NodeTarget, status: NodeStatus): Promise<void> {
    const answer = this.check(target, 'changestatus', status);
    if (!answer) this.statuses.set(target.node, status);
    this.record(target, 'changestatus', status, true);
  }

  private check(
    target: NodeTarget,
    op: 'status' | 'changestatus',
    status?: NodeStatus,
  ): ScriptedAnswer | undefined {
    const req = this.requireAuth;
    if (req && (target.auth?.username !== req.username || target.auth?.password !== req.password)) {
      this.record(target, op, status, false);
      throw new NodeApiError(target.node, 'unauthorized', 'HTTP 401', 401);
    }
    const answer = this.scripts.get(`${target.node} ${op}`)?.shift();
    if (answer && 'fail' in answer) {
      this.record(target, op, status, false);
      throw new NodeApiError(
        target.node,
        answer.fail,
        `scripted ${answer.fail}`,
        answer.httpStatus,
      );
    }
    return answer;
  }

  private record(
    target: NodeTarget,
    op: RecordedCall['op'],
    status: NodeStatus | undefined,
    ok: boolean,
  ): void {
    const call: RecordedCall = { seq: ++this.seq, at: Date.now(), node: target.node, op, ok };
    if (status) call.status = status;
    if (target.auth) call.user = target.auth.username;
    this.calls.push(call);
  }

  /** Serve the double over HTTP on 127.0.0.1 (a free port). */
  async serve(): Promise<{ url: string; close: () => Promise<void>; server: Server }> {
    const server = createServer((req, res) => {
      void this.handle(req.method ?? 'GET', req.url ?? '/', req.headers.authorization).then(
        ({ code, body }) => {
          res.writeHead(code, { 'content-type': 'text/plain' });
          res.end(body);
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      server,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  private async handle(
    method: string,
    url: string,
    authorization: string | undefined,
  ): Promise<{ code: number; body: string }> {
    const m = /^\/([^/]+)(\/genesys\/.*)$/.exec(url.split('?')[0] ?? '');
    if (!m) return { code: 404, body: 'not found' };
    const node = decodeURIComponent(m[1] as string);
    const path = m[2] as string;
    const target: NodeTarget = { node, baseUrl: '' };
    if (authorization?.startsWith('Basic ')) {
      const [username = '', ...rest] = Buffer.from(authorization.slice(6), 'base64')
        .toString('utf8')
        .split(':');
      target.auth = { username, password: rest.join(':') };
    }
    try {
      if (method === 'GET' && path === NODE_STATUS_PATH)
        return { code: 200, body: await this.status(target) };
      const change = path.startsWith(`${CHANGE_STATUS_PATH}/`)
        ? path.slice(CHANGE_STATUS_PATH.length + 1)
        : '';
      if (method === 'POST' && (change === 'ONLINE' || change === 'OFFLINE')) {
        await this.changeStatus(target, change);
        return { code: 200, body: '' };
      }
      return { code: 404, body: 'not found' };
    } catch (err) {
      const e = err as NodeApiError;
      const code =
        e.httpStatus ?? (e.kind === 'unauthorized' ? 401 : e.kind === 'protocol' ? 200 : 503);
      return { code, body: e.kind === 'protocol' ? 'garbage' : e.message };
    }
  }
}
