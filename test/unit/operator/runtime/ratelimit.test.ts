import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../../src/operator/runtime/backoff.js';
import {
  BucketRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  TokenBucket,
} from '../../../../src/operator/runtime/ratelimit.js';
import { FakeClock } from '../fakes/fake-clock.js';

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles per failure from 5 ms and caps at 1000 s, per item', () => {
    const l = new ItemExponentialFailureRateLimiter<string>(5, 1000_000);
    expect([l.when('a'), l.when('a'), l.when('a'), l.when('a')]).toEqual([5, 10, 20, 40]);
    expect(l.when('b')).toBe(5);
    for (let i = 0; i < 40; i++) l.when('a');
    expect(l.when('a')).toBe(1000_000);
    expect(l.numRequeues('b')).toBe(1);
  });

  it('forget resets an item', () => {
    const l = new ItemExponentialFailureRateLimiter<string>(5, 1000);
    l.when('a');
    l.when('a');
    l.forget('a');
    expect(l.numRequeues('a')).toBe(0);
    expect(l.when('a')).toBe(5);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then spaces reservations at 1/qps', async () => {
    const clock = new FakeClock();
    const b = new TokenBucket(10, 3, clock);
    expect([b.reserve(), b.reserve(), b.reserve()]).toEqual([0, 0, 0]);
    expect(b.reserve()).toBe(100);
    expect(b.reserve()).toBe(200);
    await clock.advance(1000);
    // 10 tokens refilled minus the 2 reserved in the future, capped at burst 3.
    expect(b.reserve()).toBe(0);
  });

  it('tryTake never borrows from the future', async () => {
    const clock = new FakeClock();
    const b = new TokenBucket(1, 2, clock);
    expect(b.tryTake()).toBe(true);
    expect(b.tryTake()).toBe(true);
    expect(b.tryTake()).toBe(false);
    expect(b.tryTake()).toBe(false);
    await clock.advance(1000);
    expect(b.tryTake()).toBe(true);
  });

  it('rejects nonsense parameters', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(/invalid/);
  });
});

describe('MaxOfRateLimiter', () => {
  it('takes the longest delay of per-item backoff and the overall bucket', () => {
    const clock = new FakeClock();
    const l = new MaxOfRateLimiter<string>(
      new ItemExponentialFailureRateLimiter<string>(5, 1000_000),
      new BucketRateLimiter<string>(10, 1, clock),
    );
    expect(l.when('a')).toBe(5); // bucket has its one token
    expect(l.when('b')).toBe(100); // bucket empty: 100 ms > 5 ms
    expect(l.numRequeues('a')).toBe(1);
  });
});

describe('Backoff', () => {
  it('grows exponentially with bounded jitter and resets', () => {
    const b = new Backoff({ initialMs: 800, maxMs: 30_000, jitter: 1, random: () => 0.5 });
    expect([b.next(), b.next(), b.next()]).toEqual([1200, 2400, 4800]);
    for (let i = 0; i < 10; i++) b.next();
    expect(b.next()).toBe(45_000); // 30 s cap + 50 % jitter
    b.reset();
    expect(b.next()).toBe(1200);
  });

  it('jitter spreads delays between base and base*(1+jitter)', () => {
    const lo = new Backoff({ initialMs: 1000, maxMs: 10_000, jitter: 0.5, random: () => 0 });
    const hi = new Backoff({ initialMs: 1000, maxMs: 10_000, jitter: 0.5, random: () => 0.999 });
    expect(lo.next()).toBe(1000);
    expect(hi.next()).toBe(1500);
  });
});
