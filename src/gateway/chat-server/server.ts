/**
 * The Chat Server simulator (`gmsctl chat-server`): chat sessions and transcripts that outlive
 * any one gateway node, the persistent node connections (node-link.ts), file storage, and an
 * agent HTTP API that drives the agent side in tests and demos. It stands in for Genesys Chat
 * Server; the protocol is this project's (docs/chat-server-protocol.md).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatError, ErrorCode, httpStatusOf, isChatError } from '../chat/errors.js';
import type { ChatEvent, Party, ParticipantType } from '../chat/model.js';
import { HttpError, readJson, sendJson } from '../util/http.js';
import type { Logger } from '../util/log.js';
import { FileStore } from './files.js';
import { DEFAULT_FILE_LIMITS, type FileLimits } from './limits.js';
import { NodeLinks } from './node-link.js';
import { H_FILE_NAME, H_SECURE_KEY, NODE_FILES_PATH, NODE_PATH } from './protocol.js';
import { ChatSessions, type ChatSession } from './sessions.js';
import { AutoAgent } from './auto-agent.js';
import { hasAnyControlChars } from '../util/text.js';

export interface ChatServerOptions {
  host?: string;
  port?: number;
  /** Application name (docs: "cs-1"). */
  name?: string;
  /** Reported Chat Server version; the gateway needs 8.5.108+. */
  version?: string;
  /** Chat host alias handed to clients. */
  alias?: string;
  limits?: FileLimits;
  rotateSecureKeyOnMove?: boolean;
  endedRetentionMs?: number;
  idleAlertMs?: number;
  idleCloseMs?: number;
  /** Where uploads go (default: a new temporary directory). */
  dataDir?: string;
  /** Nickname of an automatic agent that joins every chat and answers (demos). */
  autoAgent?: string;
  /** How long the automatic agent takes to act (default 400 ms; 0 for benchmarks). */
  autoAgentDelayMs?: number;
  log: Logger;
}

const CHAT_PATH = /^\/v1\/chats\/([A-Za-z0-9]{1,64})(?:\/([a-z-]+))?(?:\/([0-9A-F]{16}))?$/;
const MAX_WAIT_MS = 60_000;

interface Waiter {
  from: number;
  resolve: () => void;
}

export class ChatServerSimulator {
  readonly sessions: ChatSessions;
  readonly links: NodeLinks;
  private readonly server: Server;
  private files!: FileStore;
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly newChatWaiters = new Set<() => void>();
  private readonly claimed = new Set<string>();
  private autoAgent: AutoAgent | undefined;
  private readonly log: Logger;

  constructor(readonly options: ChatServerOptions) {
    this.log = options.log;
    this.sessions = new ChatSessions({
      alias: options.alias ?? '117',
      limits: options.limits ?? DEFAULT_FILE_LIMITS,
      rotateSecureKeyOnMove: options.rotateSecureKeyOnMove ?? true,
      endedRetentionMs: options.endedRetentionMs ?? 10 * 60_000,
      idleAlertMs: options.idleAlertMs ?? 0,
      idleCloseMs: options.idleCloseMs ?? 0,
    });
    this.links = new NodeLinks(this.sessions, {
      name: options.name ?? 'cs-1',
      version: options.version ?? '8.5.108.02',
      alias: options.alias ?? '117',
      log: this.log,
    });
    this.links.onFileDeleted = (_s, fileId) => void this.files.remove(fileId);
    this.sessions.on('event', (s: ChatSession, e: ChatEvent) => {
      this.wake(s.chatId, e.index);
      if (e.type === 'ParticipantJoined' && e.from.type === 'Client')
        for (const w of [...this.newChatWaiters]) w();
    });
    this.sessions.on('uploadDiscarded', (uploadId: string) => void this.files.remove(uploadId));
    this.sessions.on('purged', (s: ChatSession) => {
      this.claimed.delete(s.chatId);
      for (const f of s.files.values()) void this.files.remove(f.fileId);
    });
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://cs').pathname === NODE_PATH)
        this.links.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
    // Agent long-polls can be held for a minute; nothing else is slow.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 30_000;
  }

