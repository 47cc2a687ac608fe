/**
 * A Chat V2 CometD client on the official `cometd` JavaScript client (with
 * `cometd-nodejs-client`), as the seed describes a client: handshake at
 * <gms>/genesys/cometd, subscribe to (or only listen on) /service/chatV2/<service>, publish
 * operations, read the secureKey of every notification and reuse the latest, keep the last
 * processed event index, and after a reconnection resume with requestNotifications from it.
 *
 * Used by the demo's terminal client, the integration and end-to-end tests and the benchmark.
 * Responses are recognised without any non-standard field: operations are sent one at a time;
 * requestChat and requestNotifications are answered by the first notification after them
 * (the chat is bound to the client only then); other operations by the first notification
 * that is an error, has no event, or carries the customer's own event (unsolicited
 * notifications carry one event of another participant, or a FileUploaded).
 */
import { EventEmitter } from 'node:events';
import type { ChatEvent, ChatNotification, OperationName } from '../chat/model.js';

import type * as CometdNs from 'cometd';
import type { CometD, Message } from 'cometd';

type CometdModule = typeof CometdNs;

/** Cookies of one client: name -> "name=value", per host. */
export type CookieJar = Map<string, Map<string, string>>;

interface XhrOptions {
  globalCookies: Record<string, unknown>;
  cookies?: {
    storeCookie(uri: URL, header: string, cb: (err: Error | null) => void): void;
    retrieveCookies(
      context: unknown,
      uri: URL,
      cb: (err: Error | null, cookies: string[]) => void,
    ): void;
  };
}

type XhrClass = new (options: XhrOptions) => { context?: { jar?: CookieJar } };

let adapted = false;
async function cometdModule(): Promise<CometdModule> {
  if (!adapted) {
    // cometd is written for browsers: the adapter provides window.XMLHttpRequest / WebSocket.
    const { adapt } = await import('cometd-nodejs-client');
    adapt();
    // The adapter keeps one cookie jar per host for the whole process, so every client would
    // share a load balancer's affinity cookie (and land on one node). Each XHR here reads and
    // writes the jar of the cometd transport it belongs to (xhr.context, copied by cometd's
    // LongPollingTransport), like separate browsers.
    const w = (globalThis as unknown as { window: { XMLHttpRequest: XhrClass } }).window;
    const Base = Object.getPrototypeOf(w.XMLHttpRequest) as XhrClass;
    w.XMLHttpRequest = class extends Base {
      constructor() {
        const opts: XhrOptions = { globalCookies: {} };
        super(opts);
        // eslint-disable-next-line @typescript-eslint/no-this-alias
        const self = this;
        const fallback: CookieJar = new Map();
        const jar = (): CookieJar => self.context?.jar ?? fallback;
        opts.cookies = {
          storeCookie(uri, header, cb) {
            const nameValue = (header.split(';')[0] ?? '').trim();
            const eq = nameValue.indexOf('=');
            if (eq > 0) {
              const j = jar();
              const host = j.get(uri.hostname) ?? new Map<string, string>();
              host.set(nameValue.slice(0, eq), nameValue);
              j.set(uri.hostname, host);
            }
            cb(null);
          },
          retrieveCookies(_context, uri, cb) {
            cb(null, [...(jar().get(uri.hostname)?.values() ?? [])]);
          },
        };
      }
    } as unknown as XhrClass;
    adapted = true;
  }
  return import('cometd');
}

export type TransportName = 'long-polling' | 'websocket' | 'callback-polling';

export interface ChatClientOptions {
  /** CometD URL, e.g. http://127.0.0.1:8080/genesys/cometd */
  url: string;
  service: string;
  transport?: TransportName;
  /** Subscribe to the channel (GMS sample 2) or only add a listener (GMS sample 1). */
  subscribe?: boolean;
  /** How long to wait for a response notification. */
  responseTimeoutMs?: number;
  /** Resume automatically with requestNotifications after a re-handshake (default true). */
  autoResume?: boolean;
  logLevel?: 'warn' | 'info' | 'debug';
}

export class ChatClientError extends Error {
  constructor(
    message: string,
    readonly notification?: ChatNotification,
  ) {
    super(message);
  }
}

