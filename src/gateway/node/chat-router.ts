/**
 * The chat side of a gateway node: turns CometD publishes on /service/chatV2/<service> into
 * Chat Server requests and their results into notifications for that one client; routes the
 * Chat Server's unsolicited events to the client whose chat they belong to, and to push.
 *
 * Seed rules kept here:
 * - requestChat / requestNotifications bind the chat to the CometD client that sent them;
 *   afterwards "GMS starts sending unsolicited notifications ... about the chat session".
 * - Unsolicited notifications carry exactly one event.
 * - secureKey can change: each notification carries the current one.
 * - Errors are notifications with a non-zero statusCode and a readable message.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { ChatError, ErrorCode, isChatError } from '../chat/errors.js';
import type { ChatNotification, OperationName } from '../chat/model.js';
import {
  errorNotification,
  eventNotification,
  responseNotification,
} from '../chat/notifications.js';
import { parseRequest, type ChatRequest, type Credentials } from '../chat/requests.js';
import type { EventFrame, OpResult, UnbindFrame } from '../chat-server/protocol.js';
import type { ChatServerConnection } from '../chatserver/connection.js';
import type { ChatServerPool } from '../chatserver/pool.js';
import type { CometdEndpoint } from '../cometd/endpoint.js';
import type { GatewaySettings, ServiceSettings } from '../config/settings.js';
import { decidePush, type PushDispatcher } from '../push/dispatcher.js';
import type { Logger } from '../util/log.js';
import type { GatewayMetrics } from '../util/metrics.js';

/** A chat whose events reach this node. */
interface ChatBinding {
  chatId: string;
  service: string;
  /** Chat Server instance holding the session. */
  cs: string;
  /** The CometD client that owns it here, or null once that client is gone. */
  clientId: string | null;
  /** When that CometD session was created (the chat's attach epoch, see attachOf). */
  since: number;
  secureKey: string;
  /** Next index the client has not been sent yet. */
  nextPosition: number;
}

export interface RouterContext {
  settings(): GatewaySettings;
  gmsVersion: string;
  online(): boolean;
  endpoint: CometdEndpoint;
  pool: ChatServerPool;
  push: PushDispatcher;
  metrics: GatewayMetrics;
  log: Logger;
}

function channelOf(service: string): string {
  return `/service/chatV2/${service}`;
}

/** Constant-time comparison of credentials (no early exit on the first wrong byte). */
function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function checkAuth(svc: ServiceSettings, auth: Credentials | undefined): void {
  if (!svc.basicAuth) return;
  if (!auth)
    throw new ChatError(
      ErrorCode.AuthenticationFailed,
      `chat service "${svc.name}" requires authentication: send auth {username, password} or {encoded}`,
    );
  const userOk = same(auth.username, svc.basicAuth.username);
  const passOk = same(auth.password, svc.basicAuth.password);
  if (!userOk || !passOk)
    throw new ChatError(
      ErrorCode.AuthenticationFailed,
      'authentication failed: wrong username or password',
    );
}

export class ChatRouter {
  private readonly chats = new Map<string, ChatBinding>();
  private readonly byKey = new Map<string, string>();
  private readonly byClient = new Map<string, Set<string>>();

  constructor(private readonly ctx: RouterContext) {
    for (const cs of ctx.pool.connections) {
      cs.on('event', (f: EventFrame) => this.onEvent(cs, f));
      cs.on('unbind', (f: UnbindFrame) => this.drop(f.chatId));
      cs.on('attached', () => this.resume(cs));
    }
  }

  get boundCount(): number {
    return this.chats.size;
  }

  // ---------------------------------------------------------------------------------------------
  // Client -> Chat Server
  // ---------------------------------------------------------------------------------------------

  /**
   * The CometD session a request comes from, sent with requestChat / requestNotifications (and
   * the resume after a Chat Server reconnect): the Chat Server keeps a chat attached to the
   * newest session that asked for it, so a late request of a session the customer already
   * left (sent before it handshook again elsewhere) cannot take the chat's events back
   * (docs/chat-server-protocol.md, "Binding and events").
   */
  private attachOf(clientId: string): { session: string; since: number } {
    return { session: clientId, since: this.ctx.endpoint.sessionSince(clientId) ?? Date.now() };
  }

