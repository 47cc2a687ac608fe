/**
 * The load balancer the operator runs is stateless: two LB replicas (one ConfigMap, the same
 * file) and a restarted replica send a CometD session to the same GMS node, because the sticky
 * cookie each LB mints decodes to a node on any replica (src/manifests/loadbalancer.ts):
 * HAProxy and Apache write the node's name into the cookie; nginx's random cookie is placed on a
 * ketama ring built from the `server` lines, identical in every replica.
 *
 * Real nginx / HAProxy / Apache httpd from Debian, rendered with the operator's in-cluster
 * options (health listener, nginx worker count; `lbRenderOptions`), with the GMS nodes on
 * loopback instead of the cluster DNS names and a free port per replica.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lbRenderOptions } from '../../../src/manifests/index.js';
import { renderLoadBalancer, type RenderedFile } from '../../../src/lb/index.js';
import { startBackends, stopBackends, type RunningBackend } from '../../support/cometd-backends.js';
import { CometdHttpClient, openWebSocket } from '../../support/cometd-backend-client.js';
import {
  freePort,
  haveBinary,
  RUNNABLE_TARGETS,
  startLb,
  tempDir,
  type RunnableTarget,
  type RunningLb,
} from './harness.js';
import { asLbBackends, chatService } from './fixtures.js';

const HOST = 'chat.example.com';
const HOLD_MS = 2500;
const TIMING = { timeoutMs: HOLD_MS, maxNetworkDelayMs: 1000 };

describe.each(RUNNABLE_TARGETS)('%s: stickiness across LB replicas and restarts', (target) => {
  let backends: RunningBackend[];
  const replicas: RunningLb[] = [];
  const cs = chatService({ mode: target, host: HOST, affinity: 'cookie' });

  /** One replica: the operator's in-cluster rendering, on its own loopback ports and dirs. */
  async function replica(host = '127.0.0.1'): Promise<RunningLb> {
    const port = await freePort();
    const dir = tempDir(`${target}-replica`);
    const files: RenderedFile[] = renderLoadBalancer(target, cs, {
      ...lbRenderOptions(cs, target as RunnableTarget),
      backends: asLbBackends(backends).map((b) => ({ ...b, host })),
      listen: { address: '127.0.0.1', httpPort: port },
      healthPort: await freePort(),
      runDir: `${dir}/run`,
      apacheModulesDir: '/usr/lib/apache2/modules',
      cometd: TIMING,
    });
    const lb = await startLb(target, files, port, dir);
    replicas.push(lb);
    return lb;
  }

  /** The same browser (cookies, CometD clientId) talking through `lb`. */
  const via = (c: CometdHttpClient, lb: RunningLb): CometdHttpClient => {
    (c as unknown as { baseUrl: string }).baseUrl = lb.url;
    return c;
  };

  beforeAll(async () => {
    backends = await startBackends(3, { timeoutMs: HOLD_MS });
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await stopBackends(backends ?? []);
  });

  it.runIf(haveBinary(target))(
    'a session started on one replica stays on its node through the other, and after a restart',
    async () => {
      const a = await replica();
      const b = await replica();
      // The rendered files of both replicas differ only in their own ports and directories.
      const clients = Array.from({ length: 12 }, () => new CometdHttpClient(a.url, { host: HOST }));
      const home = new Map<CometdHttpClient, string>();
      for (const c of clients) {
        const hs = await via(c, a).handshake();
        expect(c.clientId, `handshake through ${target} A: ${hs.status} ${hs.body}`).toBeDefined();
        const cookie = c.cookies.get('GMSROUTE');
        expect(cookie, 'the LB set its affinity cookie').toBeDefined();
        // HAProxy and Apache write the node's name into the cookie (Apache: ".<route>"); any
        // replica decodes it. nginx mints a random key that its hash ring maps to a node.
        if (target === 'haproxy') expect(cookie).toBe(hs.node);
        if (target === 'apache') expect(cookie).toBe(`.${hs.node}`);
        if (target === 'nginx') expect(cookie).toMatch(/^[0-9a-f]{32}$/);
        home.set(c, hs.node!);
      }
      // Fresh clients spread: stickiness is not "everyone on one node".
      expect(new Set(home.values()).size).toBeGreaterThan(1);

      const roundTrips = async (lbs: RunningLb[]): Promise<void> => {
        for (const c of clients) {
          for (let i = 0; i < 6; i++) {
            const lb = lbs[i % lbs.length]!;
            const r = i % 2 ? await via(c, lb).connect(0) : await via(c, lb).publish('/x', { i });
            expect(r.node, `${target}: request ${i} through ${lb.url}`).toBe(home.get(c));
            // A request on another node would be a 402::Unknown client.
            expect(
              r.messages.every((m) => m.successful !== false),
              r.body,
            ).toBe(true);
          }
        }
      };
      await roundTrips([a, b]);

      // A WebSocket upgrade through the other replica reaches the same node too.
      const first = clients[0]!;
      const { ws, status, node } = await openWebSocket(via(first, b));
      ws.close();
      expect(status).toBe(101);
      expect(node).toBe(home.get(first));

      // Restart replica A (the pod restarts or is replaced; nothing is carried over).
      await a.stop();
      replicas.splice(replicas.indexOf(a), 1);
      const a2 = await replica();
      await roundTrips([a2, b]);
    },
  );

  if (target === 'nginx')
    it.runIf(haveBinary(target))(
      'counter-test: an nginx replica whose server lines are written differently maps cookies elsewhere',
      async () => {
        // Same nodes, named "localhost:<port>" instead of "127.0.0.1:<port>": another ketama ring.
        // This is why every replica must run the identical file (one ConfigMap).
        const a = await replica('127.0.0.1');
        const other = await replica('localhost');
        let moved = 0;
        for (let i = 0; i < 12; i++) {
          const c = new CometdHttpClient(a.url, { host: HOST });
          const hs = await via(c, a).handshake();
          const r = await via(c, other).connect(0);
          if (r.node !== hs.node) moved++;
        }
        expect(moved).toBeGreaterThan(0);
      },
    );
});