interface Pending {
  operation: OperationName;
  resolve: (n: ChatNotification) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Events: 'notification' (every one), 'event' (each new transcript event, in index order of
 * arrival), 'resumed' (after an automatic requestNotifications), 'connection' (boolean).
 */
export class GmsChatClient extends EventEmitter {
  private cometd!: CometD;
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  readonly notifications: ChatNotification[] = [];
  /** Every event received, by index (duplicates merged). */
  readonly transcript = new Map<number, ChatEvent>();
  secureKey: string | undefined;
  chatId: string | undefined;
  userId: string | undefined;
  alias: string | undefined;
  chatEnded = false;
  /** Highest event index processed (seed: "remember the new index as the last processed event"). */
  lastIndex = 0;
  /** user data sent with requestChat (push_notification_* must be repeated on resume). */
  private pushUserData: Record<string, string> = {};
  private handshakes = 0;
  private connected = false;
  resumes = 0;
  /** Why the last automatic resume attempt failed (diagnostics). */
  lastResumeError: string | undefined;
  /** The clientId of each CometD session this client had. */
  readonly sessions: string[] = [];
  /** This client's cookies (load-balancer affinity). */
  readonly cookies: CookieJar = new Map();

  private constructor(readonly options: ChatClientOptions) {
    super();
  }

