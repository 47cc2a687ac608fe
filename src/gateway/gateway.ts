/**
 * A GMS-compatible Chat V2 CometD gateway node (`gmsctl gateway`): reads gms.ini (or the
 * container contract's three files), serves CometD at /genesys/cometd, file management at
 * /genesys/2/chat-ntf, the GMS node API, probes and metrics, keeps a persistent connection to
 * every Chat Server, sends push notifications, and applies dynamic option changes in place.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import { DEFAULT_GMS_VERSION } from './chat/versions.js';
import { ChatServerPool } from './chatserver/pool.js';
import { COMETD_MOUNT, CometdEndpoint } from './cometd/endpoint.js';
import { loadConfig, type ConfigSource, type LoadedConfig } from './config/load.js';
import { describeChange, planReload } from './config/reload.js';
import { buildSettings, type GatewaySettings } from './config/settings.js';
import { ConfigWatcher } from './config/watch.js';
import { CHAT_NTF_PATH, ChatNtf } from './files/chat-ntf.js';
import { ChatRouter } from './node/chat-router.js';
import { handleNodeApi, type NodeStatus, type Readiness } from './node/node-api.js';
import { PushDispatcher } from './push/dispatcher.js';
import { DEFAULT_PUSH_ENDPOINTS, type PushEndpoints } from './push/senders.js';
import { sendText } from './util/http.js';
import type { Logger } from './util/log.js';
import { GatewayMetrics } from './util/metrics.js';

export interface GatewayOptions {
  source: ConfigSource;
  host?: string;
  port?: number;
  /** Node name the Chat Server knows this node by (default: the host name, i.e. the pod name). */
  nodeName?: string;
  /** GCTI_GMS_NodeGroup-like group name (domain/gms.md §2). */
  nodeGroup?: string;
  /** GMS version the node behaves as (feature gates: readReceipt 8.5.201.04 ...). */
  gmsVersion?: string;
  /** CometD long-poll hold, seconds (default 30: load-balancers.md §1). */
  cometdTimeoutSec?: number;
  /** WebSocket ping interval, seconds. */
  pingSec?: number;
  pushEndpoints?: Partial<PushEndpoints>;
  nodeApiAuth?: { username: string; password: string };
  requestTimeoutMs?: number;
  /** Largest CometD HTTP request body accepted. */
  maxCometdBodyBytes?: number;
  /** Watch the config files and apply changes (default true). */
  watch?: boolean;
  watchPollMs?: number;
  /** Collect Node.js process metrics too (only one registry per process should). */
  processMetrics?: boolean;
  log: Logger;
}

export class Gateway {
  readonly nodeName: string;
  readonly gmsVersion: string;
  private loaded: LoadedConfig;
  private settingsValue: GatewaySettings;
  private statusValue: NodeStatus = 'ONLINE';
  private readonly server: Server;
  readonly endpoint: CometdEndpoint;
  readonly pool: ChatServerPool;
  readonly router: ChatRouter;
  readonly metrics: GatewayMetrics;
  private readonly chatNtf: ChatNtf;
  private watcher: ConfigWatcher | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private address: AddressInfo | undefined;
  private readonly log: Logger;
  private readonly maxBody: number;

