/**
 * Sessions outlive nodes: resume on another node with requestNotifications (seed, "Handling
 * disconnections"), secureKey rotation, and the node API (domain/gms.md §5): OFFLINE detaches
 * the node from the Chat Server, ends its CometD sessions and fails readiness; ONLINE reattaches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GmsChatClient } from '../../../src/gateway/client/chat-client.js';
import type { ChatNotification } from '../../../src/gateway/chat/model.js';
import { agent, startHarness, waitFor, type Harness } from './harness.js';

const SERVICE = 'customer-support';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ nodes: 2 });
});
afterAll(async () => {
  await h.stop();
});

const cometd = (i: number): string => `${h.gateways[i]!.url}/genesys/cometd`;

describe('a chat resumes on another node', () => {
  it('with the latest transcript position: the missed events, a new secureKey, no gap', async () => {
    const a = await GmsChatClient.connect({ url: cometd(0), service: SERVICE, autoResume: false });
    const started = await a.requestChat({ nickname: 'Joan' });
    const chatId = started.chatId!;
    await agent(h.csUrl, `/v1/chats/${chatId}/join`, { nickname: 'Alice' });
    await a.waitForEvent((e) => e.type === 'ParticipantJoined' && e.from.type === 'Agent');
    const oldKey = a.secureKey!;
    const last = a.lastIndex;
    await a.close();

    // While no client is connected the agent keeps writing: the transcript keeps it.
    await agent(h.csUrl, `/v1/chats/${chatId}/send`, { text: 'are you there?' });
    await agent(h.csUrl, `/v1/chats/${chatId}/send`, { text: 'hello?' });

    const b = await GmsChatClient.connect({ url: cometd(1), service: SERVICE, subscribe: true });
    try {
      await b.waitSubscribed();
      const resumed = await b.send('requestNotifications', {
        secureKey: oldKey,
        chatId,
        userId: started.userId,
        alias: started.alias,
        transcriptPosition: last + 1,
      });
      expect(resumed.messages.map((e) => e.text)).toEqual(['are you there?', 'hello?']);
      expect(resumed.messages.map((e) => e.index)).toEqual([last + 1, last + 2]);
      expect(resumed.secureKey).not.toBe(oldKey);
      expect(resumed.chatId).toBe(chatId);

      // The latest key must be used from now on.
      const stale = await b
        .send('sendMessage', { secureKey: oldKey, message: 'x' })
        .catch((e: { notification: ChatNotification }) => e.notification);
      expect(stale.errors?.[0]?.code).toBe(105);
      await b.send('sendMessage', { message: 'yes, here' });
      await agent(h.csUrl, `/v1/chats/${chatId}/send`, { text: 'great' });
      await b.waitForEvent((e) => e.text === 'great');
      const chat = (await (await fetch(`${h.csUrl}/v1/chats/${chatId}`)).json()) as {
        boundNode: string;
        transcript: unknown[];
      };
      expect(chat.boundNode).toBe('gms-2');
      expect(b.lastIndex).toBe(chat.transcript.length);
    } finally {
      await b.close();
    }
  });

  it('the cometd client resumes by itself after its session is lost (automatic requestNotifications)', async () => {
    const c = await GmsChatClient.connect({ url: cometd(0), service: SERVICE });
    try {
      const r = await c.requestChat({ nickname: 'Max' });
      const resumed = new Promise<ChatNotification>((resolve) => c.once('resumed', resolve));
      // The server forgets the CometD session (as a restarted node would): 402 -> re-handshake.
      h.gateways[0]!.endpoint.destroyAll();
      await agent(h.csUrl, `/v1/chats/${r.chatId}/join`, { nickname: 'Alice' });
      await resumed;
      await c.waitForEvent((e) => e.type === 'ParticipantJoined' && e.from.type === 'Agent');
      expect(c.gaps()).toEqual([]);
      expect(c.sessions).toHaveLength(2);
    } finally {
      await c.close();
    }
  });
});

describe('a late resume of a CometD session the customer already left', () => {
  it('is refused (118) and the chat stays with the newer session on the other node', async () => {
    // The customer's first CometD session, on gms-1.
    const old = await GmsChatClient.connect({
      url: cometd(0),
      service: SERVICE,
      autoResume: false,
    });
    const started = await old.requestChat({ nickname: 'Late' });
    const chatId = started.chatId!;
    await agent(h.csUrl, `/v1/chats/${chatId}/join`, { nickname: 'Alice' });
    await old.waitForEvent((e) => e.type === 'ParticipantJoined' && e.from.type === 'Agent');
    // The customer's client handshakes again, now on gms-2 (a newer session), and resumes.
    await new Promise((r) => setTimeout(r, 5));
    const current = await GmsChatClient.connect({ url: cometd(1), service: SERVICE });
    try {
      await current.send('requestNotifications', {
        secureKey: old.secureKey,
        transcriptPosition: 1,
      });
      // A requestNotifications of the old session reaches gms-1 only now (sent before the
      // client moved, held up on the way). Without the attach epoch it took the chat back to
      // gms-1, where nobody reads the old session any more.
      const late = await old
        .send('requestNotifications', { secureKey: started.secureKey, transcriptPosition: 1 })
        .then(
          () => undefined,
          (e: { notification?: ChatNotification }) => e.notification,
        );
      expect(late?.errors?.[0]?.code).toBe(118);
      const chat = (await (await fetch(`${h.csUrl}/v1/chats/${chatId}`)).json()) as {
        boundNode: string;
      };
      expect(chat.boundNode).toBe('gms-2');
      await agent(h.csUrl, `/v1/chats/${chatId}/send`, { text: 'still with you?' });
      await current.waitForEvent((e) => e.text === 'still with you?', 5000);
      // gms-1 ended the stale session: a client still using it handshakes again.
      await waitFor(() => old.sessions.length === 2, 5000);
      expect(current.gaps()).toEqual([]);
    } finally {
      await current.close();
      await old.close();
    }
  });
});

describe('node API', () => {
  it('status, OFFLINE (detach, sessions ended, readiness fails, handshakes refused), ONLINE (reattach)', async () => {
    const node = h.gateways[0]!;
    const base = node.url;
    expect(await (await fetch(`${base}/genesys/1/admin/node/status`)).text()).toBe('ONLINE');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const c = await GmsChatClient.connect({ url: cometd(0), service: SERVICE, autoResume: false });
    await c.requestChat({ nickname: 'Off' });
    expect(node.endpoint.sessionCount).toBeGreaterThan(0);

    const off = await fetch(`${base}/genesys/1/admin/node/changestatus/OFFLINE`, {
      method: 'POST',
    });
    expect(await off.text()).toBe('OFFLINE');
    expect(await (await fetch(`${base}/genesys/1/admin/node/status`)).text()).toBe('OFFLINE');
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reasons: string[] }).reasons).toContain(
      'node status is OFFLINE',
    );
    expect(node.endpoint.sessionCount).toBe(0);
    await waitFor(async () =>
      ((await (await fetch(`${h.csUrl}/v1/nodes`)).json()) as { name: string }[]).every(
        (n) => n.name !== 'gms-1',
      ),
    );
    await expect(GmsChatClient.connect({ url: cometd(0), service: SERVICE })).rejects.toThrow(
      /handshake failed: 503::this GMS node is OFFLINE/,
    );
    await c.close();

    expect(
      await (
        await fetch(`${base}/genesys/1/admin/node/changestatus/ONLINE`, { method: 'POST' })
      ).text(),
    ).toBe('ONLINE');
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200);
    const again = await GmsChatClient.connect({ url: cometd(0), service: SERVICE });
    expect((await again.requestChat({ nickname: 'On' })).statusCode).toBe(0);
    await again.close();
  });

  it('refuses unknown statuses and wrong methods', async () => {
    const base = h.gateways[1]!.url;
    expect(
      (await fetch(`${base}/genesys/1/admin/node/changestatus/MAYBE`, { method: 'POST' })).status,
    ).toBe(400);
    expect((await fetch(`${base}/genesys/1/admin/node/changestatus/OFFLINE`)).status).toBe(405);
    expect((await fetch(`${base}/genesys/1/admin/node/status`)).status).toBe(200);
    const info = (await (await fetch(`${base}/genesys/1/admin/node/info`)).json()) as Record<
      string,
      unknown
    >;
    expect(info).toMatchObject({
      node: 'gms-2',
      status: 'ONLINE',
      services: [SERVICE],
      notificationMode: true,
    });
  });

  it('takes Basic authentication when configured', async () => {
    const secured = await startHarness({
      gateway: { nodeApiAuth: { username: 'default', password: 'password' } },
    });
    try {
      const base = secured.gateways[0]!.url;
      const denied = await fetch(`${base}/genesys/1/admin/node/status`);
      expect(denied.status).toBe(401);
      expect(denied.headers.get('www-authenticate')).toMatch(/Basic/);
      const ok = await fetch(`${base}/genesys/1/admin/node/status`, {
        headers: { authorization: `Basic ${Buffer.from('default:password').toString('base64')}` },
      });
      expect(await ok.text()).toBe('ONLINE');
      expect((await fetch(`${base}/readyz`)).status).toBe(200); // probes stay open
    } finally {
      await secured.stop();
    }
  });

  it('exposes Prometheus metrics', async () => {
    const text = await (await fetch(`${h.gateways[1]!.url}/metrics`)).text();
    expect(text).toMatch(/gms_cometd_sessions \d+/);
    expect(text).toMatch(/gms_chatservers_attached 1/);
    expect(text).toMatch(
      /gms_chat_operations_total\{operation="requestNotifications",result="ok"\} \d+/,
    );
  });
});
