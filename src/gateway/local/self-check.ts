/**
 * The demo's self-check (`gmsctl demo`, `gmsctl demo --once`): one scripted chat end to end
 * through the local setup's entry point (the load balancer, else node 1) with the official
 * cometd client, as a customer app would run it (seed, "Chat API Version 2 via CometD"):
 * handshake and subscribe, requestChat, an agent joins and replies, sendMessage (answered by
 * the agent), disconnect; then the client's transcript is compared with the Chat Server's.
 * Each step is reported, so a failure names what broke.
 */
import type { ChatEvent } from '../chat/model.js';
import { GmsChatClient } from '../client/chat-client.js';

export interface SelfCheckOptions {
  /** CometD URL (…/genesys/cometd). */
  url: string;
  service: string;
  /** Basic-auth credentials for requestChat when the service requires them. */
  auth?: { username: string; password: string };
  /** Chat Server simulator base URL (agent API). */
  csUrl: string;
  /** Nickname of the scripted agent that answers by itself; without it the check drives the agent API. */
  autoAgent?: string;
  /** Per-step timeout. */
  stepTimeoutMs?: number;
}

export interface SelfCheckStep {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
}

export interface SelfCheckResult {
  ok: boolean;
  steps: SelfCheckStep[];
  chatId?: string;
  transport?: string;
}

async function agentApi(csUrl: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${csUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`agent API ${path}: HTTP ${res.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : {};
}

export async function selfCheck(o: SelfCheckOptions): Promise<SelfCheckResult> {
  const timeout = o.stepTimeoutMs ?? 10_000;
  const steps: SelfCheckStep[] = [];
  const result: SelfCheckResult = { ok: false, steps };
  let client: GmsChatClient | undefined;
  const step = async (name: string, fn: () => Promise<string>): Promise<void> => {
    const started = Date.now();
    try {
      const detail = await fn();
      steps.push({ name, ok: true, ms: Date.now() - started, detail });
    } catch (e) {
      steps.push({ name, ok: false, ms: Date.now() - started, detail: (e as Error).message });
      throw e;
    }
  };
  const fromAgent = (pred: (e: ChatEvent) => boolean) =>
    client!.waitForEvent((e) => e.from.type === 'Agent' && pred(e), timeout);
  try {
    await step('handshake and subscribe', async () => {
      client = await GmsChatClient.connect({
        url: o.url,
        service: o.service,
        subscribe: true,
        responseTimeoutMs: timeout,
      });
      await client.waitSubscribed();
      result.transport = client.transportType;
      return `${client.transportType ?? '?'}, /service/chatV2/${o.service}`;
    });
    await step('requestChat', async () => {
      const n = await client!.requestChat({
        nickname: 'Self-check',
        subject: 'gmsctl demo self-check',
        ...(o.auth ? { auth: o.auth } : {}),
      });
      result.chatId = n.chatId;
      return `chat ${n.chatId ?? '?'}`;
    });
    await step('agent joins and replies', async () => {
      if (!o.autoAgent) {
        const joined = (await agentApi(o.csUrl, `/v1/chats/${result.chatId}/join`, {
          nickname: 'Agent',
        })) as { participantId: number };
        await agentApi(o.csUrl, `/v1/chats/${result.chatId}/send`, {
          text: 'Hello, how can I help?',
          participantId: joined.participantId,
        });
      }
      const joined = await fromAgent((e) => e.type === 'ParticipantJoined');
      const greeting = await fromAgent((e) => e.type === 'Message');
      return `${joined.from.nickname}: "${greeting.text ?? ''}"`;
    });
    await step('sendMessage', async () => {
      await client!.send('sendMessage', { message: 'self-check message' });
      if (!o.autoAgent)
        await agentApi(o.csUrl, `/v1/chats/${result.chatId}/send`, {
          text: 'You wrote: self-check message',
        });
      const reply = await fromAgent(
        (e) => e.type === 'Message' && /self-check message/.test(e.text ?? ''),
      );
      return `answered "${reply.text ?? ''}"`;
    });
    await step('disconnect', async () => {
      const n = await client!.send('disconnect');
      if (!n.chatEnded) throw new Error('the disconnect notification does not say chatEnded');
      return 'chat ended';
    });
    await step('transcript', async () => {
      const res = await fetch(`${o.csUrl}/v1/chats/${result.chatId}`, {
        signal: AbortSignal.timeout(5000),
      });
      const chat = (await res.json()) as { chatEnded: boolean; transcript: { index: number }[] };
      if (!chat.chatEnded) throw new Error('the Chat Server still has the chat open');
      const gaps = client!.gaps();
      if (gaps.length > 0) throw new Error(`the client missed events ${gaps.join(', ')}`);
      // The last event (the customer leaving) is in the Chat Server's transcript only: the
      // disconnect notification carries no messages (seed, "Disconnect").
      if (client!.lastIndex < chat.transcript.length - 1)
        throw new Error(
          `the client has ${client!.lastIndex} of ${chat.transcript.length} events of the Chat Server's transcript`,
        );
      return `${chat.transcript.length} events, none missed`;
    });
    result.ok = true;
  } catch {
    result.ok = false;
  } finally {
    await client?.close().catch(() => undefined);
  }
  return result;
}

/** The steps as lines for a terminal, and the PASS/FAIL line. */
export function formatSelfCheck(r: SelfCheckResult): string[] {
  const lines = r.steps.map(
    (s) => `  ${s.ok ? 'ok  ' : 'FAIL'} ${s.name.padEnd(24)} ${s.detail} (${s.ms} ms)`,
  );
  const failed = r.steps.find((s) => !s.ok);
  lines.push(
    r.ok
      ? `PASS: a whole chat went through ${r.transport ?? 'CometD'} end to end`
      : `FAIL: ${failed ? `${failed.name}: ${failed.detail}` : 'the self-check did not finish'}`,
  );
  return lines;
}