  private constructor(
    private readonly options: GatewayOptions,
    loaded: LoadedConfig,
    settings: GatewaySettings,
  ) {
    this.log = options.log;
    this.loaded = loaded;
    this.settingsValue = settings;
    this.nodeName = options.nodeName ?? hostname();
    this.gmsVersion = options.gmsVersion ?? DEFAULT_GMS_VERSION;
    this.maxBody = options.maxCometdBodyBytes ?? 256 * 1024;
    this.metrics = new GatewayMetrics(
      {
        cometdSessions: () => this.endpoint.sessionCount,
        chatsBound: () => this.router.boundCount,
        chatServersAttached: () => this.pool.attachedCount,
        online: () => this.statusValue === 'ONLINE',
      },
      options.processMetrics ?? false,
    );
    this.pool = new ChatServerPool(settings.notificationMode ? settings.chatServers : [], {
      node: this.nodeName,
      group: options.nodeGroup ?? 'gms',
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      log: this.log,
    });
    const push = new PushDispatcher(
      { ...DEFAULT_PUSH_ENDPOINTS, ...options.pushEndpoints },
      this.log,
      {
        sent: (family, ok) => this.metrics.pushes.inc({ family, result: ok ? 'ok' : 'failed' }),
        skipped: (reason) => this.metrics.pushSkips.inc({ reason }),
      },
    );
    this.endpoint = new CometdEndpoint(
      {
        isServiceConfigured: (svc) => this.settingsValue.services.has(svc),
        onOperation: (clientId, svc, data) => this.router.onOperation(clientId, svc, data),
        onServiceRefused: (clientId, svc) => this.router.refuseService(clientId, svc),
        handshakeRefusal: () =>
          this.statusValue === 'OFFLINE' ? 'this GMS node is OFFLINE' : null,
        onClientGone: (clientId) => this.router.onClientGone(clientId),
      },
      { timeoutSec: options.cometdTimeoutSec ?? 30, pingSec: options.pingSec ?? 20 },
      this.log,
    );
    this.router = new ChatRouter({
      settings: () => this.settingsValue,
      gmsVersion: this.gmsVersion,
      online: () => this.statusValue === 'ONLINE',
      endpoint: this.endpoint,
      pool: this.pool,
      push,
      metrics: this.metrics,
      log: this.log,
    });
    this.chatNtf = new ChatNtf({
      pool: this.pool,
      node: this.nodeName,
      online: () => this.statusValue === 'ONLINE',
      notificationMode: () => this.settingsValue.notificationMode,
      metrics: this.metrics,
      log: this.log,
    });
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket as Duplex, head));
    this.server.on('clientError', (_err, socket) => socket.destroy());
    // Longer than any LB keep-alive, so the LB never reuses a connection this side closed.
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
    this.server.requestTimeout = 0; // long polls are held by CometD itself
  }

  /** Load the config (refusing bad input with file:line:col messages) and start serving. */
  static async start(options: GatewayOptions): Promise<Gateway> {
    const loaded = await loadConfig(options.source);
    const settings = buildSettings(loaded.config, loaded.origins);
    const gw = new Gateway(options, loaded, settings);
    await gw.listen();
    return gw;
  }

  private async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 8080, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.address = this.server.address() as AddressInfo;
    if (this.settingsValue.notificationMode) this.pool.attachAll();
    else
      this.log.warn(
        '[chat] enable_notification_mode is not true: the Chat V2 CometD API is disabled on this node',
      );
    if (this.options.watch ?? true) {
      this.watcher = new ConfigWatcher(
        this.options.source,
        () => void this.reload(),
        200,
        this.options.watchPollMs ?? 10_000,
      );
      this.watcher.start();
    }
    this.log.info(
      {
        url: this.url,
        node: this.nodeName,
        gmsVersion: this.gmsVersion,
        services: [...this.settingsValue.services.keys()],
        chatServers: this.settingsValue.chatServers.map((c) => `${c.name}=${c.host}:${c.port}`),
        files: this.loaded.files,
      },
      'gateway listening',
    );
  }

  get port(): number {
    return this.address?.port ?? 0;
  }

  get url(): string {
    const host = this.address?.address ?? '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  get settings(): GatewaySettings {
    return this.settingsValue;
  }

  get status(): NodeStatus {
    return this.statusValue;
  }

  /** Node API changestatus: OFFLINE detaches from the Chat Server(s) and ends CometD sessions. */
  async changeStatus(to: NodeStatus): Promise<void> {
    if (to === this.statusValue) return;
    this.statusValue = to;
    if (to === 'OFFLINE') {
      this.pool.detachAll();
      const ended = this.endpoint.destroyAll();
      this.router.clear();
      this.log.info(
        { cometdSessionsEnded: ended },
        'node OFFLINE: detached from the Chat Server(s)',
      );
    } else {
      if (this.settingsValue.notificationMode) this.pool.attachAll();
      this.log.info('node ONLINE: attaching to the Chat Server(s)');
    }
  }

  readiness(): Readiness {
    const reasons: string[] = [];
    if (this.statusValue !== 'ONLINE') reasons.push('node status is OFFLINE');
    const chatServers = this.pool.connections.map((c) => ({
      name: c.endpoint.name,
      attached: c.attached,
      version: c.version,
      problem: c.problem,
    }));
    if (this.settingsValue.notificationMode && this.pool.attachedCount === 0)
      reasons.push(
        `not attached to any Chat Server (${chatServers.map((c) => c.problem ?? `${c.name}: connecting`).join('; ')})`,
      );
    return {
      ready: reasons.length === 0,
      reasons,
      details: { status: this.statusValue, chatServers },
    };
  }

  info(): Record<string, unknown> {
    return {
      node: this.nodeName,
      status: this.statusValue,
      gmsVersion: this.gmsVersion,
      ready: this.readiness().ready,
      cometdSessions: this.endpoint.sessionCount,
      chatsBound: this.router.boundCount,
      services: [...this.settingsValue.services.keys()],
      notificationMode: this.settingsValue.notificationMode,
      chatServers: this.pool.connections.map((c) => ({
        name: c.endpoint.name,
        host: c.endpoint.host,
        port: c.endpoint.port,
        attached: c.attached,
        alias: c.alias,
        version: c.version,
      })),
      configFiles: this.loaded.files,
    };
  }

  /** Re-read the config: dynamic options change in place, restart-required ones are refused. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.doReload());
    return this.reloading;
  }

  private async doReload(): Promise<void> {
    let next: LoadedConfig;
    try {
      next = await loadConfig(this.options.source);
    } catch (e) {
      this.metrics.reloads.inc({ result: 'invalid' });
      this.log.error(
        { err: (e as Error).message },
        'config change not applied: the files do not parse; the node keeps its current config',
      );
      return;
    }
    if (next.fingerprint === this.loaded.fingerprint) return;
    const plan = planReload(this.settingsValue.config, next.config);
    let settings: GatewaySettings;
    try {
      settings = buildSettings(plan.effective, next.origins);
    } catch (e) {
      this.metrics.reloads.inc({ result: 'invalid' });
      this.log.error(
        { err: (e as Error).message },
        'config change not applied: invalid values; the node keeps its current config',
      );
      this.loaded = { ...this.loaded, fingerprint: next.fingerprint };
      return;
    }
    for (const c of plan.refused) {
      this.metrics.refusedChanges.inc();
      this.log.warn(
        { change: describeChange(c), reason: c.reason },
        'refused a runtime change of a restart-required option; the old value stays until the node restarts',
      );
    }
    for (const c of plan.applied)
      this.log.info({ change: describeChange(c) }, 'applied a dynamic option change');
    this.metrics.reloads.inc({ result: plan.refused.length > 0 ? 'partial' : 'applied' });
    this.settingsValue = settings;
    this.loaded = next;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://gms').pathname;
    try {
      if (path === COMETD_MOUNT || path.startsWith(`${COMETD_MOUNT}/`))
        return this.cometd(req, res);
      if (path === CHAT_NTF_PATH) return await this.chatNtf.handle(req, res);
      if (path === '/metrics') {
        const body = await this.metrics.registry.metrics();
        return sendText(res, 200, body, { 'content-type': this.metrics.registry.contentType });
      }
      const handled = await handleNodeApi(
        {
          status: () => this.statusValue,
          changeStatus: (to) => this.changeStatus(to),
          readiness: () => this.readiness(),
          info: () => this.info(),
          ...(this.options.nodeApiAuth ? { auth: this.options.nodeApiAuth } : {}),
        },
        req,
        res,
        path,
      );
      if (!handled) sendText(res, 404, `not found: ${path}\n`);
    } catch (e) {
      this.log.error({ err: e, path }, 'request failed');
      if (!res.headersSent) sendText(res, 500, 'internal error\n');
      else res.destroy();
    }
  }

  /** faye reads the whole POST body into memory: bound it first. */
  private cometd(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'POST') {
      const len = req.headers['content-length'];
      if (len !== undefined && Number(len) > this.maxBody)
        return sendText(res, 413, `CometD message larger than ${this.maxBody} bytes\n`);
      if (len === undefined) {
        // Chunked (the Node.js cometd adapter sends bodies so): count while faye reads. Both
        // 'data' listeners are attached in this tick, before any chunk flows.
        let seen = 0;
        req.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > this.maxBody && !res.headersSent) {
            sendText(res, 413, `CometD message larger than ${this.maxBody} bytes\n`);
            req.destroy();
          }
        });
      }
    }
    this.endpoint.handle(req, res);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://gms').pathname;
    if (path !== COMETD_MOUNT && !path.startsWith(`${COMETD_MOUNT}/`)) {
      socket.destroy();
      return;
    }
    this.endpoint.handleUpgrade(req, socket, head);
  }

  async stop(): Promise<void> {
    this.watcher?.stop();
    this.pool.detachAll();
    this.endpoint.destroyAll();
    this.endpoint.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
