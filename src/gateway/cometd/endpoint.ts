/**
 * The CometD endpoint at /genesys/cometd (seed: "Handshake with GMS"), on faye's Bayeux server
 * (ADR: docs/adr, "CometD server: faye"). Long-polling, callback-polling (JSONP) and WebSocket
 * are faye's own transports.
 *
 * What the extension adds (domain/gms.md §9, the faye `/service/*` pitfall):
 * - Clients may subscribe to /service/chatV2/<service> (GMS samples do), which faye refuses
 *   for remote clients: the extension answers those subscribes itself (the engine never holds
 *   a /service subscription) and restores the channel name in the reply.
 * - Nothing else is subscribable or publishable: GMS serves only the chat channels, and a
 *   broadcast subscription such as `/**` must never see another customer's chat.
 * - A publish on /service/chatV2/<service> is a chat operation, handed to the chat handler;
 *   its notifications go back to that one client (faye-internals.ts).
 * - A service without a [chat.<service>] section is refused with an error reply and an error
 *   notification on the channel (listener-only clients never subscribe).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import faye, { type BayeuxMessage, type NodeAdapter, type Pipe } from 'faye';
import { SERVICE_NAME_PATTERN } from '../../catalog/index.js';
import type { Logger } from '../util/log.js';
import { fayeEngine, type FayeEngine } from './faye-internals.js';

export const COMETD_MOUNT = '/genesys/cometd';
export const CHANNEL_PREFIX = '/service/chatV2/';
const SERVICE_NAME = new RegExp(SERVICE_NAME_PATTERN);

/** The service of a chat channel, or undefined when the channel is not one. */
export function serviceOfChannel(channel: unknown): string | undefined {
  if (typeof channel !== 'string' || !channel.startsWith(CHANNEL_PREFIX)) return undefined;
  const name = channel.slice(CHANNEL_PREFIX.length);
  return SERVICE_NAME.test(name) ? name : undefined;
}

export interface CometdHandlers {
  /** Whether [chat.<service>] exists. */
  isServiceConfigured(service: string): boolean;
  /** A chat operation published by `clientId` (the chat handler answers with notifications). */
  onOperation(clientId: string, service: string, data: unknown): void;
  /** A client addressed a service that is not configured: send it an error notification. */
  onServiceRefused(clientId: string, service: string): void;
  /** Why new CometD sessions are refused right now (node OFFLINE), or null. */
  handshakeRefusal(): string | null;
  onClientGone(clientId: string): void;
}

export interface CometdOptions {
  /** Seconds a /meta/connect is held (CometD `timeout`, 30 s by default: load-balancers.md §1). */
  timeoutSec: number;
  /** Seconds between WebSocket pings (keeps idle LB tunnels open). */
  pingSec: number;
}

export class CometdEndpoint {
  readonly adapter: NodeAdapter;
  readonly engine: FayeEngine;
  /** Live CometD sessions: clientId -> when it was created (handshake, ms since the epoch). */
  private readonly clients = new Map<string, number>();
  /** Original subscription of a rewritten /meta/(un)subscribe, by clientId and message id. */
  private readonly rewritten = new Map<string, string | string[]>();

  constructor(
    private readonly handlers: CometdHandlers,
    options: CometdOptions,
    private readonly log: Logger,
  ) {
    this.adapter = new faye.NodeAdapter({
      mount: COMETD_MOUNT,
      timeout: options.timeoutSec,
      ping: options.pingSec,
    });
    this.engine = fayeEngine(this.adapter);
    this.adapter.addExtension({
      incoming: (m, _req, cb) => this.incoming(m, cb),
      outgoing: (m, _req, cb) => this.outgoing(m, cb),
    });
    this.adapter.on('handshake', (clientId: string) => {
      this.clients.set(clientId, Date.now());
      this.engine.enablePrivateDelivery(clientId);
    });
    this.adapter.on('disconnect', (clientId: string) => {
      if (!this.clients.delete(clientId)) return;
      this.handlers.onClientGone(clientId);
    });
  }

