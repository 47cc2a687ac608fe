/**
 * A re-subscribe that reaches the wrong node is retried. Behind a load balancer that briefly
 * sends one CometD session's requests to two nodes (nginx workers without a shared upstream
 * zone after a node restart, docs/load-balancers.md), the /meta/subscribe after a new handshake
 * can land on the node that does not know the session; cometd then drops the subscription and,
 * without a retry, the client silently stops receiving the chat while its long polls still
 * work (the e2e rolling-restart flake). Real gateway nodes, the official cometd client, and a
 * small forwarding hop on loopback that sends exactly one /meta/subscribe to the other node.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GmsChatClient } from '../../../src/gateway/client/chat-client.js';
import { agent, startHarness, waitFor, type Harness } from './harness.js';

const SERVICE = 'customer-support';
let h: Harness;
let hop: Server;
let hopUrl = '';
/** When set, the next /meta/subscribe goes to the second node instead of the first. */
let misrouteNextSubscribe = false;
let misrouted = 0;

beforeAll(async () => {
  h = await startHarness({ nodes: 2 });
  const [home, other] = h.gateways.map((g) => new URL(g.url));
  hop = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let target = home!;
      if (misrouteNextSubscribe && body.toString('utf8').includes('"/meta/subscribe"')) {
        misrouteNextSubscribe = false;
        misrouted++;
        target = other!;
      }
      const out = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      out.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      out.end(body);
    });
  });
  await new Promise<void>((r) => hop.listen(0, '127.0.0.1', () => r()));
  hopUrl = `http://127.0.0.1:${(hop.address() as AddressInfo).port}/genesys/cometd`;
});
afterAll(async () => {
  hop?.closeAllConnections();
  await new Promise<void>((r) => (hop ? hop.close(() => r()) : r()));
  await h?.stop();
});

describe('subscribe mode (the seed sample 2) behind a load balancer that splits a session', () => {
  it('retries a re-subscribe that reached the other node, resumes, and misses nothing', async () => {
    const c = await GmsChatClient.connect({ url: hopUrl, service: SERVICE, subscribe: true });
    try {
      await c.waitSubscribed();
      const started = await c.requestChat({ nickname: 'Sub' });
      const chatId = started.chatId!;
      await agent(h.csUrl, `/v1/chats/${chatId}/join`, { nickname: 'Alice' });
      await c.waitForEvent((e) => e.type === 'ParticipantJoined' && e.from.type === 'Agent');

      // The node forgets the session (as after a restart): the client handshakes again on it,
      // but its /meta/subscribe is sent to the other node, which answers 401 Unknown client.
      misrouteNextSubscribe = true;
      h.gateways[0]!.endpoint.destroyAll();
      await waitFor(() => misrouted === 1 && c.sessions.length === 2, 10_000);
      await agent(h.csUrl, `/v1/chats/${chatId}/send`, { text: 'after the move' });
      await c.waitForEvent((e) => e.text === 'after the move', 5000);

      expect(c.subscribeFailures).toBeGreaterThanOrEqual(1);
      const chat = (await (await fetch(`${h.csUrl}/v1/chats/${chatId}`)).json()) as {
        transcript: unknown[];
      };
      await waitFor(() => c.lastIndex === chat.transcript.length, 5000);
      expect(c.gaps()).toEqual([]);
    } finally {
      await c.close();
    }
  });
});
