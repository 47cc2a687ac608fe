import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../../../src/operator/runtime/workqueue.js';
import { ItemExponentialFailureRateLimiter } from '../../../../src/operator/runtime/ratelimit.js';
import { FakeClock, flush } from '../fakes/fake-clock.js';

function queue(clock = new FakeClock()) {
  return {
    clock,
    q: new WorkQueue<string>({
      clock,
      rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000),
    }),
  };
}

describe('WorkQueue', () => {
  it('de-duplicates keys waiting in the queue', async () => {
    const { q } = queue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.len).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  it('never hands a key in processing to a second worker; re-adds it after done', async () => {
    const { q } = queue();
    q.add('a');
    const first = await q.get();
    q.add('a'); // arrives while a is processed
    expect(q.len).toBe(0);
    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await flush();
    expect(second).toBeUndefined();
    q.done(first!);
    await flush();
    expect(second).toBe('a');
  });

  it('a waiting worker gets a key as soon as it is added', async () => {
    const { q } = queue();
    const p = q.get();
    q.add('x');
    expect(await p).toBe('x');
    expect(q.inFlight).toBe(1);
  });

  it('addAfter keeps the earliest due time', async () => {
    const { q, clock } = queue();
    q.addAfter('a', 1000);
    q.addAfter('a', 5000);
    q.addAfter('a', 500);
    await clock.advance(499);
    expect(q.len).toBe(0);
    await clock.advance(1);
    expect(q.len).toBe(1);
    await clock.advance(10_000);
    expect(q.len).toBe(1); // not added twice
  });

  it('addRateLimited backs off exponentially per key and forget resets it', async () => {
    const { q, clock } = queue();
    q.addRateLimited('a'); // 5 ms
    q.addRateLimited('a'); // 10 ms, later due time: earliest (5) kept
    expect(q.numRequeues('a')).toBe(2);
    await clock.advance(5);
    expect(q.len).toBe(1);
    await q.get();
    q.done('a');
    q.addRateLimited('a'); // third failure: 20 ms
    await clock.advance(19);
    expect(q.len).toBe(0);
    await clock.advance(1);
    expect(q.len).toBe(1);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
  });

  it('shutdown hands back queued and delayed keys and wakes idle workers', async () => {
    const { q } = queue();
    const idle = q.get();
    q.add('a'); // taken by the idle worker
    q.add('b');
    q.addAfter('c', 60_000);
    const res = await q.shutdown();
    expect(await idle).toBe('a');
    expect(res.handedBack.sort()).toEqual(['b', 'c']);
    expect(res.unfinished).toEqual(['a']);
    expect(await q.get()).toBeUndefined();
    q.add('d');
    expect(q.len).toBe(0);
  });

  it('shutdown with drain waits for in-flight work, up to the deadline', async () => {
    const { q, clock } = queue();
    q.add('a');
    q.add('b');
    await q.get();
    await q.get();
    let result: Awaited<ReturnType<typeof q.shutdown>> | undefined;
    void q.shutdown(10_000).then((r) => (result = r));
    await flush();
    q.done('a');
    await flush();
    expect(result).toBeUndefined(); // b still running
    await clock.advance(10_000);
    expect(result?.unfinished).toEqual(['b']);

    const second = queue();
    second.q.add('x');
    await second.q.get();
    let drained: Awaited<ReturnType<typeof q.shutdown>> | undefined;
    void second.q.shutdown(10_000).then((r) => (drained = r));
    await flush();
    second.q.done('x');
    await flush();
    expect(drained).toEqual({ handedBack: [], unfinished: [] });
  });

  it('reports in-flight time for the unfinished-work metrics', async () => {
    const { q, clock } = queue();
    q.add('a');
    await q.get();
    await clock.advance(3000);
    q.add('b');
    await q.get();
    await clock.advance(1000);
    expect(q.longestRunningSeconds()).toBe(4);
    expect(q.unfinishedWorkSeconds()).toBe(5);
  });
});
