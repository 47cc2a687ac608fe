/**
 * `affinity: source-ip` (nginx `hash $remote_addr consistent`, HAProxy `balance source` + stick
 * table): clients from 30 different loopback addresses (127.0.0.10-39) each stay on one node,
 * together they reach all three, and a WebSocket upgrade lands on the client's node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackends, stopBackends, type RunningBackend } from '../../support/cometd-backends.js';
import { CometdHttpClient, openWebSocket } from '../../support/cometd-backend-client.js';
import { freePort, startLb, tempDir, type RunningLb } from './harness.js';
import { chatService, renderFor } from './fixtures.js';

describe.each(['nginx', 'haproxy'] as const)('%s rendered for source-ip affinity', (target) => {
  let backends: RunningBackend[];
  let lb: RunningLb;
  beforeAll(async () => {
    backends = await startBackends(3, { timeoutMs: 2000 });
    const port = await freePort();
    const dir = tempDir(`srcip-${target}`);
    lb = await startLb(
      target,
      renderFor(
        target,
        chatService({ host: 'chat.example.com', affinity: 'source-ip' }),
        backends,
        port,
        dir,
        { timeoutMs: 2000, maxNetworkDelayMs: 1000 },
      ),
      port,
      dir,
    );
  });
  afterAll(async () => {
    await lb?.stop();
    await stopBackends(backends ?? []);
  });

  it('keeps each of 30 client addresses x 20 requests on one node and spreads them over all three', async () => {
    const clients = Array.from(
      { length: 30 },
      (_, i) =>
        new CometdHttpClient(lb.url, {
          host: 'chat.example.com',
          localAddress: `127.0.0.${10 + i}`,
        }),
    );
    const seen = await Promise.all(
      clients.map(async (c) => {
        const nodes: Array<string | undefined> = [(await c.handshake()).node];
        for (let i = 1; i < 20; i++) {
          const r = i % 2 ? await c.connect(0) : await c.publish('/service/echo', { i });
          expect(
            r.messages.every((m) => m.successful !== false),
            r.body,
          ).toBe(true);
          nodes.push(r.node);
        }
        // no cookie was needed (and none set by the LB)
        expect(c.cookies.has('GMSROUTE')).toBe(false);
        return nodes;
      }),
    );
    for (const nodes of seen) expect(new Set(nodes).size).toBe(1);
    expect(new Set(seen.map((n) => n[0])).size).toBe(3);
  });

  it('sends the WebSocket upgrade of a client to that client’s node', async () => {
    for (let i = 0; i < 6; i++) {
      const client = new CometdHttpClient(lb.url, {
        host: 'chat.example.com',
        localAddress: `127.0.1.${10 + i}`,
      });
      const http = await client.handshake();
      const { ws, status, node } = await openWebSocket(client);
      ws.close();
      expect(status).toBe(101);
      expect(node).toBe(http.node);
    }
  });
});
