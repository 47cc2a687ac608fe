import { beforeEach, describe, expect, it } from 'vitest';
import { ChatError, ErrorCode } from '../../../src/gateway/chat/errors.js';
import { DEFAULT_FILE_LIMITS } from '../../../src/gateway/chat-server/limits.js';
import { ChatSessions, type SessionsOptions } from '../../../src/gateway/chat-server/sessions.js';

let now = 1_700_000_000_000;
const opts = (o: Partial<SessionsOptions> = {}): SessionsOptions => ({
  alias: '117',
  limits: DEFAULT_FILE_LIMITS,
  rotateSecureKeyOnMove: true,
  endedRetentionMs: 60_000,
  idleAlertMs: 0,
  idleCloseMs: 0,
  now: () => now,
  ...o,
});

function code(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ChatError) return e.code;
    throw e;
  }
  return undefined;
}

describe('ChatSessions', () => {
  let s: ChatSessions;
  beforeEach(() => {
    now = 1_700_000_000_000;
    s = new ChatSessions(opts());
  });

  it('requestChat: ids in the seed shapes, ParticipantJoined as event 1', () => {
    const r = s.requestChat('n1', { service: 'svc', nickname: 'Joan', userData: {} });
    expect(r.session).toMatchObject({ alias: '117', nextPosition: 2, chatEnded: false });
    expect(r.session.chatId).toMatch(/^0004[0-9A-Za-z]{12}$/);
    expect(r.session.userId).toMatch(/^00[0-9A-F]{14}$/);
    expect(r.session.secureKey).toMatch(/^[0-9a-f]{16}$/);
    expect(r.events).toEqual([
      {
        from: { nickname: 'Joan', participantId: 1, type: 'Client' },
        index: 1,
        type: 'ParticipantJoined',
        utcTime: 1_700_000_000_000,
      },
    ]);
  });

  it('indexes are contiguous across client, agent and system events', () => {
    const { session } = s.requestChat('n1', { service: 'svc', nickname: 'Joan', userData: {} });
    const id = { secureKey: session.secureKey };
    s.agentJoin(session.chatId, 'Alice');
    s.sendMessage('n1', id, 'hi');
    s.agentEvent(session.chatId, 'Message', 'hello');
    s.typing('n1', id, true, 'he');
    s.pushUrl('n1', id, 'http://x');
    s.updateNickname('n1', id, 'J2');
    s.customNotice('n1', id);
    s.idleAlert(session.chatId);
    const all = s.requestNotifications('n1', id, 0).events;
    expect(all.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(all.map((e) => e.type)).toEqual([
      'ParticipantJoined',
      'ParticipantJoined',
      'Message',
      'Message',
      'TypingStarted',
      'PushUrl',
      'NicknameUpdated',
      'CustomNotice',
      'IdleAlert',
    ]);
    expect(all[6]?.from.nickname).toBe('J2');
  });

  it('requestNotifications returns events from transcriptPosition; 0 means all', () => {
    const { session } = s.requestChat('n1', { service: 'svc', nickname: 'Joan', userData: {} });
    for (let i = 0; i < 4; i++) s.sendMessage('n1', { secureKey: session.secureKey }, `m${i}`);
    expect(
      s.requestNotifications('n1', { secureKey: session.secureKey }, 3).events.map((e) => e.index),
    ).toEqual([3, 4, 5]);
    expect(s.requestNotifications('n1', { secureKey: session.secureKey }, 0).events).toHaveLength(
      5,
    );
    expect(s.requestNotifications('n1', { secureKey: session.secureKey }, 99).events).toHaveLength(
      0,
    );
  });

  it('a resume on another node hands out a new secureKey; the old one still resumes but nothing else', () => {
    const { session } = s.requestChat('n1', { service: 'svc', nickname: 'Joan', userData: {} });
    const moved = s.requestNotifications('n2', { secureKey: session.secureKey }, 2);
    expect(moved.session.secureKey).not.toBe(session.secureKey);
    expect(moved.session.chatId).toBe(session.chatId);
    expect(code(() => s.sendMessage('n2', { secureKey: session.secureKey }, 'x'))).toBe(
      ErrorCode.SecureKeySuperseded,
    );
    expect(s.sendMessage('n2', { secureKey: moved.session.secureKey }, 'x').events[0]?.index).toBe(
      2,
    );
    // Same node again: no rotation.
    expect(
      s.requestNotifications('n2', { secureKey: moved.session.secureKey }, 0).session.secureKey,
    ).toBe(moved.session.secureKey);
    // The superseded key still resumes (a client that missed the new key), on the same session.
    expect(s.requestNotifications('n2', { secureKey: session.secureKey }, 0).session.chatId).toBe(
      session.chatId,
    );
  });

  it('a late resume from an older CometD session never takes the chat back from a newer one (attach epoch)', () => {
    const t = 1_700_000_000_000;
    const started = s.requestChat(
      'gms-0',
      { service: 'svc', nickname: 'Joan', userData: {} },
      { session: 'a1', since: t },
    );
    const key = started.session.secureKey;
    const chat = s.byId(started.session.chatId);
    // The customer's client handshakes again on gms-1 (a newer session) and resumes there.
    s.requestNotifications('gms-1', { secureKey: key }, 2, undefined, undefined, {
      session: 'b2',
      since: t + 500,
    });
    expect(chat.boundNode).toBe('gms-1');
    const latestKey = chat.secureKey;
    // A requestNotifications the client sent on its old session before it moved arrives now.
    expect(
      code(() =>
        s.requestNotifications('gms-0', { secureKey: key }, 2, undefined, undefined, {
          session: 'a1',
          since: t,
        }),
      ),
    ).toBe(ErrorCode.StaleSession);
    expect(chat.boundNode).toBe('gms-1'); // still where the customer is
    expect(chat.secureKey).toBe(latestKey); // no rotation either
    // ... and a Chat Server reconnect of gms-0 does not reclaim it.
    expect(
      s.resume('gms-0', [
        { secureKey: latestKey, nextPosition: 2, attach: { session: 'a1', since: t } },
      ]),
    ).toEqual([]);
    expect(chat.boundNode).toBe('gms-1');
    // The same session again, or a newer one anywhere, does move it (also after gms-1 left).
    s.unbindNode('gms-1');
    s.requestNotifications('gms-2', { secureKey: latestKey }, 2, undefined, undefined, {
      session: 'c3',
      since: t + 900,
    });
    expect(chat.boundNode).toBe('gms-2');
    // A node that does not send the session (older protocol) keeps the old behaviour.
    s.requestNotifications('gms-0', { secureKey: chat.secureKey }, 2);
    expect(chat.boundNode).toBe('gms-0');
  });

  it('deprecated chatId/userId must match when sent; a session answers only on its service', () => {
    const { session } = s.requestChat('n1', { service: 'svc', nickname: 'Joan', userData: {} });
    expect(
      code(() => s.sendMessage('n1', { secureKey: session.secureKey, chatId: 'other' }, 'x')),
    ).toBe(ErrorCode.IdentifierMismatch);
    expect(
      code(() => s.sendMessage('n1', { secureKey: session.secureKey, userId: 'other' }, 'x')),
    ).toBe(ErrorCode.IdentifierMismatch);
    expect(
      code(() => s.sendMessage('n1', { secureKey: session.secureKey, service: 'other' }, 'x')),
    ).toBe(ErrorCode.ChatNotFound);
    expect(code(() => s.sendMessage('n1', { secureKey: 'unknown' }, 'x'))).toBe(
      ErrorCode.ChatNotFound,
    );
  });

  it('disconnect ends the chat: later operations fail, requestNotifications still answers, then it is purged', () => {
    const { session } = s.requestChat('n1', { service: 'svc', nickname: 'Joan', userData: {} });
    const d = s.disconnect('n1', { secureKey: session.secureKey });
    expect(d.events).toEqual([]);
    expect(d.session.chatEnded).toBe(true);
    expect(code(() => s.sendMessage('n1', { secureKey: session.secureKey }, 'x'))).toBe(
      ErrorCode.ChatEnded,
    );
    const r = s.requestNotifications('n1', { secureKey: session.secureKey }, 2);
    expect(r.events.map((e) => e.type)).toEqual(['ParticipantLeft']);
    now += 61_000;
    s.sweep();
    expect(code(() => s.requestNotifications('n1', { secureKey: session.secureKey }, 0))).toBe(
      ErrorCode.ChatNotFound,
    );
  });

  it('readReceipt: the index of an existing event', () => {
    const { session } = s.requestChat('n1', { service: 'svc', nickname: 'Joan', userData: {} });
    expect(s.readReceipt('n1', { secureKey: session.secureKey }, 1).events).toEqual([]);
    expect(code(() => s.readReceipt('n1', { secureKey: session.secureKey }, 2))).toBe(
      ErrorCode.InvalidParameter,
    );
    expect(code(() => s.readReceipt('n1', { secureKey: session.secureKey }, 0))).toBe(
      ErrorCode.InvalidParameter,
    );
  });

  it('agent leave ends the chat when the last agent goes (unless told not to)', () => {
    const { session } = s.requestChat('n1', { service: 'svc', nickname: 'Joan', userData: {} });
    s.agentJoin(session.chatId, 'A');
    s.agentJoin(session.chatId, 'B');
    s.agentLeave(session.chatId, 2, true);
    expect(s.byId(session.chatId).ended).toBe(false);
    s.agentLeave(session.chatId, 3, true);
    expect(s.byId(session.chatId).ended).toBe(true);
  });

  it('idle timers raise IdleAlert once, then IdleClose ends the chat', () => {
    s = new ChatSessions(opts({ idleAlertMs: 10_000, idleCloseMs: 20_000 }));
    const { session } = s.requestChat('n1', { service: 'svc', nickname: 'Joan', userData: {} });
    now += 11_000;
    s.sweep();
    s.sweep();
    now += 10_000;
    s.sweep();
    const types = s.byId(session.chatId).transcript.map((e) => e.type);
    expect(types).toEqual(['ParticipantJoined', 'IdleAlert', 'IdleClose']);
    expect(s.byId(session.chatId).ended).toBe(true);
  });

  it('emits every event with its origin (client operations travel in their response)', () => {
    const seen: string[] = [];
    s.on('event', (_s, e, origin) => seen.push(`${e.type}:${origin}`));
    const { session } = s.requestChat('n1', { service: 'svc', nickname: 'Joan', userData: {} });
    s.agentJoin(session.chatId, 'A');
    s.idleAlert(session.chatId);
    expect(seen).toEqual([
      'ParticipantJoined:client-op',
      'ParticipantJoined:agent',
      'IdleAlert:system',
    ]);
  });
});

describe('ChatSessions: file limits', () => {
  let s: ChatSessions;
  const up = (session: ReturnType<ChatSessions['byId']>, name: string, size: number) => {
    s.checkUpload(session, name, 'Client');
    const id = s.newFileId();
    s.addPendingUpload({
      uploadId: id,
      chatId: session.chatId,
      name,
      size,
      contentType: 'text/plain',
    });
    return s.commitPendingUpload({ secureKey: session.secureKey }, id, {});
  };
  beforeEach(() => {
    s = new ChatSessions(
      opts({
        limits: {
          ...DEFAULT_FILE_LIMITS,
          uploadMaxFiles: 2,
          uploadMaxFileSize: 100,
          uploadMaxTotalSize: 150,
          downloadAttempts: 1,
        },
      }),
    );
  });

  it('needs an agent first (upload-need-agent), an allowed type, and respects count and sizes', () => {
    const { session: st } = s.requestChat('n1', { service: 'svc', nickname: 'Joan', userData: {} });
    const session = s.byId(st.chatId);
    expect(code(() => s.checkUpload(session, 'a.txt', 'Client'))).toBe(ErrorCode.UploadNeedsAgent);
    s.agentJoin(st.chatId, 'A');
    expect(code(() => s.checkUpload(session, 'a.exe', 'Client'))).toBe(
      ErrorCode.FileTypeNotAllowed,
    );
    expect(code(() => s.checkUpload(session, 'noext', 'Client'))).toBe(
      ErrorCode.FileTypeNotAllowed,
    );
    expect(s.uploadBudget(session)).toEqual({ max: 100, limit: 'file' });
    const r = up(session, 'a.TXT', 90);
    expect(r.fileId).toMatch(/^[0-9A-F]{16}$/);
    expect(s.uploadBudget(session)).toEqual({ max: 60, limit: 'total' });
    expect(code(() => up(session, 'b.txt', 70))).toBe(ErrorCode.TotalSizeExceeded);
    up(session, 'b.txt', 10);
    expect(code(() => s.checkUpload(session, 'c.txt', 'Client'))).toBe(ErrorCode.TooManyFiles);
    expect(s.fileGetLimits({ secureKey: st.secureKey }).limits).toMatchObject({
      'used-upload-max-files': '2',
      'used-upload-max-total-size': '100',
      'upload-max-files': '2',
    });
  });

  it('downloads count against download-attempts; customers delete only their own files', () => {
    const { session: st } = s.requestChat('n1', { service: 'svc', nickname: 'Joan', userData: {} });
    const session = s.byId(st.chatId);
    const agent = s.agentJoin(st.chatId, 'A');
    const mine = up(session, 'a.txt', 10).fileId as string;
    s.beginDownload(session, mine, 'Client');
    expect(code(() => s.beginDownload(session, mine, 'Client'))).toBe(
      ErrorCode.DownloadAttemptsExceeded,
    );
    s.beginDownload(session, mine, 'Agent'); // agents are not counted
    const agentFile = s.newFileId();
    s.commitUpload(
      session,
      { fileId: agentFile, name: 'b.pdf', size: 5, contentType: 'application/pdf', userData: {} },
      { nickname: 'A', participantId: agent.participantId, type: 'Agent' },
      'agent',
    );
    expect(code(() => s.deleteFile({ secureKey: st.secureKey }, agentFile))).toBe(
      ErrorCode.FileDeleteForbidden,
    );
    s.deleteFile({ secureKey: st.secureKey }, mine);
    expect(code(() => s.beginDownload(session, mine, 'Client'))).toBe(ErrorCode.FileNotFound);
    // delete-file=false: the slot is not given back.
    expect(session.counters.uploadedFiles).toBe(1);
  });
});