  async start(): Promise<{ host: string; port: number }> {
    const dir = this.options.dataDir ?? (await mkdtemp(join(tmpdir(), 'gms-chat-server-')));
    this.files = new FileStore(join(dir, 'files'));
    await this.files.init();
    this.sessions.startTimers();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 4125, this.options.host ?? '127.0.0.1', () =>
        resolve(),
      );
    });
    const addr = this.server.address() as AddressInfo;
    if (this.options.autoAgent) {
      this.autoAgent = new AutoAgent(
        this,
        this.options.autoAgent,
        this.log,
        this.options.autoAgentDelayMs ?? 400,
      );
      this.autoAgent.start();
    }
    this.log.info(
      { host: addr.address, port: addr.port, dataDir: dir },
      'chat server simulator listening',
    );
    return { host: addr.address, port: addr.port };
  }

  async stop(): Promise<void> {
    this.autoAgent?.stop();
    this.sessions.stopTimers();
    this.links.close();
    for (const set of this.waiters.values()) for (const w of set) w.resolve();
    for (const w of this.newChatWaiters) w();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private wake(chatId: string, index: number): void {
    const set = this.waiters.get(chatId);
    if (!set) return;
    for (const w of [...set]) if (index >= w.from) w.resolve();
  }

  /** Wait until the chat has an event with index >= from (or it times out). */
  waitForEvents(chatId: string, from: number, timeoutMs: number): Promise<void> {
    const s = this.sessions.byId(chatId);
    if (s.transcript.length >= from || s.ended) return Promise.resolve();
    return new Promise((resolve) => {
      const set = this.waiters.get(chatId) ?? new Set<Waiter>();
      this.waiters.set(chatId, set);
      const w: Waiter = {
        from,
        resolve: () => {
          clearTimeout(timer);
          set.delete(w);
          if (set.size === 0) this.waiters.delete(chatId);
          resolve();
        },
      };
      const timer = setTimeout(w.resolve, timeoutMs);
      set.add(w);
    });
  }

  /** The oldest chat no agent has joined or claimed yet, for `service` if given. */
  private nextWaiting(service?: string): ChatSession | undefined {
    for (const s of this.sessions.all()) {
      if (s.ended || this.claimed.has(s.chatId)) continue;
      if (service && s.service !== service) continue;
      if ([...s.participants.values()].some((p) => p.type !== 'Client')) continue;
      return s;
    }
    return undefined;
  }

  /** Claim and join the next waiting chat, waiting up to timeoutMs for one to arrive. */
  async acceptNext(
    nickname: string,
    service: string | undefined,
    timeoutMs: number,
  ): Promise<{ chatId: string; participantId: number; service: string } | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.nextWaiting(service);
      if (s) {
        this.claimed.add(s.chatId);
        const { participantId } = this.sessions.agentJoin(s.chatId, nickname);
        return { chatId: s.chatId, participantId, service: s.service };
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(t);
          this.newChatWaiters.delete(done);
          resolve();
        };
        const t = setTimeout(done, left);
        this.newChatWaiters.add(done);
      });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (e) {
      if (e instanceof HttpError) {
        sendJson(res, e.status, { error: { code: e.code ?? e.status, message: e.message } });
      } else if (isChatError(e)) {
        sendJson(res, httpStatusOf(e), { error: { code: e.code, message: e.message } });
      } else {
        this.log.error({ err: e, url: req.url }, 'request failed');
        if (!res.headersSent)
          sendJson(res, 500, { error: { code: ErrorCode.Internal, message: 'internal error' } });
        else res.destroy();
      }
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://cs');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/healthz' || path === '/readyz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/v1/info' && method === 'GET')
      return sendJson(res, 200, {
        name: this.options.name ?? 'cs-1',
        version: this.options.version ?? '8.5.108.02',
        alias: this.options.alias ?? '117',
        sessions: this.sessions.size,
        nodes: this.links.list(),
      });
    if (path === '/v1/nodes' && method === 'GET') return sendJson(res, 200, this.links.list());
    if (path === NODE_FILES_PATH && method === 'POST') return this.nodeUpload(req, res);
    if (path.startsWith(`${NODE_FILES_PATH}/`) && method === 'GET')
      return this.nodeDownload(req, res, path.slice(NODE_FILES_PATH.length + 1));
    if (path === '/v1/chats' && method === 'GET')
      return sendJson(res, 200, this.listChats(url.searchParams));
    if (path === '/v1/agents/next' && method === 'POST') {
      const body = await readJson(req);
      const nickname = bodyText(body, 'nickname', true) as string;
      const service = bodyText(body, 'service', false);
      const timeoutMs = Math.min(Number(body.timeoutMs ?? 25_000) || 0, MAX_WAIT_MS);
      const r = await this.acceptNext(nickname, service, timeoutMs);
      return r ? sendJson(res, 200, r) : sendJson(res, 204, {});
    }
    const m = CHAT_PATH.exec(path);
    if (!m) throw new HttpError(404, `no route ${method} ${path}`);
    const chatId = m[1] as string;
    const action = m[2];
    const fileId = m[3];
    const s = this.sessions.byId(chatId);
    if (action === undefined && method === 'GET') return sendJson(res, 200, this.describe(s));
    if (action === 'events' && method === 'GET') {
      const from = Math.max(1, Number(url.searchParams.get('from') ?? '1') || 1);
      const timeoutMs = Math.min(
        Number(url.searchParams.get('timeoutMs') ?? '0') || 0,
        MAX_WAIT_MS,
      );
      if (timeoutMs > 0) await this.waitForEvents(chatId, from, timeoutMs);
      return sendJson(res, 200, {
        events: s.transcript.filter((e) => e.index >= from),
        nextPosition: s.transcript.length + 1,
        chatEnded: s.ended,
      });
    }
    if (action === 'files' && fileId && method === 'GET') return this.agentDownload(s, fileId, res);
    if (action === 'files' && !fileId && method === 'POST')
      return this.agentUpload(s, req, res, url.searchParams);
    if (method !== 'POST') throw new HttpError(405, `${method} not allowed on ${path}`);
    const body = await readJson(req);
    const participantId = body.participantId === undefined ? undefined : Number(body.participantId);
    switch (action) {
      case 'join': {
        const type = (bodyText(body, 'type', false) ?? 'Agent') as ParticipantType;
        if (!['Agent', 'Supervisor', 'External'].includes(type))
          throw new HttpError(400, 'type must be Agent, Supervisor or External');
        this.claimed.add(chatId);
        return sendJson(
          res,
          200,
          this.sessions.agentJoin(chatId, bodyText(body, 'nickname', true) as string, type),
        );
      }
      case 'send':
        return sendJson(res, 200, {
          event: this.sessions.agentEvent(
            chatId,
            'Message',
            bodyText(body, 'text', true),
            participantId,
          ),
        });
      case 'typing': {
        const type = body.typing === false ? 'TypingStopped' : 'TypingStarted';
        return sendJson(res, 200, {
          event: this.sessions.agentEvent(
            chatId,
            type,
            bodyText(body, 'text', false),
            participantId,
          ),
        });
      }
      case 'push-url': {
        const u = bodyText(body, 'url', true) as string;
        if (!/^https?:\/\//.test(u)) throw new HttpError(400, 'url must be an http or https URL');
        return sendJson(res, 200, {
          event: this.sessions.agentEvent(chatId, 'PushUrl', u, participantId),
        });
      }
      case 'notice':
        return sendJson(res, 200, {
          event: this.sessions.agentEvent(
            chatId,
            'CustomNotice',
            bodyText(body, 'text', false) ?? '',
            participantId,
          ),
        });
      case 'leave':
        return sendJson(res, 200, {
          event: this.sessions.agentLeave(chatId, participantId, body.endChat !== false),
        });
      case 'idle-alert':
        return sendJson(res, 200, {
          event: this.sessions.idleAlert(chatId, bodyText(body, 'text', false)),
        });
      case 'idle-close':
        return sendJson(res, 200, {
          event: this.sessions.idleClose(chatId, bodyText(body, 'text', false)),
        });
      default:
        throw new HttpError(404, `no route ${method} ${path}`);
    }
  }

  private listChats(q: URLSearchParams): unknown[] {
    const state = q.get('state');
    const service = q.get('service');
    const out = [];
    for (const s of this.sessions.all()) {
      const agents = [...s.participants.values()].filter((p) => p.type !== 'Client');
      const st = s.ended ? 'ended' : agents.length === 0 ? 'waiting' : 'active';
      if (state && st !== state) continue;
      if (service && s.service !== service) continue;
      out.push({
        chatId: s.chatId,
        service: s.service,
        state: st,
        nickname: (s.participants.get(1) as Party).nickname,
        agents: agents
          .filter((a) => a.present)
          .map((a) => ({ participantId: a.participantId, nickname: a.nickname })),
        nextPosition: s.transcript.length + 1,
        boundNode: s.boundNode,
      });
    }
    return out;
  }

  private describe(s: ChatSession): unknown {
    return {
      chatId: s.chatId,
      userId: s.userId,
      service: s.service,
      alias: s.alias,
      subject: s.subject,
      emailAddress: s.emailAddress,
      chatEnded: s.ended,
      boundNode: s.boundNode,
      readIndex: s.readIndex,
      userData: s.userData,
      push: s.push
        ? { type: s.push.type, provider: s.push.provider, debug: s.push.debug }
        : undefined,
      participants: [...s.participants.values()],
      files: [...s.files.values()].map((f) => ({
        fileId: f.fileId,
        name: f.name,
        size: f.size,
        uploadedBy: f.uploadedBy,
        downloads: f.downloads,
        deleted: f.deleted,
      })),
      counters: s.counters,
      nextPosition: s.transcript.length + 1,
      transcript: s.transcript,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Files
  // ---------------------------------------------------------------------------------------------

  /**
   * A node streams a customer's upload: headers carry the session and the file name. The
   * content is refused as soon as it passes the session's budget; what is stored waits as a
   * pending upload until the node commits it (fileCommit).
   */
  private async nodeUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const secureKey = header(req, H_SECURE_KEY);
    const name = decodeName(header(req, H_FILE_NAME));
    const s = this.sessions.findOpen({ secureKey });
    this.sessions.checkUpload(s, name, 'Client');
    const budget = this.sessions.uploadBudget(s);
    const limits = this.sessions.options.limits;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > budget.max) {
      req.resume();
      throw tooLarge(budget, limits, s);
    }
    const uploadId = this.sessions.newFileId();
    const size = await this.files.store(uploadId, req, budget.max, () =>
      tooLarge(budget, limits, s),
    );
    this.sessions.addPendingUpload({
      uploadId,
      chatId: s.chatId,
      name,
      size,
      contentType: contentTypeOf(req),
    });
    sendJson(res, 200, { uploadId, size });
  }

  private async nodeDownload(
    req: IncomingMessage,
    res: ServerResponse,
    fileId: string,
  ): Promise<void> {
    const s = this.sessions.find({ secureKey: header(req, H_SECURE_KEY) });
    const f = this.sessions.beginDownload(s, fileId, 'Client');
    await this.stream(f.fileId, f.name, f.size, res);
  }

  private async agentDownload(s: ChatSession, fileId: string, res: ServerResponse): Promise<void> {
    const f = this.sessions.beginDownload(s, fileId, 'Agent');
    await this.stream(f.fileId, f.name, f.size, res);
  }

  private async agentUpload(
    s: ChatSession,
    req: IncomingMessage,
    res: ServerResponse,
    q: URLSearchParams,
  ): Promise<void> {
    const name = decodeName(q.get('name') ?? header(req, H_FILE_NAME));
    this.sessions.checkUpload(s, name, 'Agent');
    const agent = this.sessions.agent(
      s,
      q.has('participantId') ? Number(q.get('participantId')) : undefined,
    );
    const fileId = this.sessions.newFileId();
    const max = this.sessions.options.limits.uploadMaxFileSize;
    const size = await this.files.store(
      fileId,
      req,
      max,
      () => new ChatError(ErrorCode.FileTooLarge, `file larger than upload-max-file-size=${max}`),
    );
    const event = this.sessions.commitUpload(
      s,
      { fileId, name, size, contentType: contentTypeOf(req), userData: {} },
      agent,
      'agent',
    );
    sendJson(res, 200, { fileId, event });
  }

  private async stream(
    fileId: string,
    name: string,
    size: number,
    res: ServerResponse,
  ): Promise<void> {
    const stream = this.files.open(fileId);
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    }).catch(() => {
      throw new ChatError(ErrorCode.FileNotFound, `file ${fileId} is gone`);
    });
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': size,
      // The name travels only in this header, encoded (RFC 6266/5987), never as a path.
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    stream.pipe(res);
  }
}

