import { describe, expect, it } from 'vitest';
import { Controller, TerminalError } from '../../../../src/operator/runtime/controller.js';
import type { Reconciler, Request } from '../../../../src/operator/runtime/controller.js';
import { OperatorMetrics } from '../../../../src/operator/runtime/metrics.js';
import { ItemExponentialFailureRateLimiter } from '../../../../src/operator/runtime/ratelimit.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise<void>((r) => setTimeout(r, 5));

async function until(cond: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await tick();
  }
}

describe('Controller', () => {
  it('runs at most `concurrency` reconciles, one per key at a time', async () => {
    let running = 0;
    let peak = 0;
    const perKey = new Map<string, number>();
    let perKeyPeak = 0;
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const reconciler: Reconciler = {
      async reconcile(req: Request) {
        running++;
        peak = Math.max(peak, running);
        perKey.set(req.key, (perKey.get(req.key) ?? 0) + 1);
        perKeyPeak = Math.max(perKeyPeak, perKey.get(req.key)!);
        const g = deferred();
        gates.set(req.key, g);
        await g.promise;
        perKey.set(req.key, perKey.get(req.key)! - 1);
        running--;
      },
    };
    const c = new Controller({ name: 'test', reconciler, concurrency: 3 });
    c.start();
    for (const k of ['ns/a', 'ns/b', 'ns/c', 'ns/d', 'ns/e']) c.enqueue(k);
    await until(() => running === 3);
    c.enqueue('ns/a'); // while a runs: must wait for a to finish, never run twice at once
    gates.get('ns/a')!.resolve();
    await until(() => gates.get('ns/a') !== undefined && running === 3);
    for (let i = 0; i < 20; i++) {
      for (const g of gates.values()) g.resolve();
      await tick();
    }
    await until(() => running === 0 && c.queue.len === 0);
    expect(peak).toBe(3);
    expect(perKeyPeak).toBe(1);
    await c.stop();
  });

  it('a long reconcile of one key does not block the others', async () => {
    const done: string[] = [];
    const slow = deferred();
    const c = new Controller({
      name: 'test',
      concurrency: 2,
      reconciler: {
        async reconcile(req) {
          if (req.name === 'slow') await slow.promise;
          done.push(req.name);
        },
      },
    });
    c.start();
    c.enqueue('ns/slow');
    for (let i = 0; i < 10; i++) c.enqueue(`ns/fast${i}`);
    await until(() => done.length === 10);
    expect(done).not.toContain('slow');
    slow.resolve();
    await until(() => done.includes('slow'));
    await c.stop();
  });

  it('requeues failures with per-key backoff, forgets on success, stops retrying terminal errors', async () => {
    const calls: string[] = [];
    let failures = 2;
    const metrics = new OperatorMetrics({ defaultMetrics: false });
    const c = new Controller({
      name: 'test',
      metrics,
      rateLimiter: new ItemExponentialFailureRateLimiter(1, 10),
      reconciler: {
        async reconcile(req) {
          calls.push(req.name);
          if (req.name === 'flaky' && failures-- > 0) throw new Error('transient');
          if (req.name === 'broken') throw new TerminalError('spec cannot work');
        },
      },
    });
    c.start();
    c.enqueue('ns/flaky');
    c.enqueue('ns/broken');
    await until(() => calls.filter((n) => n === 'flaky').length === 3);
    await tick();
    expect(calls.filter((n) => n === 'broken')).toHaveLength(1);
    expect(c.queue.numRequeues('ns/flaky')).toBe(0);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/controller_runtime_reconcile_errors_total\{controller="test"\} 3/);
    expect(text).toMatch(
      /controller_runtime_terminal_reconcile_errors_total\{controller="test"\} 1/,
    );
    expect(text).toMatch(
      /controller_runtime_reconcile_total\{controller="test",result="success"\} 1/,
    );
    expect(text).toMatch(/workqueue_retries_total\{name="test",controller="test"\} 2/);
    expect(text).toMatch(/controller_runtime_reconcile_time_seconds_count\{controller="test"\} 4/);
    await c.stop();
  });

  it('requeueAfter brings the key back later', async () => {
    let n = 0;
    const c = new Controller({
      name: 'test',
      reconciler: {
        async reconcile() {
          n++;
          return n < 3 ? { requeueAfterMs: 10 } : undefined;
        },
      },
    });
    c.start();
    c.enqueue('ns/x');
    await until(() => n === 3);
    await tick();
    expect(n).toBe(3);
    await c.stop();
  });

  it('stop drains in-flight work, hands back the queue, and aborts what overruns the deadline', async () => {
    const gate = deferred();
    let aborted = false;
    const c = new Controller({
      name: 'test',
      concurrency: 1,
      reconciler: {
        async reconcile(req, ctx) {
          if (req.name === 'stuck') {
            ctx.signal.addEventListener('abort', () => (aborted = true));
            await new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r()));
            return;
          }
          await gate.promise;
        },
      },
    });
    c.start();
    c.enqueue('ns/first');
    c.enqueue('ns/queued');
    await tick();
    const stopping = c.stop(2000);
    gate.resolve();
    const res = await stopping;
    expect(res).toEqual({ handedBack: ['ns/queued'], unfinished: [] });
    expect(aborted).toBe(false);

    const c2 = new Controller({
      name: 'test2',
      reconciler: {
        async reconcile(_req, ctx) {
          await new Promise<void>((r) =>
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
              r();
            }),
          );
        },
      },
    });
    c2.start();
    c2.enqueue('ns/stuck');
    await tick();
    const res2 = await c2.stop(50);
    expect(res2.unfinished).toEqual(['ns/stuck']);
    expect(aborted).toBe(true);
  });

  it('stop leaves no timer behind once the workers are done (the process can exit at once)', async () => {
    // The grace bound is a real timer: left pending, it kept `gmsctl operator` alive for the
    // whole --shutdown-grace (20 s) after a SIGTERM shutdown that took milliseconds.
    const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const c = new Controller({ name: 'idle', reconciler: { async reconcile() {} } });
    c.start();
    c.enqueue('ns/one');
    await tick();
    const before = timeouts();
    const started = Date.now();
    const res = await c.stop(60_000);
    expect(res).toEqual({ handedBack: [], unfinished: [] });
    expect(Date.now() - started).toBeLessThan(5_000);
    await new Promise<void>((r) => setImmediate(r));
    expect(timeouts()).toBeLessThanOrEqual(before);
  });
});