  get channel(): string {
    return `/service/chatV2/${this.options.service}`;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  static async connect(options: ChatClientOptions): Promise<GmsChatClient> {
    const c = new GmsChatClient(options);
    await c.start();
    return c;
  }

  private async start(): Promise<void> {
    const { CometD } = await cometdModule();
    const cometd = new CometD();
    this.cometd = cometd;
    // Each client gets its own cookie jar, so load-balancer affinity cookies behave as in
    // separate browsers.
    const lp = cometd.findTransport('long-polling') as unknown as { context?: unknown } | null;
    if (lp) lp.context = { jar: this.cookies };
    const transport = this.options.transport ?? 'long-polling';
    if (transport !== 'websocket') cometd.unregisterTransport('websocket');
    if (transport === 'websocket') cometd.unregisterTransport('callback-polling');
    cometd.configure({ url: this.options.url, logLevel: this.options.logLevel ?? 'warn' });
    cometd.addListener('/meta/connect', (m: Message) => {
      const ok = m.successful === true;
      if (ok !== this.connected) {
        this.connected = ok;
        this.emit('connection', ok);
      }
    });
    cometd.addListener('/meta/handshake', (m: Message) => {
      if (!m.successful) return;
      this.handshakes++;
      if (m.clientId) this.sessions.push(m.clientId);
      if (this.handshakes > 1) {
        // The old CometD session is gone: an operation still waiting for its notification
        // will not get it (if the server did it, its event comes with the resume below).
        this.failPending('the CometD session was lost before its notification arrived');
        // A new CometD session (server restarted, node OFFLINE, network): resume the chat.
        if ((this.options.autoResume ?? true) && this.secureKey && !this.chatEnded)
          void this.autoResume(this.handshakes);
      }
    });
    const onMessage = (m: Message): void => this.receive(m.data as ChatNotification);
    if (this.options.subscribe) {
      // As in the seed's sample: subscribe in the /meta/handshake listener, after *every*
      // successful handshake (cometd clears subscriptions when it handshakes again).
      this.subscribed = new Promise<void>((resolve, reject) => {
        cometd.addListener('/meta/handshake', (m: Message) => {
          if (!m.successful) return;
          this.subscribeChannel(this.handshakes, onMessage, resolve, reject);
        });
      });
      this.subscribed.catch(() => undefined);
    } else {
      cometd.addListener(this.channel, onMessage);
    }
    await new Promise<void>((resolve, reject) => {
      cometd.handshake((m: Message) =>
        m.successful
          ? resolve()
          : reject(new ChatClientError(`handshake failed: ${m.error ?? 'unknown error'}`)),
      );
    });
  }

  /**
   * Subscribe to the chat channel for the CometD session of handshake `generation`.
   *
   * A failed subscribe makes cometd drop the subscription, and with it every later
   * notification, while the session itself may be fine: behind a load balancer that briefly
   * sends one session's requests to two nodes (a node just came back), the /meta/subscribe can
   * reach the node that does not know the session (`401::Unknown client`) while the long poll
   * and the publishes reach the one that does. Nothing in cometd retries it, so the client would
   * silently stop hearing from the chat. So: retry until it works or a newer handshake takes
   * over, and resume afterwards (notifications that came while unsubscribed were dropped).
   * Errors that are not about the session (a service that is not configured) fail the first
   * subscribe at once.
   */
  private subscribeChannel(
    generation: number,
    onMessage: (m: Message) => void,
    resolve: () => void,
    reject: (e: Error) => void,
    attempt = 1,
  ): void {
    this.cometd.batch(() =>
      this.cometd.subscribe(this.channel, onMessage, (r: Message) => {
        const first = generation === 1;
        if (r.successful) {
          resolve(); // the first success settles waitSubscribed(), whichever handshake it was
          if (attempt > 1) {
            // Notifications that came while the subscription was missing were dropped: an
            // operation still waiting for one will not get it (fail it now, so a resume that
            // waits retries at once), and the chat resumes from the last processed event.
            this.failPending(
              'its notification was lost while the channel subscription was missing',
            );
            if ((this.options.autoResume ?? true) && this.secureKey)
              void this.autoResume(generation);
          }
          return;
        }
        const error = String(r.error ?? 'unknown error');
        this.subscribeFailures++;
        const sessionProblem = /^40[12]:/.test(error);
        if (first && !sessionProblem)
          return reject(new ChatClientError(`subscribe failed: ${error}`));
        if (generation !== this.handshakes || this.closed || this.cometd.isDisconnected()) return;
        setTimeout(
          () => {
            if (generation !== this.handshakes || this.closed || this.cometd.isDisconnected())
              return;
            this.subscribeChannel(generation, onMessage, resolve, reject, attempt + 1);
          },
          Math.min(100 * attempt, 2000),
        );
      }),
    );
  }

  /** Subscribes that failed and were retried (diagnostics). */
  subscribeFailures = 0;

  /** The first /meta/subscribe reply (subscribe mode only). */
  private subscribed: Promise<void> = Promise.resolve();

  /** Resolve when the channel subscription is confirmed; reject with the server's error. */
  waitSubscribed(): Promise<void> {
    return this.subscribed;
  }

  get clientId(): string | null {
    return this.cometd.getClientId();
  }

  get transportType(): string | undefined {
    return this.cometd.getTransport()?.type;
  }

  private isResponse(p: Pending, n: ChatNotification): boolean {
    if (p.operation === 'requestChat' || p.operation === 'requestNotifications') return true;
    if (n.statusCode !== 0) return true;
    if (n.messages.length !== 1) return true;
    const e = n.messages[0] as ChatEvent;
    return e.from.type === 'Client' && e.type !== 'FileUploaded';
  }

  private receive(n: ChatNotification): void {
    if (!n || typeof n !== 'object') return;
    this.notifications.push(n);
    if (n.statusCode === 0) {
      if (n.secureKey) this.secureKey = n.secureKey;
      if (n.chatId) this.chatId = n.chatId;
      if (n.userId) this.userId = n.userId;
      if (n.alias) this.alias = n.alias;
      if (n.chatEnded) this.chatEnded = true;
      for (const e of n.messages ?? []) {
        if (typeof e.index !== 'number') continue;
        if (!this.transcript.has(e.index)) this.transcript.set(e.index, e);
        if (e.index > this.lastIndex) {
          this.lastIndex = e.index;
          this.emit('event', e);
        }
      }
    }
    this.emit('notification', n);
    const p = this.pending;
    if (p && this.isResponse(p, n)) {
      this.pending = undefined;
      clearTimeout(p.timer);
      if (n.statusCode === 0) p.resolve(n);
      else
        p.reject(
          new ChatClientError(
            `${p.operation} failed: ${n.errors?.[0]?.message ?? `statusCode ${n.statusCode}`}`,
            n,
          ),
        );
    }
  }

  /** Publish one operation and wait for its notification (operations are serialised). */
  send(operation: OperationName, params: Record<string, unknown> = {}): Promise<ChatNotification> {
    const run = (): Promise<ChatNotification> =>
      new Promise<ChatNotification>((resolve, reject) => {
        const timeoutMs = this.options.responseTimeoutMs ?? 15_000;
        const timer = setTimeout(() => {
          if (this.pending?.timer === timer) this.pending = undefined;
          reject(new ChatClientError(`${operation}: no notification within ${timeoutMs} ms`));
        }, timeoutMs);
        this.pending = { operation, resolve, reject, timer };
        const data: Record<string, unknown> = { operation, ...params };
        if (operation !== 'requestChat' && data.secureKey === undefined && this.secureKey)
          data.secureKey = this.secureKey;
        this.cometd.publish(this.channel, data, (ack: Message) => {
          if (!ack.successful && this.pending?.timer === timer) {
            this.pending = undefined;
            clearTimeout(timer);
            reject(new ChatClientError(`${operation}: publish refused: ${ack.error ?? 'unknown'}`));
          }
        });
      });
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  requestChat(params: {
    nickname?: string;
    firstName?: string;
    lastName?: string;
    subject?: string;
    emailAddress?: string;
    userData?: Record<string, string>;
    auth?: unknown;
  }): Promise<ChatNotification> {
    this.pushUserData = Object.fromEntries(
      Object.entries(params.userData ?? {}).filter(([k]) => k.startsWith('push_notification_')),
    );
    return this.send('requestChat', params);
  }

  /** Seed, "Handling disconnections": latest transcript position + identical ids and secureKey. */
  async resume(): Promise<ChatNotification> {
    const params: Record<string, unknown> = {
      transcriptPosition: this.lastIndex + 1,
      secureKey: this.secureKey,
    };
    if (this.chatId) params.chatId = this.chatId;
    if (this.userId) params.userId = this.userId;
    if (this.alias) params.alias = this.alias;
    if (Object.keys(this.pushUserData).length > 0) params.userData = this.pushUserData;
    const n = await this.send('requestNotifications', params);
    this.resumes++;
    this.emit('resumed', n);
    return n;
  }

  /**
   * Resume after handshake `generation`; retried (backing off to 3 s) until it works, the chat
   * ends, the client closes, or a newer handshake takes over. A load balancer may briefly send
   * one session's requests to two nodes while it learns a node is back.
   */
  private async autoResume(generation: number): Promise<void> {
    if (this.resuming === generation) return; // that loop is already at it
    this.resuming = generation;
    try {
      for (let attempt = 1; ; attempt++) {
        if (generation !== this.handshakes || this.chatEnded || this.closed) return;
        try {
          await this.resume();
          return;
        } catch (e) {
          this.lastResumeError = (e as Error).message;
          this.emit('resumeFailed', e);
          await new Promise((r) => setTimeout(r, Math.min(500 * attempt, 3000)));
        }
      }
    } finally {
      if (this.resuming === generation) this.resuming = undefined;
    }
  }

  /** Fails the operation waiting for its notification, if any, saying why it will not come. */
  private failPending(why: string): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.reject(new ChatClientError(`${p.operation}: ${why}`));
  }

  /** The handshake generation whose automatic resume loop is running. */
  private resuming: number | undefined;

  /** Indexes missing between 1 and the highest index received. */
  gaps(): number[] {
    const out: number[] = [];
    for (let i = 1; i <= this.lastIndex; i++) if (!this.transcript.has(i)) out.push(i);
    return out;
  }

  /** Resolve when `predicate` holds for a received event (or already did). */
  waitForEvent(predicate: (e: ChatEvent) => boolean, timeoutMs = 15_000): Promise<ChatEvent> {
    for (const e of this.transcript.values()) if (predicate(e)) return Promise.resolve(e);
    return this.nextMatching('event', predicate, timeoutMs);
  }

  /** Resolve with the next notification matching `predicate`. */
  waitForNotification(
    predicate: (n: ChatNotification) => boolean,
    timeoutMs = 15_000,
  ): Promise<ChatNotification> {
    return this.nextMatching('notification', predicate, timeoutMs);
  }

  /** The next `event` or `notification` emitted that matches `predicate`, or a timeout error. */
  private nextMatching<T>(
    name: 'event' | 'notification',
    predicate: (v: T) => boolean,
    timeoutMs: number,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.off(name, on);
        reject(new ChatClientError(`no matching ${name} within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = (v: T): void => {
        if (!predicate(v)) return;
        clearTimeout(t);
        this.off(name, on);
        resolve(v);
      };
      this.on(name, on);
    });
  }

  private closed = false;

  /** End the CometD session (not the chat). */
  close(): Promise<void> {
    this.closed = true;
    return new Promise((resolve) => {
      if (this.cometd.isDisconnected()) return resolve();
      const t = setTimeout(resolve, 2000);
      this.cometd.disconnect(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