  /** A publish on /service/chatV2/<service> by `clientId`. */
  onOperation(clientId: string, service: string, data: unknown): void {
    let op: string | undefined =
      typeof data === 'object' && data !== null
        ? String((data as { operation?: unknown }).operation ?? '')
        : undefined;
    try {
      const settings = this.ctx.settings();
      if (!settings.notificationMode)
        throw new ChatError(
          ErrorCode.CometdApiDisabled,
          'the Chat V2 CometD API is disabled on this node ([chat] enable_notification_mode=false)',
        );
      if (!this.ctx.online())
        throw new ChatError(
          ErrorCode.NodeOffline,
          'this GMS node is OFFLINE; connect again to reach another node',
        );
      const svc = settings.services.get(service);
      if (!svc)
        throw new ChatError(
          ErrorCode.ServiceNotConfigured,
          `chat service "${service}" is not configured`,
        );
      const req = parseRequest(data, this.ctx.gmsVersion);
      op = req.operation;
      this.execute(clientId, svc, settings, req);
    } catch (e) {
      this.fail(clientId, service, op, e);
    }
  }

  /** A subscribe/publish to a service without a [chat.<service>] section. */
  refuseService(clientId: string, service: string): void {
    this.fail(
      clientId,
      service,
      undefined,
      new ChatError(
        ErrorCode.ServiceNotConfigured,
        `chat service "${service}" is not configured on this GMS node`,
      ),
    );
  }

  private fail(clientId: string, service: string, op: string | undefined, e: unknown): void {
    let err: ChatError;
    let referenceId: string | undefined;
    if (isChatError(e)) err = e;
    else {
      referenceId = randomUUID();
      this.ctx.log.error({ err: e, referenceId, op }, 'chat operation failed');
      err = new ChatError(ErrorCode.Internal, `internal error (reference ${referenceId})`);
    }
    this.ctx.metrics.operations.inc({ operation: op || 'unknown', result: String(err.code) });
    this.ctx.endpoint.deliver(
      clientId,
      service,
      errorNotification(err, channelOf(service), op || undefined, referenceId),
    );
  }

  private respond(clientId: string, service: string, op: OperationName, r: OpResult): void {
    this.ctx.metrics.operations.inc({ operation: op, result: 'ok' });
    this.ctx.endpoint.deliver(
      clientId,
      service,
      responseNotification(op, { ...r.session }, r.events, channelOf(service)),
    );
  }

  private execute(
    clientId: string,
    svc: ServiceSettings,
    settings: GatewaySettings,
    req: ChatRequest,
  ): void {
    const service = svc.name;
    if (req.operation === 'requestChat') {
      checkAuth(svc, req.auth);
      if (req.push?.provider && !settings.providers.has(req.push.provider))
        throw new ChatError(
          ErrorCode.InvalidPushRegistration,
          `push_notification_provider "${req.push.provider}" has no [push.provider.${req.push.provider}] section`,
        );
      const cs = this.ctx.pool.forNewChat();
      const { operation: _op, auth: _auth, ...rest } = req;
      cs.call('requestChat', { ...rest, service, attach: this.attachOf(clientId) }, (err, r) => {
        if (err || !r) return this.fail(clientId, service, 'requestChat', err);
        this.bind(clientId, service, cs, r);
        this.respond(clientId, service, 'requestChat', r);
      });
      return;
    }
    if (
      req.operation === 'requestNotifications' &&
      req.push?.provider &&
      !settings.providers.has(req.push.provider)
    )
      throw new ChatError(
        ErrorCode.InvalidPushRegistration,
        `push_notification_provider "${req.push.provider}" has no [push.provider.${req.push.provider}] section`,
      );
    const { operation, alias, ...rest } = req;
    // `service`: a session answers only on its own chat service's channel.
    const args: Record<string, unknown> = { ...rest, service };
    if (operation === 'requestNotifications') args.attach = this.attachOf(clientId);
    this.ctx.pool.callForSession(req.secureKey, alias, operation, args, (err, r, cs) => {
      if (err?.code === ErrorCode.StaleSession) {
        // A session the customer already left: end it, so a client that still uses it (a
        // clock far behind the node that attached the chat) handshakes again and resumes.
        // The error leaves first (a held long poll or the WebSocket takes it at once).
        this.fail(clientId, service, operation, err);
        setTimeout(() => this.ctx.endpoint.destroy(clientId), 100).unref();
        return;
      }
      if (err || !r || !cs) return this.fail(clientId, service, operation, err);
      if (operation === 'requestNotifications') this.bind(clientId, service, cs, r);
      else this.track(r);
      this.respond(clientId, service, operation, r);
      if (r.session.chatEnded) this.drop(r.session.chatId);
    });
  }

  /** requestChat / requestNotifications: the chat's events now go to this client. */
  private bind(clientId: string, service: string, cs: ChatServerConnection, r: OpResult): void {
    const s = r.session;
    const old = this.chats.get(s.chatId);
    if (old) {
      this.byKey.delete(old.secureKey);
      if (old.clientId) this.byClient.get(old.clientId)?.delete(s.chatId);
    }
    const b: ChatBinding = {
      chatId: s.chatId,
      service,
      cs: cs.endpoint.name,
      clientId,
      since: this.ctx.endpoint.sessionSince(clientId) ?? Date.now(),
      secureKey: s.secureKey,
      nextPosition: s.nextPosition,
    };
    this.chats.set(s.chatId, b);
    this.byKey.set(s.secureKey, s.chatId);
    this.ctx.pool.remember(s.secureKey, cs);
    let set = this.byClient.get(clientId);
    if (!set) {
      set = new Set();
      this.byClient.set(clientId, set);
    }
    set.add(s.chatId);
  }

