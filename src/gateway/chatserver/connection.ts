/**
 * A gateway node's persistent connection to one Chat Server (seed: with
 * enable_notification_mode=true "the GMS node will establish a persistent connection with the
 * Chat Server(s)"). Reconnects with backoff until detached on purpose (node API OFFLINE:
 * domain/gms.md §7, "remove the connection to the Chat Server").
 *
 * Responses are handed to their callbacks synchronously, in the order the frames arrive, so a
 * request's notification always reaches the client before any later unsolicited event
 * (clients drop events whose index is not above the last one they processed: seed).
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { ChatError, ErrorCode } from '../chat/errors.js';
import { atLeast, GATES } from '../chat/versions.js';
import {
  CLOSE_DETACH,
  NODE_PATH,
  type EventFrame,
  type HelloFrame,
  type NodeOp,
  type OpResult,
  type RequestFrame,
  type ServerFrame,
  type UnbindFrame,
} from '../chat-server/protocol.js';
import type { Logger } from '../util/log.js';

export type OpCallback = (err: ChatError | null, result?: OpResult) => void;

export interface ChatServerEndpoint {
  name: string;
  host: string;
  port: number;
}

interface Pending {
  cb: OpCallback;
  timer: NodeJS.Timeout;
}

export interface ConnectionOptions {
  node: string;
  group: string;
  requestTimeoutMs: number;
  log: Logger;
}

/**
 * Events: 'attached' (hello), 'detached', 'event' (EventFrame), 'unbind' (UnbindFrame).
 */
export class ChatServerConnection extends EventEmitter {
  private ws: WebSocket | undefined;
  private hello: HelloFrame | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private wanted = false;
  private backoffMs = 250;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Set when the Chat Server was refused (too old): retried slowly, reported in readiness. */
  problem: string | undefined;

  constructor(
    readonly endpoint: ChatServerEndpoint,
    private readonly opts: ConnectionOptions,
  ) {
    super();
  }

  get attached(): boolean {
    return this.hello !== undefined && this.ws?.readyState === WebSocket.OPEN;
  }

  get alias(): string | undefined {
    return this.hello?.alias;
  }

  get version(): string | undefined {
    return this.hello?.version;
  }

  get baseUrl(): string {
    const host = this.endpoint.host.includes(':') ? `[${this.endpoint.host}]` : this.endpoint.host;
    return `http://${host}:${this.endpoint.port}`;
  }

  /** Start (or resume) keeping the connection up. */
  attach(): void {
    this.wanted = true;
    if (!this.ws) this.connect();
  }

  /** Close on purpose and stay closed (node detached from the Chat Server). */
  detach(): void {
    this.wanted = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const ws = this.ws;
    if (ws) {
      if (ws.readyState === WebSocket.OPEN) ws.close(CLOSE_DETACH, 'node detached');
      else ws.terminate();
    }
  }

  private connect(): void {
    const url = `${this.baseUrl.replace(/^http/, 'ws')}${NODE_PATH}?node=${encodeURIComponent(this.opts.node)}&group=${encodeURIComponent(this.opts.group)}`;
    const ws = new WebSocket(url, { handshakeTimeout: 5000, maxPayload: 8 * 1024 * 1024 });
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onFrame(data.toString());
    });
    ws.on('error', (err) =>
      this.opts.log.debug(
        { chatServer: this.endpoint.name, err: err.message },
        'chat server connection error',
      ),
    );
    ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString()));
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = undefined;
    const wasAttached = this.hello !== undefined;
    this.hello = undefined;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.cb(
        new ChatError(
          ErrorCode.ChatServerUnavailable,
          `lost the connection to Chat Server ${this.endpoint.name}`,
        ),
      );
    }
    if (wasAttached) {
      this.opts.log.warn(
        { chatServer: this.endpoint.name, code, reason },
        'detached from chat server',
      );
      this.emit('detached');
    }
    if (!this.wanted) return;
    const wait = this.problem ? 10_000 : this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, 5000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.wanted && !this.ws) this.connect();
    }, wait);
    this.retryTimer.unref();
  }

  private onFrame(text: string): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      this.opts.log.warn(
        { chatServer: this.endpoint.name },
        'dropping a chat server frame that is not JSON',
      );
      return;
    }
    switch (frame.type) {
      case 'hello': {
        if (!atLeast(frame.version, GATES.chatServer)) {
          // Seed, "Prerequisites for the CometD API": Chat Server 8.5.108+.
          this.problem = `Chat Server ${this.endpoint.name} is ${frame.version}; the CometD API needs ${GATES.chatServer} or later`;
          this.opts.log.error({ chatServer: this.endpoint.name }, this.problem);
          this.ws?.close(CLOSE_DETACH, 'incompatible version');
          return;
        }
        this.problem = undefined;
        this.hello = frame;
        this.backoffMs = 250;
        this.opts.log.info(
          { chatServer: this.endpoint.name, version: frame.version, alias: frame.alias },
          'attached to chat server',
        );
        this.emit('attached');
        return;
      }
      case 'response': {
        const p = this.pending.get(frame.id);
        if (!p) return;
        this.pending.delete(frame.id);
        clearTimeout(p.timer);
        if (frame.ok) p.cb(null, frame.result);
        else p.cb(new ChatError(frame.error.code as ChatError['code'], frame.error.message));
        return;
      }
      case 'event':
        this.emit('event', frame as EventFrame);
        return;
      case 'unbind':
        this.emit('unbind', frame as UnbindFrame);
        return;
    }
  }

  /** Send one request; the callback runs exactly once. */
  call(op: NodeOp, args: Record<string, unknown>, cb: OpCallback): void {
    const ws = this.ws;
    if (!ws || !this.attached) {
      cb(
        new ChatError(
          ErrorCode.ChatServerUnavailable,
          `not connected to Chat Server ${this.endpoint.name}`,
        ),
      );
      return;
    }
    const id = this.nextId++;
    const timer = setTimeout(() => {
      if (!this.pending.delete(id)) return;
      cb(
        new ChatError(
          ErrorCode.ChatServerTimeout,
          `Chat Server ${this.endpoint.name} did not answer ${op} within ${this.opts.requestTimeoutMs} ms`,
        ),
      );
    }, this.opts.requestTimeoutMs);
    this.pending.set(id, { cb, timer });
    const frame: RequestFrame = { type: 'request', id, op, args };
    ws.send(JSON.stringify(frame));
  }
}
