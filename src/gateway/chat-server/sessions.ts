/**
 * Chat sessions and transcripts held by the Chat Server simulator, so a session outlives any
 * one gateway node (domain/gms.md §7: "Intermediate transcripts in UCS or Cassandra"; here in
 * memory). Every state change appends one transcript event with the next index.
 */
import { EventEmitter } from 'node:events';
import { ChatError, ErrorCode } from '../chat/errors.js';
import type {
  ChatEvent,
  ChatEventType,
  Party,
  ParticipantType,
  PushRegistration,
} from '../chat/model.js';
import { newChatId, newFileId, newSecureKey, newUserId } from './ids.js';
import { extensionOf, limitsReport, type FileLimits } from './limits.js';
import type { OpResult, SessionState } from './protocol.js';

export interface Participant extends Party {
  present: boolean;
}

export interface StoredFile {
  fileId: string;
  name: string;
  size: number;
  contentType: string;
  uploadedBy: Party;
  userData: Record<string, string>;
  downloads: number;
  deleted: boolean;
}

/** Content stored by a node, waiting for its fileCommit (expires after PENDING_UPLOAD_MS). */
export interface PendingUpload {
  uploadId: string;
  chatId: string;
  name: string;
  size: number;
  contentType: string;
  createdAt: number;
}

export const PENDING_UPLOAD_MS = 60_000;

export interface ChatSession {
  chatId: string;
  userId: string;
  secureKey: string;
  /** Keys handed out before the current one; accepted by requestNotifications only. */
  superseded: Set<string>;
  alias: string;
  service: string;
  subject?: string;
  emailAddress?: string;
  firstName?: string;
  lastName?: string;
  userData: Record<string, string>;
  push?: PushRegistration;
  participants: Map<number, Participant>;
  nextParticipantId: number;
  transcript: ChatEvent[];
  ended: boolean;
  createdAt: number;
  lastClientActivity: number;
  /** The node that currently receives this session's events (null: none attached). */
  boundNode: string | null;
  /**
   * Monotonic attach epoch: when the newest customer CometD session that ever attached this
   * chat (requestChat / requestNotifications) was created, in its node's clock. A resume from
   * an older CometD session is a late request of a session the customer already left, and
   * never takes the chat back (see requestNotifications).
   */
  attachedSince: number;
  /** Highest event index the client acknowledged with readReceipt. */
  readIndex: number;
  files: Map<string, StoredFile>;
  counters: { uploadedFiles: number; uploadedBytes: number; downloads: number };
  idleAlertSent: boolean;
}

/** Where an event came from: a node's CometD request (travels in its response) or elsewhere. */
export type EventOrigin = 'client-op' | 'client-http' | 'agent' | 'system';

export interface SessionsOptions {
  alias: string;
  limits: FileLimits;
  /** Hand out a new secureKey when a session resumes on a different node (seed: "may change"). */
  rotateSecureKeyOnMove: boolean;
  /** How long an ended session still answers requestNotifications. */
  endedRetentionMs: number;
  /** Client inactivity before IdleAlert / IdleClose (0 = never). */
  idleAlertMs: number;
  idleCloseMs: number;
  now?: () => number;
}

const SYSTEM: Party = { nickname: 'system', participantId: 0, type: 'External' };

function notFound(): ChatError {
  return new ChatError(
    ErrorCode.ChatNotFound,
    'no chat session for this secureKey (unknown, expired or ended and purged)',
  );
}

export interface RequestChatArgs {
  service: string;
  nickname: string;
  firstName?: string;
  lastName?: string;
  subject?: string;
  emailAddress?: string;
  userData: Record<string, string>;
  push?: PushRegistration;
}

/**
 * The customer's CometD session a chat request came from, as the gateway node saw it: its
 * clientId and when it was created (handshake time, ms since the epoch, node clock).
 */
export interface AttachSession {
  session: string;
  since: number;
}

export interface SessionIdentity {
  secureKey: string;
  chatId?: string;
  userId?: string;
  /** The chat service whose channel the request came on; a session answers only on its own. */
  service?: string;
}

/**
 * Emits 'event' (session, event, origin, node) for every appended event and 'ended' (session).
 */
