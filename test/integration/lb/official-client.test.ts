/**
 * The official CometD JavaScript client (`cometd` + `cometd-nodejs-client`) through each rendered
 * LB, over WebSocket and over long-polling: handshake, subscribe, publish, receive the message
 * back, disconnect. Long-polling only works when the LB keeps the session on one node (another
 * node answers 402::Unknown client).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapt } from 'cometd-nodejs-client';
import { CometD, type Message } from 'cometd';
import { startBackends, stopBackends, type RunningBackend } from '../../support/cometd-backends.js';
import { freePort, RUNNABLE_TARGETS, startLb, tempDir, type RunningLb } from './harness.js';
import { chatService, renderFor } from './fixtures.js';

adapt();

function roundTrip(
  url: string,
  transport: 'websocket' | 'long-polling',
): Promise<{ data: unknown; transport: string | undefined; nodes: Set<string> }> {
  const cometd = new CometD();
  cometd.configure({ url, logLevel: 'warn' });
  if (transport === 'long-polling') cometd.unregisterTransport('websocket');
  const nodes = new Set<string>();
  cometd.addListener('/meta/*', (m: Message) => {
    const node = (m.ext as Record<string, string> | undefined)?.['gms.node'];
    if (node) nodes.add(node);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no round trip over ${transport}`)), 20_000);
    cometd.handshake((hs: Message) => {
      if (!hs.successful) return reject(new Error(`handshake failed: ${JSON.stringify(hs)}`));
      cometd.subscribe(
        '/chat/room',
        (msg: Message) => {
          clearTimeout(timer);
          const used = cometd.getTransport()?.type;
          cometd.disconnect(() => resolve({ data: msg.data, transport: used, nodes }));
        },
        (sub: Message) => {
          if (!sub.successful) return reject(new Error(`subscribe failed: ${JSON.stringify(sub)}`));
          cometd.publish('/chat/room', { text: `hello over ${transport}` });
        },
      );
    });
  });
}

describe.each(RUNNABLE_TARGETS)('official cometd client through %s', (target) => {
  let backends: RunningBackend[];
  let lb: RunningLb;
  beforeAll(async () => {
    backends = await startBackends(3, { timeoutMs: 1500 });
    const port = await freePort();
    const dir = tempDir(`official-${target}`);
    // No host: the client sends Host 127.0.0.1:<port>.
    lb = await startLb(
      target,
      renderFor(target, chatService({}), backends, port, dir, {
        timeoutMs: 1500,
        maxNetworkDelayMs: 1000,
      }),
      port,
      dir,
    );
  });
  afterAll(async () => {
    await lb?.stop();
    await stopBackends(backends ?? []);
  });

  it.each(['websocket', 'long-polling'] as const)(
    '%s: handshake, subscribe, publish, receive, on one node',
    async (transport) => {
      const r = await roundTrip(`${lb.url}/genesys/cometd`, transport);
      expect(r.transport).toBe(transport);
      expect(r.data).toEqual({ text: `hello over ${transport}` });
      expect(r.nodes.size).toBe(1);
    },
  );
});
