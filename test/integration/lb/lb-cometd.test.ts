/**
 * Issue 6 proof: each rendered LB (real nginx, HAProxy, Apache httpd from Debian) in front of
 * three CometD-shaped GMS node processes keeps CometD sessions working: WebSocket upgrade and
 * messages both ways, long polls not cut, sessions sticky, fresh clients spread, a long-poll GET
 * never replayed on another node, and losing a node moves only that node's clients.
 *
 * To keep the run short the nodes hold a long poll 2.5 s and the LB is rendered for that CometD
 * timing; long-poll-default.test.ts holds one for 65 s against the default rendering.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  startBackends,
  stopBackends,
  totalHits,
  type RunningBackend,
} from '../../support/cometd-backends.js';
import {
  CometdHttpClient,
  openWebSocket,
  wsExchange,
} from '../../support/cometd-backend-client.js';
import {
  checkConfig,
  freePort,
  RUNNABLE_TARGETS,
  startLb,
  tempDir,
  type RunningLb,
} from './harness.js';
import { chatService, renderFor } from './fixtures.js';

const HOST = 'chat.example.com';
const HOLD_MS = 2500;
const TIMING = { timeoutMs: HOLD_MS, maxNetworkDelayMs: 1000 }; // rendered read timeout 7 s
const SHORT_TIMING = { timeoutMs: 1000, maxNetworkDelayMs: 0 }; // rendered read timeout 2 s < HOLD_MS

function countBy<T>(xs: readonly T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

describe.each(RUNNABLE_TARGETS)(
  '%s rendered for cookie affinity, in front of three GMS nodes',
  (target) => {
    let backends: RunningBackend[];
    let lb: RunningLb;
    const cs = chatService({ host: HOST, affinity: 'cookie' });

    beforeAll(async () => {
      backends = await startBackends(3, { timeoutMs: HOLD_MS });
      const port = await freePort();
      const dir = tempDir(target);
      const files = renderFor(target, cs, backends, port, dir, TIMING);
      lb = await startLb(target, files, port, dir);
    });
    afterAll(async () => {
      await lb?.stop();
      await stopBackends(backends ?? []);
    });

    it('passes the server’s own config check', () => {
      const r = checkConfig(target, lb.dir);
      expect(r.output).not.toMatch(/\[emerg\]|\[ALERT\]|Syntax error/);
      expect(r.code).toBe(0);
    });

    it('upgrades a WebSocket (101) and carries CometD messages both ways on one node', async () => {
      const client = new CometdHttpClient(lb.url, { host: HOST });
      const { ws, status, node } = await openWebSocket(client);
      try {
        expect(status).toBe(101);
        expect(node).toMatch(/^gms-\d$/);
        const hs = await wsExchange(
          ws,
          [
            {
              channel: '/meta/handshake',
              version: '1.0',
              supportedConnectionTypes: ['websocket'],
              id: '1',
            },
          ],
          '/meta/handshake',
        );
        const clientId = hs[0]!.clientId as string;
        expect(hs[0]!.successful).toBe(true);
        const sub = await wsExchange(
          ws,
          [{ channel: '/meta/subscribe', subscription: '/chat/room', clientId, id: '2' }],
          '/meta/subscribe',
        );
        expect(sub[0]!.successful).toBe(true);
        // client -> node -> client: the publish comes back as a delivery on the subscribed channel
        const delivered = await wsExchange(
          ws,
          [{ channel: '/chat/room', data: { text: 'hello over ws' }, clientId, id: '3' }],
          '/chat/room',
        );
        const message = delivered.find((m) => m.channel === '/chat/room' && m.data)!;
        expect(message.data).toEqual({ text: 'hello over ws' });
        expect((message.ext as Record<string, string>)['gms.node']).toBe(node);
        // a /meta/connect held by the node over the WebSocket is answered when the hold ends
        const started = Date.now();
        const connect = await wsExchange(
          ws,
          [{ channel: '/meta/connect', connectionType: 'websocket', clientId, id: '4' }],
          '/meta/connect',
          15_000,
        );
        expect(connect.find((m) => m.channel === '/meta/connect')!.successful).toBe(true);
        expect(Date.now() - started).toBeGreaterThanOrEqual(HOLD_MS - 100);
      } finally {
        ws.close();
      }
    });

    it('keeps a long poll held by the node open until the node answers', async () => {
      const client = new CometdHttpClient(lb.url, { host: HOST });
      await client.handshake();
      expect(client.clientId).toBeDefined();
      const r = await client.connect();
      expect(r.status).toBe(200);
      expect(r.ms).toBeGreaterThanOrEqual(HOLD_MS - 100);
      expect(r.messages.find((m) => m.channel === '/meta/connect')?.successful).toBe(true);
    });

    it('keeps 30 clients x 20 requests each on one node, and spreads fresh clients over all three', async () => {
      const clients = Array.from(
        { length: 30 },
        () => new CometdHttpClient(lb.url, { host: HOST }),
      );
      const nodesSeen = await Promise.all(
        clients.map(async (c) => {
          const seen: Array<string | undefined> = [];
          const hs = await c.handshake();
          seen.push(hs.node);
          expect(
            c.clientId,
            `handshake via ${target}: ${hs.status} ${hs.body.slice(0, 200)}`,
          ).toBeDefined();
          for (let i = 1; i < 20; i++) {
            const r = i % 2 ? await c.connect(0) : await c.publish('/service/echo', { i });
            // A request on another node would be answered 402::Unknown client.
            expect(
              r.messages.every((m) => m.successful !== false),
              `request ${i}: ${r.body}`,
            ).toBe(true);
            seen.push(r.node);
          }
          return seen;
        }),
      );
      for (const seen of nodesSeen) expect(new Set(seen).size).toBe(1);
      const perNode = countBy(nodesSeen.map((s) => s[0]));
      expect([...perNode.keys()].sort()).toEqual(['gms-0', 'gms-1', 'gms-2']);
    });

    it('answers a timed-out long-poll GET from one node only (never replayed on another)', async () => {
      // A second LB rendered for a 1 s CometD timeout (read timeout 2 s) in front of nodes that
      // hold 2.5 s: the LB times out; nginx's default would now retry the GET on every node.
      const port = await freePort();
      const dir = tempDir(`${target}-short`);
      const short = await startLb(
        target,
        renderFor(target, cs, backends, port, dir, SHORT_TIMING),
        port,
        dir,
      );
      try {
        const client = new CometdHttpClient(short.url, { host: HOST });
        await client.handshake();
        expect(client.clientId).toBeDefined();
        await Promise.all(backends.map((b) => b.reset()));
        const r = await client.connectGet();
        expect(r.status).toBeGreaterThanOrEqual(500);
        expect(await totalHits(backends, 'connectGets')).toBe(1);
      } finally {
        await short.stop();
      }
    });

    it('moves only the clients of a stopped node', async () => {
      // A fresh LB: Apache's byrequests counts sticky requests too, so after the tests above new
      // sessions would favour the nodes that served fewer requests (by design, not a fault).
      const port = await freePort();
      const dir = tempDir(`${target}-stop`);
      const fresh = await startLb(
        target,
        renderFor(target, cs, backends, port, dir, TIMING),
        port,
        dir,
      );
      onTestFinished(() => fresh.stop());
      const clients = Array.from(
        { length: 30 },
        () => new CometdHttpClient(fresh.url, { host: HOST }),
      );
      const before = await Promise.all(clients.map(async (c) => (await c.handshake()).node));
      expect(new Set(before).size).toBe(3);
      const victim = backends[1]!;
      await victim.stop();
      const after = await Promise.all(
        clients.map(async (c) => {
          const r = await c.connect(0);
          if (r.messages.some((m) => m.successful === false)) await c.handshake(); // moved: CometD re-handshakes
          const again = await c.connect(0);
          expect(
            again.messages.every((m) => m.successful !== false),
            again.body,
          ).toBe(true);
          return again.node;
        }),
      );
      before.forEach((node, i) => {
        if (node === victim.id) expect(after[i]).not.toBe(victim.id);
        else expect(after[i]).toBe(node);
      });
      // and the moved clients stay where they landed
      const third = await Promise.all(clients.map(async (c) => (await c.connect(0)).node));
      expect(third).toEqual(after);
    });
  },
);

describe('the replay check can fail (load-balancers.md §2.4)', () => {
  it('nginx with its default proxy_next_upstream (error timeout) replays a timed-out long-poll GET on another node', async () => {
    const backends = await startBackends(3, { timeoutMs: HOLD_MS });
    onTestFinished(() => stopBackends(backends));
    const port = await freePort();
    const dir = tempDir('nginx-trap');
    const files = renderFor(
      'nginx',
      chatService({ host: HOST }),
      backends,
      port,
      dir,
      SHORT_TIMING,
    ).map((f) => ({
      ...f,
      content: f.content.replace(/^\s*proxy_next_upstream(_tries)? .*$/gm, ''),
    }));
    const lb = await startLb('nginx', files, port, dir);
    onTestFinished(() => lb.stop());
    const client = new CometdHttpClient(lb.url, { host: HOST });
    await client.handshake();
    await Promise.all(backends.map((b) => b.reset()));
    const home = (await client.connect(0)).node;
    const r = await client.connectGet();
    // The GET timed out on the client's node and went on to another node, which does not know
    // the client: the session is lost (402::Unknown client), exactly the harm the rendered
    // `proxy_next_upstream error` prevents.
    expect(await totalHits(backends, 'connectGets')).toBeGreaterThanOrEqual(2);
    expect(r.node).not.toBe(home);
    expect(r.body).toContain('402::Unknown client');
  });
});
