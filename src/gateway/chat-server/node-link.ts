/**
 * The Chat Server side of the persistent node connections (docs/chat-server-protocol.md).
 * Chat Server binds a session to one node "until the node is disconnected", then picks
 * another node at the next activity (domain/gms.md §2, S3); a node that resumes a session
 * with requestNotifications takes it over.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ChatError, ErrorCode, isChatError } from '../chat/errors.js';
import type { ChatEvent, PushRegistration } from '../chat/model.js';
import type { Logger } from '../util/log.js';
import {
  CLOSE_REFUSED,
  PROTOCOL_VERSION,
  type EventFrame,
  type HelloFrame,
  type OpResult,
  type RequestFrame,
  type ResponseFrame,
  type UnbindFrame,
} from './protocol.js';
import type {
  AttachSession,
  ChatSession,
  ChatSessions,
  EventOrigin,
  SessionIdentity,
} from './sessions.js';

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

interface NodeConn {
  name: string;
  group: string;
  socket: WebSocket;
  connectedAt: number;
}

type Args = Record<string, unknown>;

function str(a: Args, k: string): string {
  const v = a[k];
  if (typeof v !== 'string')
    throw new ChatError(ErrorCode.InvalidParameter, `protocol: "${k}" must be a string`);
  return v;
}
function optStr(a: Args, k: string): string | undefined {
  const v = a[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    throw new ChatError(ErrorCode.InvalidParameter, `protocol: "${k}" must be a string`);
  return v;
}
function int(a: Args, k: string): number {
  const v = a[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    throw new ChatError(ErrorCode.InvalidParameter, `protocol: "${k}" must be an integer`);
  return v;
}
function strMap(a: Args, k: string): Record<string, string> {
  const v = a[k];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw new ChatError(ErrorCode.InvalidParameter, `protocol: "${k}" must be an object`);
  const out: Record<string, string> = {};
  for (const [key, val] of Object.entries(v as Args)) {
    if (typeof val !== 'string')
      throw new ChatError(ErrorCode.InvalidParameter, `protocol: "${k}.${key}" must be a string`);
    out[key] = val;
  }
  return out;
}
function identity(a: Args): SessionIdentity {
  const id: SessionIdentity = { secureKey: str(a, 'secureKey') };
  const chatId = optStr(a, 'chatId');
  const userId = optStr(a, 'userId');
  const service = optStr(a, 'service');
  if (chatId !== undefined) id.chatId = chatId;
  if (userId !== undefined) id.userId = userId;
  if (service !== undefined) id.service = service;
  return id;
}
/** The customer's CometD session a request came from (absent: a node that does not send it). */
function attach(a: Args): AttachSession | undefined {
  const v = a.attach;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v))
    throw new ChatError(ErrorCode.InvalidParameter, 'protocol: "attach" must be an object');
  const session = (v as Args).session;
  const since = (v as Args).since;
  if (typeof session !== 'string' || session.length === 0 || session.length > 128)
    throw new ChatError(ErrorCode.InvalidParameter, 'protocol: "attach.session" must be a string');
  if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0)
    throw new ChatError(
      ErrorCode.InvalidParameter,
      'protocol: "attach.since" must be a non-negative integer (ms since the epoch)',
    );
  return { session, since };
}

function push(a: Args): PushRegistration | undefined {
  const p = a.push;
  if (p === undefined || p === null) return undefined;
  if (typeof p !== 'object')
    throw new ChatError(ErrorCode.InvalidParameter, 'protocol: "push" must be an object');
  return p as PushRegistration;
}

export interface NodeLinkOptions {
  name: string;
  version: string;
  alias: string;
  log: Logger;
}

export class NodeLinks {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  private readonly nodes = new Map<string, NodeConn>();
  private rr = 0;

  constructor(
    private readonly sessions: ChatSessions,
    private readonly opts: NodeLinkOptions,
  ) {
    sessions.on('event', (s: ChatSession, e: ChatEvent, origin: EventOrigin) =>
      this.deliver(s, e, origin),
    );
  }