export class ChatSessions extends EventEmitter {
  private readonly byChatId = new Map<string, ChatSession>();
  private readonly byKey = new Map<string, ChatSession>();
  readonly pendingUploads = new Map<string, PendingUpload>();
  private readonly now: () => number;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(readonly options: SessionsOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  /** Start the timer that raises idle events and purges ended sessions. */
  startTimers(intervalMs = 1000): void {
    this.sweeper = setInterval(() => this.sweep(), intervalMs);
    this.sweeper.unref();
  }

  stopTimers(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  get size(): number {
    return this.byChatId.size;
  }

  all(): IterableIterator<ChatSession> {
    return this.byChatId.values();
  }

  byId(chatId: string): ChatSession {
    const s = this.byChatId.get(chatId);
    if (!s) throw new ChatError(ErrorCode.ChatNotFound, `no chat session ${chatId}`);
    return s;
  }

  state(s: ChatSession): SessionState {
    return {
      chatId: s.chatId,
      userId: s.userId,
      secureKey: s.secureKey,
      alias: s.alias,
      nextPosition: s.transcript.length + 1,
      chatEnded: s.ended,
    };
  }

  result(s: ChatSession, events: ChatEvent[]): OpResult {
    const r: OpResult = { service: s.service, session: this.state(s), events };
    if (s.push) r.push = s.push;
    return r;
  }

  /**
   * Find the session of a request. Superseded keys are accepted only where `allowSuperseded`
   * (requestNotifications: a client that missed the notification carrying the new key can
   * still resume); elsewhere they are refused so clients learn to reuse the latest key.
   */
  find(id: SessionIdentity, allowSuperseded = false): ChatSession {
    const s = this.byKey.get(id.secureKey);
    if (!s || (id.service !== undefined && id.service !== s.service)) throw notFound();
    if (id.secureKey !== s.secureKey && !allowSuperseded)
      throw new ChatError(
        ErrorCode.SecureKeySuperseded,
        'this secureKey was replaced; use the secureKey of the latest notification',
      );
    // chatId/userId are deprecated (8.5.112) but, when sent, must name the same session.
    if (id.chatId !== undefined && id.chatId !== s.chatId)
      throw new ChatError(
        ErrorCode.IdentifierMismatch,
        'chatId does not match the session of this secureKey',
      );
    if (id.userId !== undefined && id.userId !== s.userId)
      throw new ChatError(
        ErrorCode.IdentifierMismatch,
        'userId does not match the session of this secureKey',
      );
    return s;
  }

  /** find() for operations that need a live session. */
  findOpen(id: SessionIdentity): ChatSession {
    const s = this.find(id);
    if (s.ended) throw new ChatError(ErrorCode.ChatEnded, 'the chat session has ended');
    return s;
  }

  private append(
    s: ChatSession,
    type: ChatEventType,
    from: Party,
    origin: EventOrigin,
    node: string | null,
    extra: Partial<Pick<ChatEvent, 'text' | 'messageType' | 'userData'>> = {},
  ): ChatEvent {
    const event: ChatEvent = {
      from: { nickname: from.nickname, participantId: from.participantId, type: from.type },
      index: s.transcript.length + 1,
      type,
      // GMS reports whole seconds in milliseconds (seed examples: 1590051516000).
      utcTime: Math.floor(this.now() / 1000) * 1000,
      ...extra,
    };
    if (event.text === undefined) delete event.text;
    s.transcript.push(event);
    this.emit('event', s, event, origin, node);
    return event;
  }

  private client(s: ChatSession): Participant {
    return s.participants.get(1) as Participant;
  }

  private touch(s: ChatSession): void {
    s.lastClientActivity = this.now();
    s.idleAlertSent = false;
  }

  private end(s: ChatSession): void {
    if (s.ended) return;
    s.ended = true;
    s.lastClientActivity = this.now();
    this.emit('ended', s);
  }

  // -------------------------------------------------------------------------------------------
  // Client (customer) side: the eleven operations, as a node forwards them.
  // -------------------------------------------------------------------------------------------

  requestChat(node: string, a: RequestChatArgs, attach?: AttachSession): OpResult {
    const s: ChatSession = {
      chatId: newChatId(),
      userId: newUserId(),
      secureKey: newSecureKey(),
      superseded: new Set(),
      alias: this.options.alias,
      service: a.service,
      userData: { ...a.userData },
      participants: new Map(),
      nextParticipantId: 2,
      transcript: [],
      ended: false,
      createdAt: this.now(),
      lastClientActivity: this.now(),
      boundNode: node,
      attachedSince: attach?.since ?? 0,
      readIndex: 0,
      files: new Map(),
      counters: { uploadedFiles: 0, uploadedBytes: 0, downloads: 0 },
      idleAlertSent: false,
    };
    if (a.subject !== undefined) s.subject = a.subject;
    if (a.emailAddress !== undefined) s.emailAddress = a.emailAddress;
    if (a.firstName !== undefined) s.firstName = a.firstName;
    if (a.lastName !== undefined) s.lastName = a.lastName;
    if (a.push) s.push = a.push;
    const client: Participant = {
      nickname: a.nickname,
      participantId: 1,
      type: 'Client',
      present: true,
    };
    s.participants.set(1, client);
    this.byChatId.set(s.chatId, s);
    this.byKey.set(s.secureKey, s);
    const joined = this.append(s, 'ParticipantJoined', client, 'client-op', node);
    return this.result(s, [joined]);
  }

  /**
   * Seed, "Handling disconnections": resume with the latest transcript position; the answer
   * carries the events since then and a (possibly new) secureKey and alias.
   */
  requestNotifications(
    node: string,
    id: SessionIdentity,
    transcriptPosition: number,
    push?: PushRegistration,
    userData?: Record<string, string>,
    attach?: AttachSession,
  ): OpResult {
    const s = this.find(id, true);
    // A customer's client has one CometD session at a time and handshakes again only after it
    // gave the previous one up; so a request from a session created before the newest one that
    // attached this chat was sent before the customer moved, and arrives late (a slow node, a
    // retried or queued request). It must not take the chat's events back to a session nobody
    // reads any more.
    if (attach && !s.ended && attach.since < s.attachedSince)
      throw new ChatError(
        ErrorCode.StaleSession,
        'this chat is attached to a newer CometD session of the customer; handshake again to resume it here',
      );
    if (attach && !s.ended) s.attachedSince = attach.since;
    const moved = s.boundNode !== node;
    if (moved && this.options.rotateSecureKeyOnMove && !s.ended) {
      s.superseded.add(s.secureKey);
      s.secureKey = newSecureKey();
      this.byKey.set(s.secureKey, s);
    }
    if (!s.ended) s.boundNode = node;
    if (push) s.push = push;
    if (userData) Object.assign(s.userData, userData);
    if (!s.ended) this.touch(s);
    const from = Math.max(transcriptPosition, 1);
    return this.result(
      s,
      s.transcript.filter((e) => e.index >= from),
    );
  }

  /**
   * A node reclaims sessions after its connection to the Chat Server dropped and came back.
   * A chat that a newer CometD session attached meanwhile (elsewhere) is not reclaimed: it is
   * left out of the answer and the node drops it.
   */
  resume(
    node: string,
    chats: { secureKey: string; nextPosition: number; attach?: AttachSession }[],
  ): OpResult[] {
    const out: OpResult[] = [];
    for (const c of chats) {
      const s = this.byKey.get(c.secureKey);
      if (!s) continue;
      if (c.attach && !s.ended && c.attach.since < s.attachedSince) continue;
      if (c.attach && !s.ended) s.attachedSince = c.attach.since;
      if (!s.ended) s.boundNode = node;
      out.push(
        this.result(
          s,
          s.transcript.filter((e) => e.index >= Math.max(c.nextPosition, 1)),
        ),
      );
    }
    return out;
  }

  sendMessage(node: string, id: SessionIdentity, message: string, messageType?: string): OpResult {
    const s = this.findOpen(id);
    this.touch(s);
    const extra: Partial<ChatEvent> = { text: message };
    if (messageType) extra.messageType = messageType;
    return this.result(s, [this.append(s, 'Message', this.client(s), 'client-op', node, extra)]);
  }

  readReceipt(_node: string, id: SessionIdentity, transcriptPosition: number): OpResult {
    const s = this.findOpen(id);
    if (transcriptPosition < 1 || transcriptPosition > s.transcript.length)
      throw new ChatError(
        ErrorCode.InvalidParameter,
        `transcriptPosition ${transcriptPosition} is not the index of an event of this chat (1-${s.transcript.length})`,
      );
    this.touch(s);
    s.readIndex = Math.max(s.readIndex, transcriptPosition);
    return this.result(s, []);
  }

  typing(node: string, id: SessionIdentity, started: boolean, message?: string): OpResult {
    const s = this.findOpen(id);
    this.touch(s);
    const extra: Partial<ChatEvent> = {};
    if (message !== undefined) extra.text = message;
    const type = started ? 'TypingStarted' : 'TypingStopped';
    return this.result(s, [this.append(s, type, this.client(s), 'client-op', node, extra)]);
  }

  disconnect(node: string, id: SessionIdentity): OpResult {
    const s = this.findOpen(id);
    const client = this.client(s);
    client.present = false;
    // Ended first, so the event's notification already says chatEnded: true.
    this.end(s);
    this.append(s, 'ParticipantLeft', client, 'client-op', node);
    // Seed, "Disconnect": the response's messages are empty.
    return this.result(s, []);
  }

  pushUrl(node: string, id: SessionIdentity, url: string): OpResult {
    const s = this.findOpen(id);
    this.touch(s);
    return this.result(s, [
      this.append(s, 'PushUrl', this.client(s), 'client-op', node, { text: url }),
    ]);
  }

  updateNickname(node: string, id: SessionIdentity, nickname: string): OpResult {
    const s = this.findOpen(id);
    this.touch(s);
    const client = this.client(s);
    client.nickname = nickname;
    return this.result(s, [
      this.append(s, 'NicknameUpdated', client, 'client-op', node, { text: nickname }),
    ]);
  }

  customNotice(node: string, id: SessionIdentity, message?: string): OpResult {
    const s = this.findOpen(id);
    this.touch(s);
    return this.result(s, [
      this.append(s, 'CustomNotice', this.client(s), 'client-op', node, { text: message ?? '' }),
    ]);
  }

  updateData(_node: string, id: SessionIdentity, userData: Record<string, string>): OpResult {
    const s = this.findOpen(id);
    this.touch(s);
    Object.assign(s.userData, userData);
    return this.result(s, []);
  }

  // -------------------------------------------------------------------------------------------
  // Files (seed: "Chat Session File Management").
  // -------------------------------------------------------------------------------------------

  fileGetLimits(id: SessionIdentity): OpResult {
    const s = this.findOpen(id);
    const r = this.result(s, []);
    r.limits = limitsReport(this.options.limits, s.counters);
    const c = this.client(s);
    r.client = { nickname: c.nickname, participantId: c.participantId, type: c.type };
    return r;
  }

  /** Checks that do not need the content; `size` is known only for agent uploads. */
  checkUpload(s: ChatSession, fileName: string, by: 'Client' | 'Agent'): void {
    if (s.ended) throw new ChatError(ErrorCode.ChatEnded, 'the chat session has ended');
    const l = this.options.limits;
    if (by === 'Client') {
      if (
        l.uploadNeedAgent &&
        ![...s.participants.values()].some((p) => p.type === 'Agent' && p.present)
      )
        throw new ChatError(
          ErrorCode.UploadNeedsAgent,
          'uploads are allowed once an agent has joined the chat (upload-need-agent=true)',
        );
      if (s.counters.uploadedFiles >= l.uploadMaxFiles)
        throw new ChatError(
          ErrorCode.TooManyFiles,
          `this chat already has ${s.counters.uploadedFiles} uploaded files (upload-max-files=${l.uploadMaxFiles})`,
        );
      if (s.counters.uploadedBytes >= l.uploadMaxTotalSize)
        throw new ChatError(
          ErrorCode.TotalSizeExceeded,
          `the chat's uploads already total ${s.counters.uploadedBytes} bytes (upload-max-total-size=${l.uploadMaxTotalSize})`,
        );
    }
    const ext = extensionOf(fileName);
    if (!l.uploadFileTypes.includes(ext))
      throw new ChatError(
        ErrorCode.FileTypeNotAllowed,
        `file type "${ext || '(none)'}" is not allowed (upload-file-types=${l.uploadFileTypes.join(':')})`,
      );
  }

  /** How many bytes the next client upload may have: min(file size limit, what is left of the total). */
  uploadBudget(s: ChatSession): { max: number; limit: 'file' | 'total' } {
    const l = this.options.limits;
    const left = l.uploadMaxTotalSize - s.counters.uploadedBytes;
    return left < l.uploadMaxFileSize
      ? { max: left, limit: 'total' }
      : { max: l.uploadMaxFileSize, limit: 'file' };
  }

  newFileId(): string {
    return newFileId();
  }

  addPendingUpload(p: Omit<PendingUpload, 'createdAt'>): void {
    this.pendingUploads.set(p.uploadId, { ...p, createdAt: this.now() });
  }

  /**
   * Commit a pending customer upload: the limits are checked again (another upload may have
   * landed meanwhile) and the FileUploaded event is appended; it reaches the customer's CometD
   * session as an unsolicited notification (the HTTP answer carries only the file-id).
   */
  commitPendingUpload(
    id: SessionIdentity,
    uploadId: string,
    userData: Record<string, string>,
  ): OpResult {
    const s = this.findOpen(id);
    const p = this.pendingUploads.get(uploadId);
    if (!p || p.chatId !== s.chatId)
      throw new ChatError(
        ErrorCode.FileNotFound,
        `no pending upload ${uploadId.slice(0, 40)} for this chat`,
      );
    this.pendingUploads.delete(uploadId);
    try {
      this.checkUpload(s, p.name, 'Client');
      const budget = this.uploadBudget(s);
      if (p.size > budget.max)
        throw budget.limit === 'file'
          ? new ChatError(
              ErrorCode.FileTooLarge,
              `file larger than upload-max-file-size=${this.options.limits.uploadMaxFileSize} bytes`,
            )
          : new ChatError(
              ErrorCode.TotalSizeExceeded,
              `file larger than the ${budget.max} bytes left of upload-max-total-size=${this.options.limits.uploadMaxTotalSize}`,
            );
    } catch (e) {
      this.emit('uploadDiscarded', uploadId);
      throw e;
    }
    const event = this.commitUpload(
      s,
      { fileId: uploadId, name: p.name, size: p.size, contentType: p.contentType, userData },
      this.client(s),
      'client-http',
    );
    const r = this.result(s, []);
    r.fileId = event.userData?.['file-id'] ?? uploadId;
    return r;
  }

  /** Record a stored upload and append its FileUploaded event. */
  commitUpload(
    s: ChatSession,
    file: Omit<StoredFile, 'downloads' | 'deleted' | 'uploadedBy'>,
    by: Party,
    origin: EventOrigin,
  ): ChatEvent {
    const stored: StoredFile = { ...file, uploadedBy: by, downloads: 0, deleted: false };
    s.files.set(file.fileId, stored);
    if (by.type === 'Client') {
      s.counters.uploadedFiles += 1;
      s.counters.uploadedBytes += file.size;
      this.touch(s);
    }
    return this.append(s, 'FileUploaded', by, origin, null, {
      text: file.name,
      userData: {
        ...file.userData,
        'file-id': file.fileId,
        'file-name': file.name,
        'file-size': String(file.size),
      },
    });
  }

  /** Count one download; throws when the file is unknown or used up (download-attempts). */
  beginDownload(s: ChatSession, fileId: string, by: 'Client' | 'Agent'): StoredFile {
    const f = s.files.get(fileId);
    if (!f || f.deleted)
      throw new ChatError(ErrorCode.FileNotFound, `no file ${fileId} in this chat`);
    if (by === 'Client') {
      if (f.downloads >= this.options.limits.downloadAttempts)
        throw new ChatError(
          ErrorCode.DownloadAttemptsExceeded,
          `file ${fileId} was already downloaded ${f.downloads} times (download-attempts=${this.options.limits.downloadAttempts})`,
        );
      f.downloads += 1;
      s.counters.downloads += 1;
      this.touch(s);
    }
    return f;
  }

  /** Seed: "Web User has no permission to delete file uploaded by the agent." */
  deleteFile(id: SessionIdentity, fileId: string): { session: ChatSession; file: StoredFile } {
    const s = this.findOpen(id);
    const f = s.files.get(fileId);
    if (!f || f.deleted)
      throw new ChatError(ErrorCode.FileNotFound, `no file ${fileId} in this chat`);
    if (f.uploadedBy.type !== 'Client')
      throw new ChatError(
        ErrorCode.FileDeleteForbidden,
        'a customer may delete only files the customer uploaded',
      );
    f.deleted = true;
    if (this.options.limits.deleteFile === 'true') {
      s.counters.uploadedFiles = Math.max(0, s.counters.uploadedFiles - 1);
      s.counters.uploadedBytes = Math.max(0, s.counters.uploadedBytes - f.size);
    }
    this.touch(s);
    return { session: s, file: f };
  }

  // -------------------------------------------------------------------------------------------
  // Agent side (agent HTTP API).
  // -------------------------------------------------------------------------------------------

  agentJoin(
    chatId: string,
    nickname: string,
    type: ParticipantType = 'Agent',
  ): { participantId: number; event: ChatEvent } {
    const s = this.byId(chatId);
    if (s.ended) throw new ChatError(ErrorCode.ChatEnded, 'the chat session has ended');
    const p: Participant = { nickname, participantId: s.nextParticipantId++, type, present: true };
    s.participants.set(p.participantId, p);
    return {
      participantId: p.participantId,
      event: this.append(s, 'ParticipantJoined', p, 'agent', null),
    };
  }

  /** The agent acting: the given participant, or the first present agent. */
  agent(s: ChatSession, participantId?: number): Participant {
    if (participantId !== undefined) {
      const p = s.participants.get(participantId);
      if (!p || p.type === 'Client' || !p.present)
        throw new ChatError(
          ErrorCode.InvalidParameter,
          `participant ${participantId} is not an agent present in the chat`,
        );
      return p;
    }
    const p = [...s.participants.values()].find((x) => x.type !== 'Client' && x.present);
    if (!p) throw new ChatError(ErrorCode.InvalidParameter, 'no agent has joined this chat');
    return p;
  }

  agentEvent(
    chatId: string,
    type: 'Message' | 'TypingStarted' | 'TypingStopped' | 'PushUrl' | 'CustomNotice',
    text: string | undefined,
    participantId?: number,
  ): ChatEvent {
    const s = this.byId(chatId);
    if (s.ended) throw new ChatError(ErrorCode.ChatEnded, 'the chat session has ended');
    const p = this.agent(s, participantId);
    return this.append(s, type, p, 'agent', null, text === undefined ? {} : { text });
  }

  agentLeave(chatId: string, participantId: number | undefined, endChat: boolean): ChatEvent {
    const s = this.byId(chatId);
    if (s.ended) throw new ChatError(ErrorCode.ChatEnded, 'the chat session has ended');
    const p = this.agent(s, participantId);
    p.present = false;
    const agentsLeft = [...s.participants.values()].some((x) => x.type !== 'Client' && x.present);
    if (endChat && !agentsLeft) this.end(s);
    return this.append(s, 'ParticipantLeft', p, 'agent', null);
  }

  /** Seed push events IdleAlert/IdleClose (Chat Server IDLE_CONTROL_ALERT/CLOSE, domain/gms.md §3). */
  idleAlert(chatId: string, text = 'Chat will close soon due to inactivity'): ChatEvent {
    const s = this.byId(chatId);
    if (s.ended) throw new ChatError(ErrorCode.ChatEnded, 'the chat session has ended');
    s.idleAlertSent = true;
    return this.append(s, 'IdleAlert', SYSTEM, 'system', null, { text });
  }

  idleClose(chatId: string, text = 'Chat closed due to inactivity'): ChatEvent {
    const s = this.byId(chatId);
    if (s.ended) throw new ChatError(ErrorCode.ChatEnded, 'the chat session has ended');
    this.end(s);
    return this.append(s, 'IdleClose', SYSTEM, 'system', null, { text });
  }

  /** A node detached or its connection dropped: its sessions wait for the next node. */
  unbindNode(node: string): ChatSession[] {
    const out: ChatSession[] = [];
    for (const s of this.byChatId.values())
      if (s.boundNode === node) {
        s.boundNode = null;
        out.push(s);
      }
    return out;
  }

  private forget(s: ChatSession): void {
    this.byChatId.delete(s.chatId);
    this.byKey.delete(s.secureKey);
    for (const k of s.superseded) this.byKey.delete(k);
    this.emit('purged', s);
  }

  /** Idle alerts/closes and purging of ended sessions past their retention. */
  sweep(): void {
    const now = this.now();
    for (const p of [...this.pendingUploads.values()])
      if (now - p.createdAt >= PENDING_UPLOAD_MS) {
        this.pendingUploads.delete(p.uploadId);
        this.emit('uploadDiscarded', p.uploadId);
      }
    const { idleAlertMs, idleCloseMs, endedRetentionMs } = this.options;
    for (const s of [...this.byChatId.values()]) {
      if (s.ended) {
        if (now - s.lastClientActivity >= endedRetentionMs) this.forget(s);
        continue;
      }
      const idle = now - s.lastClientActivity;
      if (idleCloseMs > 0 && idle >= idleCloseMs) this.idleClose(s.chatId);
      else if (idleAlertMs > 0 && idle >= idleAlertMs && !s.idleAlertSent) this.idleAlert(s.chatId);
    }
  }
}