function tooLarge(
  budget: { max: number; limit: 'file' | 'total' },
  l: FileLimits,
  s: ChatSession,
): ChatError {
  return budget.limit === 'file'
    ? new ChatError(
        ErrorCode.FileTooLarge,
        `file larger than upload-max-file-size=${l.uploadMaxFileSize} bytes`,
      )
    : new ChatError(
        ErrorCode.TotalSizeExceeded,
        `file larger than the ${budget.max} bytes left of upload-max-total-size=${l.uploadMaxTotalSize} (used ${s.counters.uploadedBytes})`,
      );
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  if (typeof v !== 'string' || v === '') throw new HttpError(400, `header ${name} is required`);
  return v;
}

function decodeName(v: string): string {
  let name: string;
  try {
    name = decodeURIComponent(v);
  } catch {
    throw new HttpError(400, 'file name is not valid URI encoding');
  }
  // Keep only the last path segment a browser may send ("C:\\fakepath\\a.txt").
  name = name.split(/[\\/]/).pop() ?? '';
  if (name === '' || name.length > 255 || hasAnyControlChars(name))
    throw new HttpError(400, 'file name must be 1-255 printable characters');
  return name;
}

function contentTypeOf(req: IncomingMessage): string {
  const ct = req.headers['x-gms-content-type'] ?? req.headers['content-type'];
  return typeof ct === 'string' && /^[\w.+-]+\/[\w.+-]+$/.test(ct)
    ? ct
    : 'application/octet-stream';
}

function bodyText(
  body: Record<string, unknown>,
  key: string,
  required: boolean,
): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw new HttpError(400, `"${key}" is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new HttpError(400, `"${key}" must be a string`);
  if (v.length > 16 * 1024) throw new HttpError(400, `"${key}" is too long`);
  return v;
}
