/**
 * Complete chats through rendered configs: the official cometd client runs every operation
 * through HAProxy and nginx, over long-polling and WebSocket, with an agent joining and
 * replying, a file round trip and pushes to the local FCM / custom HTTP receiver.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GmsChatClient, type TransportName } from '../../src/gateway/client/chat-client.js';
import type { LocalCluster } from '../../src/gateway/local/cluster.js';
import { agentCall, EXAMPLE_AUTH, startCluster, until } from './setup.js';

let cluster: LocalCluster;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ cluster, cleanup } = await startCluster({ lbs: ['haproxy', 'nginx'] }));
});
afterAll(async () => {
  await cleanup?.();
});

describe.each([
  ['haproxy', 'long-polling'],
  ['haproxy', 'websocket'],
  ['nginx', 'long-polling'],
  ['nginx', 'websocket'],
] as ['haproxy' | 'nginx', TransportName][])('through %s over %s', (lb, transport) => {
  it('a whole chat: every operation, agent, file round trip, pushes', async () => {
    const url = cluster.cometdUrl(lb);
    const device = `dev-${lb}-${transport}`;
    const c = await GmsChatClient.connect({
      url,
      service: cluster.serviceName,
      transport,
      subscribe: true,
    });
    await c.waitSubscribed();
    expect(c.transportType).toBe(transport);

    // The example ChatService requires basic auth (examples/secrets.yaml) and push via FCM.
    const start = await c.requestChat({
      nickname: 'Joan',
      subject: `e2e ${lb} ${transport}`,
      auth: {
        encoded: Buffer.from(`${EXAMPLE_AUTH.username}:${EXAMPLE_AUTH.password}`).toString(
          'base64',
        ),
      },
      userData: { push_notification_deviceid: device, push_notification_type: 'fcm' },
    });
    const chatId = start.chatId!;
    expect(start.messages[0]).toMatchObject({ index: 1, type: 'ParticipantJoined' });

    await agentCall(cluster.csUrl, `/v1/chats/${chatId}/join`, { nickname: 'Alice' });
    await agentCall(cluster.csUrl, `/v1/chats/${chatId}/send`, {
      text: 'Hello Joan, how can I help?',
    });
    await c.waitForEvent((e) => e.text === 'Hello Joan, how can I help?');

    await c.send('sendMessage', { message: 'My card is blocked' });
    await c.send('startTyping', { message: 'one more' });
    await c.send('stopTyping');
    await c.send('pushUrl', { pushUrl: 'https://example.com/faq' });
    await c.send('updateNickname', { nickname: 'Joan S.' });
    await c.send('customNotice', { message: 'ORDER UPDATE' });
    await c.send('updateData', { userData: { account: '42' } });
    await c.send('readReceipt', { transcriptPosition: 3 });
    await agentCall(cluster.csUrl, `/v1/chats/${chatId}/send`, { text: 'Unblocked it for you.' });
    await c.waitForEvent((e) => e.text === 'Unblocked it for you.');

    // File round trip through the load balancer (/genesys/2/ is routed).
    const ntf = url.replace(/\/cometd$/, '/2/chat-ntf');
    const content = Buffer.from(`statement for ${lb} ${transport}\n`);
    const form = new FormData();
    form.append('operation', 'fileUpload');
    form.append('secureKey', c.secureKey!);
    form.append('file', new Blob([content], { type: 'text/plain' }), 'statement.txt');
    form.append('userData[file-description]', 'bank statement');
    const up = await fetch(ntf, { method: 'POST', body: form });
    expect(up.status).toBe(200);
    const fileId = ((await up.json()) as { userData: Record<string, string> }).userData['file-id']!;
    await c.waitForEvent((e) => e.type === 'FileUploaded' && e.userData?.['file-id'] === fileId);
    const down = await fetch(ntf, {
      method: 'POST',
      body: new URLSearchParams({ operation: 'fileDownload', secureKey: c.secureKey!, fileId }),
    });
    expect(Buffer.from(await down.arrayBuffer()).equals(content)).toBe(true);

    // Stickiness: the whole chat stayed on one CometD session (no re-handshake).
    expect(c.sessions).toHaveLength(1);

    // examples: push_notification_to_active_client=false, so pushes start once the app's
    // CometD session is gone.
    expect(cluster.receiver.pushes.filter((p) => p.body.to === device)).toEqual([]);
    const last = c.lastIndex;
    const secureKey = c.secureKey!;
    await c.close();
    await agentCall(cluster.csUrl, `/v1/chats/${chatId}/send`, { text: 'Anything else?' });
    await until(
      () => cluster.receiver.pushes.some((p) => p.body.to === device),
      15_000,
      `an FCM push to ${device}`,
    );
    const push = cluster.receiver.pushes.find((p) => p.body.to === device)!;
    expect(push.headers.authorization).toBe('key=FAKE-FCM-API-KEY-for-examples-only');
    // examples/fcmprod.yaml: events.Message.title "%s sent new message".
    expect(push.body).toMatchObject({
      notification: { title: 'Alice sent new message', body: 'Anything else?' },
      data: { chatId, event: 'Message' },
    });

    // The app comes back (new CometD session, maybe another node) and resumes.
    const back = await GmsChatClient.connect({ url, service: cluster.serviceName, transport });
    try {
      const resumed = await back.send('requestNotifications', {
        secureKey,
        transcriptPosition: last + 1,
        userData: { push_notification_deviceid: device, push_notification_type: 'fcm' },
      });
      expect(resumed.messages.map((e) => e.text)).toContain('Anything else?');
      expect(resumed.messages[0]!.index).toBe(last + 1);
      const bye = await back.send('disconnect', { secureKey: resumed.secureKey });
      expect(bye.chatEnded).toBe(true);
    } finally {
      await back.close();
    }
    const transcript = (await (await fetch(`${cluster.csUrl}/v1/chats/${chatId}`)).json()) as {
      transcript: { index: number }[];
    };
    expect(transcript.transcript.map((e) => e.index)).toEqual(
      transcript.transcript.map((_, i) => i + 1),
    );
  });
});

describe('custom HTTP push (provider "hooks" of the examples)', () => {
  it('reaches the local receiver with the provider texts', async () => {
    const url = cluster.cometdUrl('haproxy');
    const c = await GmsChatClient.connect({ url, service: cluster.serviceName });
    const r = await c.requestChat({
      nickname: 'Max',
      auth: EXAMPLE_AUTH,
      userData: {
        push_notification_deviceid: 'hook-device',
        push_notification_type: 'customhttp',
        push_notification_provider: 'hooks',
      },
    });
    await c.close();
    await agentCall(cluster.csUrl, `/v1/chats/${r.chatId}/join`, { nickname: 'Alice' });
    await agentCall(cluster.csUrl, `/v1/chats/${r.chatId}/send`, { text: 'ping' });
    await until(
      () => cluster.receiver.pushes.filter((p) => p.body.deviceId === 'hook-device').length >= 2,
      15_000,
      'custom HTTP pushes',
    );
    const hooks = cluster.receiver.pushes.filter((p) => p.body.deviceId === 'hook-device');
    expect(hooks[0]!.body).toMatchObject({
      message: 'Alice joined chat',
      event: 'ParticipantJoined',
    });
    // examples/hooks.yaml: events.Message.body "%s sent new message" -> customhttp.Message.message.
    expect(hooks[1]!.body).toMatchObject({ message: 'Alice sent new message', event: 'Message' });
  });
});

describe('the load balancers run what `gmsctl render --target` writes', () => {
  it('each config is the CLI output for the example ChatService, listening where --listen said', async () => {
    for (const lb of cluster.lbs) {
      const port = new URL(lb.url).port;
      // gmsctl render -o <dir> writes <dir>/<namespace>/<name>/<target>/...
      expect(lb.configFile).toMatch(
        new RegExp(
          `/lb/${lb.kind}/contact-center/customer-support/${lb.kind}/${lb.kind === 'haproxy' ? 'haproxy\\.cfg' : 'nginx\\.conf'}$`,
        ),
      );
      const text = readFileSync(lb.configFile, 'utf8');
      expect(text).toContain('rendered by gmsctl');
      expect(text).toContain(
        lb.kind === 'haproxy' ? `bind 127.0.0.1:${port}` : `listen 127.0.0.1:${port};`,
      );
      for (const n of cluster.nodes) expect(text).toContain(`127.0.0.1:${n.port}`);
    }
  });
});
