/**
 * The node's Chat Server connections, all primary (N+1: domain/gms.md §7, "all Chat Server
 * instances primary"): a new chat goes to the next attached instance; an existing one to the
 * instance that holds it, found by its secureKey, its alias ("Chat host alias"), or by asking
 * each attached instance in turn.
 */
import { ChatError, ErrorCode } from '../chat/errors.js';
import type { NodeOp, OpResult } from '../chat-server/protocol.js';
import type { Logger } from '../util/log.js';
import { ChatServerConnection, type ChatServerEndpoint, type OpCallback } from './connection.js';

export class ChatServerPool {
  readonly connections: ChatServerConnection[];
  private rr = 0;
  /** secureKey -> Chat Server name, for sessions this node has seen. */
  private readonly keyHome = new Map<string, string>();

  constructor(
    endpoints: ChatServerEndpoint[],
    opts: { node: string; group: string; requestTimeoutMs: number; log: Logger },
  ) {
    this.connections = endpoints.map((e) => new ChatServerConnection(e, opts));
  }

  attachAll(): void {
    for (const c of this.connections) c.attach();
  }

  detachAll(): void {
    for (const c of this.connections) c.detach();
    this.keyHome.clear();
  }

  get attachedCount(): number {
    return this.connections.filter((c) => c.attached).length;
  }

  byName(name: string): ChatServerConnection | undefined {
    return this.connections.find((c) => c.endpoint.name === name);
  }

  remember(secureKey: string, cs: ChatServerConnection): void {
    this.keyHome.set(secureKey, cs.endpoint.name);
  }

  forget(secureKey: string): void {
    this.keyHome.delete(secureKey);
  }

  /** The attached instance for a new chat (round robin). */
  forNewChat(): ChatServerConnection {
    const attached = this.connections.filter((c) => c.attached);
    if (attached.length === 0)
      throw new ChatError(
        ErrorCode.ChatServerUnavailable,
        'this node is not connected to any Chat Server',
      );
    return attached[this.rr++ % attached.length] as ChatServerConnection;
  }

  /** Attached instances in the order to try for an existing session. */
  candidates(secureKey: string, alias?: string): ChatServerConnection[] {
    const attached = this.connections.filter((c) => c.attached);
    const home = this.keyHome.get(secureKey);
    const score = (c: ChatServerConnection): number =>
      c.endpoint.name === home ? 0 : alias !== undefined && c.alias === alias ? 1 : 2;
    return attached.sort((a, b) => score(a) - score(b));
  }

  /**
   * Run an operation on the instance holding the session: the first candidate that does not
   * answer "chat not found". The callback runs exactly once, synchronously with the frame that
   * settled it (see connection.ts on ordering).
   */
  callForSession(
    secureKey: string,
    alias: string | undefined,
    op: NodeOp,
    args: Record<string, unknown>,
    cb: (err: ChatError | null, result?: OpResult, cs?: ChatServerConnection) => void,
  ): void {
    const list = this.candidates(secureKey, alias);
    if (list.length === 0) {
      cb(
        new ChatError(
          ErrorCode.ChatServerUnavailable,
          'this node is not connected to any Chat Server',
        ),
      );
      return;
    }
    const attempt = (i: number): void => {
      const cs = list[i] as ChatServerConnection;
      const done: OpCallback = (err, result) => {
        if (err && err.code === ErrorCode.ChatNotFound && i + 1 < list.length)
          return attempt(i + 1);
        if (err) return cb(err);
        cb(null, result, cs);
      };
      cs.call(op, args, done);
    };
    attempt(0);
  }
}
