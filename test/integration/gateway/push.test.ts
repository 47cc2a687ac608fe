/**
 * Push notifications from a real node to local FCM, APNs (HTTP/2) and custom HTTP receivers:
 * seed events and default texts, provider overrides, push_notification_to_active_client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GmsChatClient } from '../../../src/gateway/client/chat-client.js';
import { startPushReceiver, type PushReceiver } from '../../../src/gateway/local/push-receiver.js';
import { agent, startHarness, waitFor, type Harness } from './harness.js';

let rx: PushReceiver;
let h: Harness;

const ini = (csPort: number): string => `[chat]
enable_notification_mode=true

[chat.support]
push_notification_to_active_client=true
push_notification_include_payload=true

[chat.quiet]
push_notification_to_active_client=false

[connections]
chatserver.cs-1=127.0.0.1:${csPort}

[push]
pushEnabled=comet,fcm,ios,customhttp
fcm.apiKey=SERVER-KEY
debug.fcm.apiKey=DEBUG-KEY

[push.provider.fcmprod]
fcm.apiKey=PROVIDER-KEY
fcm.Message.title=%s wrote
fcm.ParticipantJoined.body=%s is here to help

[push.provider.apnsprod]
apple.title=Chat
apple.Message.alertMessage.body=New message from %s

[push.provider.hooks]
customhttp.url=${rx.customUrl}
customhttp.Message.message=%s sent new message
`;

beforeAll(async () => {
  rx = await startPushReceiver();
  h = await startHarness({
    ini,
    gateway: { pushEndpoints: { fcm: rx.fcmUrl, apns: rx.apnsOrigin, apnsSandbox: rx.apnsOrigin } },
  });
});
afterAll(async () => {
  await h.stop();
  await rx.close();
});

async function chat(
  service: string,
  userData: Record<string, string>,
): Promise<{ c: GmsChatClient; chatId: string }> {
  const c = await GmsChatClient.connect({ url: `${h.gateways[0]!.url}/genesys/cometd`, service });
  const r = await c.requestChat({ nickname: 'Joan', userData });
  return { c, chatId: r.chatId! };
}

const pushesFor = (deviceId: string) =>
  rx.pushes.filter((p) => JSON.stringify(p.body).includes(deviceId) || p.path.includes(deviceId));

describe('push notifications', () => {
  it('FCM with the [push] key and default texts, then a provider with per-event texts', async () => {
    const { c, chatId } = await chat('support', {
      push_notification_deviceid: 'dev-fcm-1',
      push_notification_type: 'fcm',
    });
    await agent(h.csUrl, `/v1/chats/${chatId}/join`, { nickname: 'Alice' });
    await agent(h.csUrl, `/v1/chats/${chatId}/send`, { text: 'Your card is on its way' });
    await waitFor(() => pushesFor('dev-fcm-1').length === 2);
    const [joined, msg] = pushesFor('dev-fcm-1');
    expect(joined!.headers.authorization).toBe('key=SERVER-KEY');
    expect(joined!.body).toMatchObject({
      to: 'dev-fcm-1',
      notification: { title: 'Chat participants changed', body: 'Alice joined chat' },
      data: { chatId, event: 'ParticipantJoined', service: 'support' },
    });
    expect(msg!.body).toMatchObject({
      notification: { title: 'Alice sent new message', body: 'Your card is on its way' },
    });
    await c.close();

    const p = await chat('support', {
      push_notification_deviceid: 'dev-fcm-2',
      push_notification_type: 'fcm',
      push_notification_provider: 'fcmprod',
    });
    await agent(h.csUrl, `/v1/chats/${p.chatId}/join`, { nickname: 'Bob' });
    await agent(h.csUrl, `/v1/chats/${p.chatId}/send`, { text: 'hi' });
    await waitFor(() => pushesFor('dev-fcm-2').length === 2);
    const [j2, m2] = pushesFor('dev-fcm-2');
    expect(j2!.headers.authorization).toBe('key=PROVIDER-KEY');
    expect(j2!.body).toMatchObject({
      notification: { title: 'Chat participants changed', body: 'Bob is here to help' },
    });
    expect(m2!.body).toMatchObject({ notification: { title: 'Bob wrote', body: 'hi' } });
    await p.c.close();
  });

  it('debug registrations use debug.fcm.apiKey', async () => {
    const { c, chatId } = await chat('support', {
      push_notification_deviceid: 'dev-dbg',
      push_notification_type: 'fcm',
      push_notification_debug: 'true',
    });
    await agent(h.csUrl, `/v1/chats/${chatId}/join`, { nickname: 'Alice' });
    await waitFor(() => pushesFor('dev-dbg').length === 1);
    expect(pushesFor('dev-dbg')[0]!.headers.authorization).toBe('key=DEBUG-KEY');
    await c.close();
  });

  it('Apple over HTTP/2 with the provider texts', async () => {
    const { c, chatId } = await chat('support', {
      push_notification_deviceid: 'apnstoken1',
      push_notification_type: 'ios',
      push_notification_provider: 'apnsprod',
    });
    await agent(h.csUrl, `/v1/chats/${chatId}/join`, { nickname: 'Alice' });
    await agent(h.csUrl, `/v1/chats/${chatId}/send`, { text: 'hello' });
    await agent(h.csUrl, `/v1/chats/${chatId}/idle-alert`, {});
    await waitFor(() => pushesFor('apnstoken1').length === 3);
    const [j, m, idle] = pushesFor('apnstoken1');
    expect(j!.path).toBe('/3/device/apnstoken1');
    expect(j!.headers['apns-push-type']).toBe('alert');
    expect(j!.body).toMatchObject({ aps: { alert: { title: 'Chat', body: 'Alice joined chat' } } });
    expect(m!.body).toMatchObject({
      aps: { alert: { title: 'Chat', body: 'New message from Alice' } },
    });
    expect(idle!.body).toMatchObject({
      aps: { alert: { title: 'Chat', body: 'Please use app if you want to continue' } },
    });
    await c.close();
  });

  it('custom HTTP posts {deviceId, message} (and the chat payload with push_notification_include_payload)', async () => {
    const { c, chatId } = await chat('support', {
      push_notification_deviceid: 'dev-http',
      push_notification_type: 'customhttp',
      push_notification_provider: 'hooks',
    });
    await agent(h.csUrl, `/v1/chats/${chatId}/join`, { nickname: 'Alice' });
    await agent(h.csUrl, `/v1/chats/${chatId}/push-url`, { url: 'https://example.com/offer' });
    await agent(h.csUrl, `/v1/chats/${chatId}/send`, { text: 'hi' });
    await waitFor(() => pushesFor('dev-http').length === 3);
    const [j, url, m] = pushesFor('dev-http');
    expect(j!.path).toBe('/custom');
    expect(j!.body).toMatchObject({
      deviceId: 'dev-http',
      message: 'Alice joined chat',
      title: 'Chat participants changed',
      event: 'ParticipantJoined',
    });
    expect(url!.body).toMatchObject({
      title: 'Alice suggests Web page',
      message: 'https://example.com/offer',
    });
    expect(m!.body).toMatchObject({ message: 'Alice sent new message' });
    expect(m!.body.payload).toMatchObject({
      chatId,
      statusCode: 0,
      messages: [{ type: 'Message', text: 'hi' }],
    });
    await c.close();
  });

  it('push_notification_to_active_client=false: nothing while the CometD session is active, pushes once it is gone', async () => {
    const { c, chatId } = await chat('quiet', {
      push_notification_deviceid: 'dev-quiet',
      push_notification_type: 'fcm',
    });
    await agent(h.csUrl, `/v1/chats/${chatId}/join`, { nickname: 'Alice' });
    await c.waitForEvent((e) => e.from.type === 'Agent');
    await agent(h.csUrl, `/v1/chats/${chatId}/send`, { text: 'while connected' });
    await c.waitForEvent((e) => e.text === 'while connected');
    await new Promise((r) => setTimeout(r, 300));
    expect(pushesFor('dev-quiet')).toEqual([]);
    await c.close(); // the app goes to the background: CometD disconnect
    await agent(h.csUrl, `/v1/chats/${chatId}/send`, { text: 'after disconnect' });
    await waitFor(() => pushesFor('dev-quiet').length === 1);
    expect(pushesFor('dev-quiet')[0]!.body).toMatchObject({
      notification: { body: 'after disconnect' },
    });
  });

  it('a provider that is not configured is refused at requestChat', async () => {
    const c = await GmsChatClient.connect({
      url: `${h.gateways[0]!.url}/genesys/cometd`,
      service: 'support',
    });
    await expect(
      c.requestChat({
        nickname: 'x',
        userData: {
          push_notification_deviceid: 'd',
          push_notification_type: 'fcm',
          push_notification_provider: 'nope',
        },
      }),
    ).rejects.toThrow(/push_notification_provider "nope" has no \[push.provider.nope\] section/);
    await c.close();
  });
});