  list(): { name: string; group: string; connectedAt: string; boundSessions: number }[] {
    const bound = new Map<string, number>();
    for (const s of this.sessions.all())
      if (s.boundNode) bound.set(s.boundNode, (bound.get(s.boundNode) ?? 0) + 1);
    return [...this.nodes.values()].map((n) => ({
      name: n.name,
      group: n.group,
      connectedAt: new Date(n.connectedAt).toISOString(),
      boundSessions: bound.get(n.name) ?? 0,
    }));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://chat-server');
    const name = url.searchParams.get('node') ?? '';
    const group = url.searchParams.get('group') ?? 'default';
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!NODE_NAME.test(name) || !NODE_NAME.test(group)) {
        ws.close(
          CLOSE_REFUSED,
          'node and group must be 1-63 letters, digits, dot, dash or underscore',
        );
        return;
      }
      this.attach({ name, group, socket: ws, connectedAt: Date.now() });
    });
  }

  private attach(conn: NodeConn): void {
    const previous = this.nodes.get(conn.name);
    if (previous) {
      // A restarted node reconnects before the old TCP connection timed out: the new one wins.
      this.opts.log.warn({ node: conn.name }, 'node reconnected; closing its previous connection');
      this.nodes.delete(conn.name);
      previous.socket.close(CLOSE_REFUSED, 'replaced by a newer connection of the same node');
    }
    this.nodes.set(conn.name, conn);
    this.opts.log.info({ node: conn.name, group: conn.group }, 'node attached');
    const hello: HelloFrame = {
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      version: this.opts.version,
      alias: this.opts.alias,
      name: this.opts.name,
    };
    conn.socket.send(JSON.stringify(hello));
    conn.socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.onFrame(conn, data.toString());
    });
    conn.socket.on('close', (code) => {
      if (this.nodes.get(conn.name) !== conn) return;
      this.nodes.delete(conn.name);
      const released = this.sessions.unbindNode(conn.name);
      this.opts.log.info({ node: conn.name, code, sessions: released.length }, 'node detached');
    });
    conn.socket.on('error', (err) =>
      this.opts.log.warn({ node: conn.name, err: err.message }, 'node connection error'),
    );
  }

  private onFrame(conn: NodeConn, text: string): void {
    let frame: RequestFrame;
    try {
      frame = JSON.parse(text) as RequestFrame;
    } catch {
      this.opts.log.warn({ node: conn.name }, 'dropping a frame that is not JSON');
      return;
    }
    if (frame.type !== 'request' || typeof frame.id !== 'number') return;
    let response: ResponseFrame;
    try {
      const result = this.dispatch(conn.name, frame.op, frame.args ?? {});
      response = { type: 'response', id: frame.id, ok: true, result };
    } catch (e) {
      const err = isChatError(e)
        ? e
        : new ChatError(ErrorCode.Internal, 'Chat Server internal error');
      if (!isChatError(e)) this.opts.log.error({ err: e, op: frame.op }, 'request failed');
      response = {
        type: 'response',
        id: frame.id,
        ok: false,
        error: { code: err.code, message: err.message },
      };
    }
    if (conn.socket.readyState === conn.socket.OPEN) conn.socket.send(JSON.stringify(response));
  }

  private dispatch(node: string, op: string, a: Args): OpResult {
    const s = this.sessions;
    switch (op) {
      case 'requestChat': {
        const args = {
          service: str(a, 'service'),
          nickname: str(a, 'nickname'),
          userData: strMap(a, 'userData'),
        } as Parameters<ChatSessions['requestChat']>[1];
        for (const k of ['firstName', 'lastName', 'subject', 'emailAddress'] as const) {
          const v = optStr(a, k);
          if (v !== undefined) args[k] = v;
        }
        const p = push(a);
        if (p) args.push = p;
        return s.requestChat(node, args, attach(a));
      }
      case 'requestNotifications': {
        const id = identity(a);
        const previous = this.sessions.find(id, true).boundNode;
        const r = s.requestNotifications(
          node,
          id,
          int(a, 'transcriptPosition'),
          push(a),
          strMap(a, 'userData'),
          attach(a),
        );
        if (previous && previous !== node) this.sendUnbind(previous, r.session.chatId);
        return r;
      }
      case 'sendMessage': {
        return s.sendMessage(node, identity(a), str(a, 'message'), optStr(a, 'messageType'));
      }
      case 'readReceipt':
        return s.readReceipt(node, identity(a), int(a, 'transcriptPosition'));
      case 'startTyping':
      case 'stopTyping':
        return s.typing(node, identity(a), op === 'startTyping', optStr(a, 'message'));
      case 'disconnect':
        return s.disconnect(node, identity(a));
      case 'pushUrl':
        return s.pushUrl(node, identity(a), str(a, 'pushUrl'));
      case 'updateNickname':
        return s.updateNickname(node, identity(a), str(a, 'nickname'));
      case 'customNotice':
        return s.customNotice(node, identity(a), optStr(a, 'message'));
      case 'updateData':
        return s.updateData(node, identity(a), strMap(a, 'userData'));
      case 'fileGetLimits':
        return s.fileGetLimits(identity(a));
      case 'fileCommit':
        return s.commitPendingUpload(identity(a), str(a, 'uploadId'), strMap(a, 'userData'));
      case 'fileDelete': {
        const { session } = s.deleteFile(identity(a), str(a, 'fileId'));
        this.emitFileDeleted(session, str(a, 'fileId'));
        return s.result(session, []);
      }
      case 'resume': {
        const chats = a.chats;
        if (!Array.isArray(chats))
          throw new ChatError(ErrorCode.InvalidParameter, 'protocol: "chats" must be an array');
        const list = chats.map((c: Args) => {
          const entry: { secureKey: string; nextPosition: number; attach?: AttachSession } = {
            secureKey: str(c, 'secureKey'),
            nextPosition: int(c, 'nextPosition'),
          };
          const at = attach(c);
          if (at) entry.attach = at;
          return entry;
        });
        return { service: '', session: emptyState(), events: [], resumed: s.resume(node, list) };
      }
      default:
        throw new ChatError(
          ErrorCode.UnknownOperation,
          `protocol: unknown op "${String(op).slice(0, 40)}"`,
        );
    }
  }

  /** Hook for the file store: the server removes the content of deleted files. */
  onFileDeleted: (session: ChatSession, fileId: string) => void = () => {};

  private emitFileDeleted(session: ChatSession, fileId: string): void {
    this.onFileDeleted(session, fileId);
  }

  private sendUnbind(node: string, chatId: string): void {
    const conn = this.nodes.get(node);
    if (!conn) return;
    const frame: UnbindFrame = { type: 'unbind', chatId };
    conn.socket.send(JSON.stringify(frame));
  }

  /** Attached node for a session's event: its bound node, else the next attached one. */
  private target(s: ChatSession): NodeConn | undefined {
    if (s.boundNode) {
      const bound = this.nodes.get(s.boundNode);
      if (bound) return bound;
    }
    const all = [...this.nodes.values()];
    if (all.length === 0) {
      s.boundNode = null;
      return undefined;
    }
    const picked = all[this.rr++ % all.length] as NodeConn;
    s.boundNode = picked.name;
    return picked;
  }

  private deliver(s: ChatSession, event: ChatEvent, origin: EventOrigin): void {
    // Events a node's own CometD request produced travel in that request's response.
    if (origin === 'client-op') return;
    const conn = this.target(s);
    if (!conn) return;
    const frame: EventFrame = {
      type: 'event',
      service: s.service,
      session: this.sessions.state(s),
      event,
      userData: s.userData,
    };
    if (s.push) frame.push = s.push;
    conn.socket.send(JSON.stringify(frame));
  }

  close(): void {
    for (const n of this.nodes.values()) n.socket.terminate();
    this.nodes.clear();
    this.wss.close();
  }
}

function emptyState(): OpResult['session'] {
  return { chatId: '', userId: '', secureKey: '', alias: '', nextPosition: 0, chatEnded: false };
}