  get sessionCount(): number {
    return this.clients.size;
  }

  isActive(clientId: string): boolean {
    return this.clients.has(clientId);
  }

  /** When the client's CometD session was created (undefined: not a live session here). */
  sessionSince(clientId: string): number | undefined {
    return this.clients.get(clientId);
  }

  /** End one CometD session: its next request answers 402 and the client handshakes again. */
  destroy(clientId: string): void {
    if (this.clients.has(clientId)) this.engine.destroy(clientId);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.adapter.handle(req, res);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.adapter.handleUpgrade(req, socket, head);
  }

  /** Send one notification to one client on its chat channel. */
  deliver(clientId: string, service: string, data: unknown): void {
    this.engine.deliver(clientId, { channel: `${CHANNEL_PREFIX}${service}`, data });
  }

  /** End every CometD session (node going OFFLINE): clients handshake again, elsewhere. */
  destroyAll(): number {
    const ids = [...this.clients.keys()];
    for (const id of ids) this.engine.destroy(id);
    return ids.length;
  }

  close(): void {
    this.adapter.close();
  }

  private key(m: BayeuxMessage): string {
    return `${m.clientId ?? ''}|${m.id ?? ''}`;
  }

  private incoming(m: BayeuxMessage, cb: Pipe): void {
    const channel = m.channel;
    if (channel === '/meta/handshake') {
      const refusal = this.handlers.handshakeRefusal();
      if (refusal) m.error = `503::${refusal}`;
      return cb(m);
    }
    if (channel === '/meta/subscribe' || channel === '/meta/unsubscribe')
      return cb(this.subscription(m));
    if (typeof channel !== 'string' || channel.startsWith('/meta/')) return cb(m);
    // A publish.
    const service = serviceOfChannel(channel);
    if (!service) {
      m.error = `403:${channel}:Forbidden channel (GMS serves only ${CHANNEL_PREFIX}<service>)`;
      return cb(m);
    }
    const clientId = m.clientId;
    if (typeof clientId !== 'string' || !this.clients.has(clientId)) {
      m.error = `402:${String(clientId ?? '')}:Unknown client`;
      return cb(m);
    }
    if (!this.handlers.isServiceConfigured(service)) {
      m.error = `404:${channel}:chat service "${service}" is not configured`;
      this.handlers.onServiceRefused(clientId, service);
      return cb(m);
    }
    try {
      this.handlers.onOperation(clientId, service, m.data);
    } catch (e) {
      this.log.error({ err: e, clientId, service }, 'chat operation handler threw');
    }
    cb(m);
  }

  private subscription(m: BayeuxMessage): BayeuxMessage {
    const subs = m.subscription === undefined ? [] : ([] as string[]).concat(m.subscription);
    if (subs.length === 0) return m; // faye answers "parameter missing"
    for (const s of subs) {
      const service = serviceOfChannel(s);
      if (!service) {
        m.error = `403:${String(s)}:Forbidden channel (GMS serves only ${CHANNEL_PREFIX}<service>)`;
        return m;
      }
      if (!this.handlers.isServiceConfigured(service)) {
        m.error = `404:${s}:chat service "${service}" is not configured`;
        if (
          m.channel === '/meta/subscribe' &&
          typeof m.clientId === 'string' &&
          this.clients.has(m.clientId)
        )
          this.handlers.onServiceRefused(m.clientId, service);
        return m;
      }
    }
    // Answer success without a broadcast subscription: deliveries are per client anyway.
    this.rewritten.set(this.key(m), m.subscription as string | string[]);
    m.subscription = [];
    return m;
  }

  private outgoing(m: BayeuxMessage, cb: Pipe): void {
    if (m.channel === '/meta/subscribe' || m.channel === '/meta/unsubscribe') {
      const k = this.key(m);
      const original = this.rewritten.get(k);
      if (original !== undefined) {
        this.rewritten.delete(k);
        m.subscription = original;
      }
    }
    cb(m);
  }
}
