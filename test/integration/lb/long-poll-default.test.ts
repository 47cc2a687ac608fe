/**
 * The default rendering (CometD timeout 30 s, maxNetworkDelay 10 s) raises each LB's read limit
 * above its stock default (nginx proxy_read_timeout 60 s, Apache Timeout 60 s): a long poll the
 * node holds 65 s comes back 200 through all three LBs at once (one ~65 s test).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBackends, stopBackends, type RunningBackend } from '../../support/cometd-backends.js';
import { CometdHttpClient } from '../../support/cometd-backend-client.js';
import { freePort, RUNNABLE_TARGETS, startLb, tempDir, type RunningLb } from './harness.js';
import { chatService, renderFor } from './fixtures.js';

const HOLD_MS = 65_000;
let backends: RunningBackend[];
const lbs: RunningLb[] = [];

beforeAll(async () => {
  backends = await startBackends(3, { timeoutMs: HOLD_MS });
  for (const target of RUNNABLE_TARGETS) {
    const port = await freePort();
    const dir = tempDir(`default-${target}`);
    lbs.push(
      await startLb(
        target,
        renderFor(target, chatService({ host: 'chat.example.com' }), backends, port, dir),
        port,
        dir,
      ),
    );
  }
});
afterAll(async () => {
  await Promise.all(lbs.map((lb) => lb.stop()));
  await stopBackends(backends ?? []);
});

it(
  'a long poll held 65 s (above nginx’s and Apache’s 60 s defaults) is not cut by the default rendering',
  { timeout: 110_000 },
  async () => {
    const results = await Promise.all(
      lbs.map(async (lb) => {
        const client = new CometdHttpClient(lb.url, { host: 'chat.example.com' });
        await client.handshake();
        const r = await client.connect();
        return {
          target: lb.target,
          status: r.status,
          ms: r.ms,
          ok: r.messages.find((m) => m.channel === '/meta/connect')?.successful,
        };
      }),
    );
    for (const r of results) {
      expect(r, JSON.stringify(r)).toMatchObject({ status: 200, ok: true });
      expect(r.ms).toBeGreaterThanOrEqual(HOLD_MS - 500);
    }
  },
);
