/**
 * The eleven operations of the seed through a real gateway node and Chat Server simulator,
 * driven by the official cometd client over long-polling and WebSocket, subscribing to the
 * channel or only listening on it (both GMS samples).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GmsChatClient, type TransportName } from '../../../src/gateway/client/chat-client.js';
import type { ChatNotification } from '../../../src/gateway/chat/model.js';
import { agent, iniFor, startHarness, waitFor, type Harness } from './harness.js';

const SERVICE = 'customer-support';
const AUTH_INI = (csPort: number): string =>
  `${iniFor(csPort)}
[chat.secured]
auth.basic.username=user1
auth.basic.password=pass1
`;

let h: Harness;
let url: string;

beforeAll(async () => {
  h = await startHarness({ ini: AUTH_INI });
  url = `${h.gateways[0]!.url}/genesys/cometd`;
});
afterAll(async () => {
  await h.stop();
});

async function chatState(chatId: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${h.csUrl}/v1/chats/${chatId}`)).json()) as Record<string, unknown>;
}

describe.each([
  ['long-polling', true],
  ['long-polling', false],
  ['websocket', true],
  ['websocket', false],
] as [TransportName, boolean][])(
  'a complete chat over %s (subscribe: %s)',
  (transport, subscribe) => {
    it('runs every operation; responses and unsolicited notifications have the seed format', async () => {
      const c = await GmsChatClient.connect({ url, service: SERVICE, transport, subscribe });
      try {
        expect(c.transportType).toBe(transport);
        if (subscribe) await c.waitSubscribed();
        const unsolicited: ChatNotification[] = [];
        c.on('notification', (n: ChatNotification) => {
          if (n.messages.length === 1 && n.messages[0]!.from.type === 'Agent') unsolicited.push(n);
        });

        const started = await c.requestChat({
          firstName: 'Joan',
          lastName: 'Smith',
          subject: 'Savings Account',
          userData: { key1: 'value1' },
        });
        expect(started).toMatchObject({
          statusCode: 0,
          alias: '117',
          chatEnded: false,
          nextPosition: 2,
          channel: `/service/chatV2/${SERVICE}`,
        });
        expect(started.messages).toEqual([
          {
            from: { nickname: 'Joan Smith', participantId: 1, type: 'Client' },
            index: 1,
            type: 'ParticipantJoined',
            utcTime: expect.any(Number),
          },
        ]);
        expect(started.secureKey).toMatch(/^[0-9a-f]{16}$/);
        const chatId = started.chatId!;

        // The agent joins and answers: unsolicited notifications with exactly one event.
        await agent(h.csUrl, `/v1/chats/${chatId}/join`, { nickname: 'a1001' });
        await agent(h.csUrl, `/v1/chats/${chatId}/send`, { text: 'hello' });
        await c.waitForEvent((e) => e.type === 'Message' && e.from.type === 'Agent');

        const sent = await c.send('sendMessage', {
          message: 'I need help with my account.',
          messageType: 'text',
        });
        expect(sent.messages).toEqual([
          expect.objectContaining({
            index: 4,
            type: 'Message',
            text: 'I need help with my account.',
            messageType: 'text',
            from: { nickname: 'Joan Smith', participantId: 1, type: 'Client' },
          }),
        ]);
        expect(sent.nextPosition).toBe(5);

        expect((await c.send('startTyping', { message: 'hello, I ha' })).messages[0]).toMatchObject(
          { type: 'TypingStarted', text: 'hello, I ha' },
        );
        expect(
          (await c.send('stopTyping', { message: 'hello, I have a question' })).messages[0],
        ).toMatchObject({ type: 'TypingStopped' });
        expect(
          (await c.send('pushUrl', { pushUrl: 'http://www.genesys.com' })).messages[0],
        ).toMatchObject({ type: 'PushUrl', text: 'http://www.genesys.com' });
        const nick = await c.send('updateNickname', { nickname: 'MyNewNickname' });
        expect(nick.messages[0]).toMatchObject({
          type: 'NicknameUpdated',
          text: 'MyNewNickname',
          from: { nickname: 'MyNewNickname' },
        });
        expect(
          (await c.send('customNotice', { message: 'ORDER UPDATE' })).messages[0],
        ).toMatchObject({ type: 'CustomNotice', text: 'ORDER UPDATE' });
        const upd = await c.send('updateData', { userData: { key3: 'value3' } });
        expect(upd.messages).toEqual([]);
        expect((await chatState(chatId)).userData).toEqual({ key1: 'value1', key3: 'value3' });
        const rr = await c.send('readReceipt', { transcriptPosition: '3' });
        expect(Object.keys(rr).sort()).toEqual([
          'chatEnded',
          'messages',
          'nextPosition',
          'secureKey',
          'statusCode',
        ]);
        expect((await chatState(chatId)).readIndex).toBe(3);

        await agent(h.csUrl, `/v1/chats/${chatId}/typing`, { typing: true, text: 'let me check' });
        await c.waitForEvent((e) => e.type === 'TypingStarted' && e.from.type === 'Agent');

        const bye = await c.send('disconnect');
        expect(bye).toMatchObject({
          messages: [],
          chatEnded: true,
          statusCode: 0,
          alias: '117',
          chatId,
        });
        expect(bye).not.toHaveProperty('secureKey');
        expect(bye).not.toHaveProperty('userId');

        // "Any subsequent operation with these IDs will generate error notification responses."
        const after = await c
          .send('sendMessage', { message: 'still there?' })
          .catch((e: { notification?: ChatNotification }) => e.notification);
        expect(after?.statusCode).not.toBe(0);
        expect(after?.errors?.[0]).toEqual({ code: 106, message: 'the chat session has ended' });

        expect(c.gaps()).toEqual([]);
        expect(unsolicited.length).toBeGreaterThanOrEqual(3);
        for (const n of unsolicited) expect(n.messages).toHaveLength(1);
      } finally {
        await c.close();
      }
    });
  },
);

describe('errors are notifications with a non-zero statusCode and a readable message', () => {
  it('unknown operation, bad parameters, unknown secureKey', async () => {
    const c = await GmsChatClient.connect({ url, service: SERVICE });
    try {
      const e1 = await c
        .send('bogus' as never)
        .catch((e: { notification: ChatNotification }) => e.notification);
      expect(e1).toMatchObject({
        statusCode: 1,
        errors: [{ code: 101, message: expect.stringContaining('unknown operation "bogus"') }],
        operation: 'bogus',
      });
      const e2 = await c
        .send('requestChat', {})
        .catch((e: { notification: ChatNotification }) => e.notification);
      expect(e2.errors?.[0]?.message).toMatch(/nickname/);
      const e3 = await c
        .send('sendMessage', { secureKey: 'ffffffffffffffff', message: 'x' })
        .catch((e: { notification: ChatNotification }) => e.notification);
      expect(e3.errors?.[0]?.code).toBe(104);
    } finally {
      await c.close();
    }
  });

  it('basic auth: missing or wrong credentials refused, open and encoded forms accepted', async () => {
    const c = await GmsChatClient.connect({ url, service: 'secured' });
    try {
      const missing = await c
        .requestChat({ nickname: 'x' })
        .catch((e: { notification: ChatNotification }) => e.notification);
      expect(missing.errors?.[0]).toMatchObject({
        code: 102,
        message: expect.stringContaining('requires authentication'),
      });
      const wrong = await c
        .requestChat({ nickname: 'x', auth: { username: 'user1', password: 'nope' } })
        .catch((e: { notification: ChatNotification }) => e.notification);
      expect(wrong.errors?.[0]?.code).toBe(102);
      expect(
        (await c.requestChat({ nickname: 'x', auth: { username: 'user1', password: 'pass1' } }))
          .statusCode,
      ).toBe(0);
      expect(
        (
          await c.requestChat({
            nickname: 'y',
            auth: { encoded: Buffer.from('user1:pass1').toString('base64') },
          })
        ).statusCode,
      ).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('a service without [chat.<service>] is refused: failed subscribe and an error notification', async () => {
    const listener = await GmsChatClient.connect({ url, service: 'no-such-service' });
    const subscriber = await GmsChatClient.connect({
      url,
      service: 'no-such-service',
      subscribe: true,
    });
    try {
      // A subscriber learns it from the failed /meta/subscribe (its channel callback is gone);
      // a listener from the error notification below.
      await expect(subscriber.waitSubscribed()).rejects.toThrow(
        '404:/service/chatV2/no-such-service:chat service "no-such-service" is not configured',
      );
      const n = listener.waitForNotification((x) => x.statusCode !== 0);
      await expect(listener.requestChat({ nickname: 'x' })).rejects.toThrow(/not configured/);
      expect((await n).errors?.[0]?.message).toMatch(
        /chat service "no-such-service" is not configured/,
      );
    } finally {
      await listener.close();
      await subscriber.close();
    }
  });
});

describe('Bayeux surface', () => {
  async function bayeux(messages: unknown[], cookie?: string): Promise<Record<string, unknown>[]> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(messages),
    });
    return (await res.json()) as Record<string, unknown>[];
  }
  async function handshake(): Promise<string> {
    const [hs] = await bayeux([
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
    ]);
    return hs!.clientId as string;
  }

  it('no broadcast subscription exists: /**, private and other channels are forbidden', async () => {
    const clientId = await handshake();
    for (const subscription of ['/**', '/service/**', '/gms-private/x', '/chat/room'])
      expect(
        (await bayeux([{ channel: '/meta/subscribe', clientId, subscription, id: '1' }]))[0],
      ).toMatchObject({ successful: false, error: expect.stringMatching(/^403:/) });
    const ok = (
      await bayeux([
        {
          channel: '/meta/subscribe',
          clientId,
          subscription: `/service/chatV2/${SERVICE}`,
          id: '2',
        },
      ])
    )[0];
    expect(ok).toMatchObject({ successful: true, subscription: `/service/chatV2/${SERVICE}` });
    expect(
      (await bayeux([{ channel: '/broadcast/x', clientId, data: {}, id: '3' }]))[0],
    ).toMatchObject({ successful: false });
  });

  it('a publish needs a handshaken client', async () => {
    const r = await bayeux([
      {
        channel: `/service/chatV2/${SERVICE}`,
        clientId: 'forged',
        data: { operation: 'requestChat', nickname: 'x' },
        id: '1',
      },
    ]);
    expect(r[0]).toMatchObject({ successful: false, error: expect.stringMatching(/^402:/) });
  });

  it('callback-polling (JSONP) answers a GET with the callback', async () => {
    const message = encodeURIComponent(
      JSON.stringify([
        {
          channel: '/meta/handshake',
          version: '1.0',
          supportedConnectionTypes: ['callback-polling'],
        },
      ]),
    );
    const res = await fetch(`${url}/handshake?jsonp=_cometd_jsonp_1&message=${message}`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(text).toMatch(
      /^\/\*\*\/_cometd_jsonp_1\(\[\{"channel":"\/meta\/handshake","successful":true/,
    );
  });

  it('another client never sees a chat it does not own', async () => {
    const a = await GmsChatClient.connect({ url, service: SERVICE });
    const b = await GmsChatClient.connect({ url, service: SERVICE, subscribe: true });
    try {
      const r = await a.requestChat({ nickname: 'A' });
      await a.send('sendMessage', { message: 'private' });
      await agent(h.csUrl, `/v1/chats/${r.chatId}/join`, { nickname: 'Agent' });
      await a.waitForEvent((e) => e.from.type === 'Agent');
      await new Promise((res) => setTimeout(res, 200));
      expect(b.notifications).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('version and mode gates', () => {
  it('readReceipt needs GMS 8.5.201.04; the CometD API needs enable_notification_mode=true', async () => {
    const old = await startHarness({ gateway: { gmsVersion: '8.5.112.05' } });
    const off = await startHarness({
      ini: (p) =>
        iniFor(p).replace('enable_notification_mode=true', 'enable_notification_mode=false'),
    });
    try {
      const c = await GmsChatClient.connect({
        url: `${old.gateways[0]!.url}/genesys/cometd`,
        service: SERVICE,
      });
      await c.requestChat({ nickname: 'x' });
      const e = await c
        .send('readReceipt', { transcriptPosition: 1 })
        .catch((x: { notification: ChatNotification }) => x.notification);
      expect(e.errors?.[0]).toMatchObject({
        code: 107,
        message: expect.stringContaining('8.5.201.04'),
      });
      await c.close();
      const d = await GmsChatClient.connect({
        url: `${off.gateways[0]!.url}/genesys/cometd`,
        service: SERVICE,
      });
      const e2 = await d
        .requestChat({ nickname: 'x' })
        .catch((x: { notification: ChatNotification }) => x.notification);
      expect(e2.errors?.[0]).toMatchObject({
        code: 120,
        message: expect.stringContaining('enable_notification_mode'),
      });
      await d.close();
      await waitFor(() => off.gateways[0]!.readiness().ready);
    } finally {
      await old.stop();
      await off.stop();
    }
  });
});