  /** Keep the latest secureKey and position of a bound chat. */
  private track(r: OpResult): void {
    const b = this.chats.get(r.session.chatId);
    if (!b) return;
    if (b.secureKey !== r.session.secureKey) {
      this.byKey.delete(b.secureKey);
      b.secureKey = r.session.secureKey;
      this.byKey.set(b.secureKey, b.chatId);
    }
    b.nextPosition = Math.max(b.nextPosition, r.session.nextPosition);
  }

  private drop(chatId: string): void {
    const b = this.chats.get(chatId);
    if (!b) return;
    this.chats.delete(chatId);
    this.byKey.delete(b.secureKey);
    this.ctx.pool.forget(b.secureKey);
    if (b.clientId) this.byClient.get(b.clientId)?.delete(chatId);
  }

  /** The CometD session ended (disconnect or timeout): its chats stay bound here for push. */
  onClientGone(clientId: string): void {
    const set = this.byClient.get(clientId);
    this.byClient.delete(clientId);
    if (!set) return;
    for (const chatId of set) {
      const b = this.chats.get(chatId);
      if (b && b.clientId === clientId) b.clientId = null;
    }
  }

  /** Node going OFFLINE: nothing stays bound here. */
  clear(): void {
    this.chats.clear();
    this.byKey.clear();
    this.byClient.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Chat Server -> client
  // ---------------------------------------------------------------------------------------------

  private onEvent(cs: ChatServerConnection, f: EventFrame): void {
    const b = this.chats.get(f.session.chatId);
    const clientId = b?.clientId ?? null;
    const active = clientId !== null && this.ctx.endpoint.isActive(clientId);
    const notification: ChatNotification = eventNotification(
      f.session,
      f.event,
      channelOf(f.service),
    );
    if (b && active && clientId) {
      if (f.event.index >= b.nextPosition) {
        this.ctx.endpoint.deliver(clientId, b.service, notification);
        b.nextPosition = f.event.index + 1;
      }
    }
    if (b && b.secureKey !== f.session.secureKey) {
      this.byKey.delete(b.secureKey);
      b.secureKey = f.session.secureKey;
      this.byKey.set(b.secureKey, b.chatId);
    }
    this.ctx.pool.remember(f.session.secureKey, cs);
    const decision = decidePush(
      this.ctx.settings(),
      f.service,
      f.event,
      f.push,
      active,
      notification,
    );
    void this.ctx.push.dispatch(this.ctx.settings(), decision);
    if (f.session.chatEnded) this.drop(f.session.chatId);
  }

  /**
   * The connection to a Chat Server came back after a drop: reclaim the chats whose clients
   * are still here and send them what they missed, so a blip between GMS and Chat Server
   * leaves no gap in a transcript.
   */
  private resume(cs: ChatServerConnection): void {
    const mine = [...this.chats.values()].filter(
      (b) => b.cs === cs.endpoint.name && b.clientId && this.ctx.endpoint.isActive(b.clientId),
    );
    if (mine.length === 0) return;
    cs.call(
      'resume',
      {
        chats: mine.map((b) => ({
          secureKey: b.secureKey,
          nextPosition: b.nextPosition,
          attach: { session: b.clientId, since: b.since },
        })),
      },
      (err, r) => {
        if (err || !r?.resumed) {
          this.ctx.log.warn(
            { chatServer: cs.endpoint.name, err: err?.message },
            'could not resume chats after reconnecting',
          );
          return;
        }
        // Chats the Chat Server did not give back were attached to a newer session elsewhere.
        const kept = new Set(r.resumed.map((res) => res.session.chatId));
        for (const b of mine) if (!kept.has(b.chatId)) this.drop(b.chatId);
        for (const res of r.resumed) {
          const b = this.chats.get(res.session.chatId);
          if (!b?.clientId) continue;
          for (const ev of res.events) {
            if (ev.index < b.nextPosition) continue;
            this.ctx.endpoint.deliver(
              b.clientId,
              b.service,
              eventNotification(
                { ...res.session, chatEnded: res.session.chatEnded },
                ev,
                channelOf(b.service),
              ),
            );
            b.nextPosition = ev.index + 1;
          }
          if (res.session.chatEnded) this.drop(b.chatId);
        }
      },
    );
  }
}
