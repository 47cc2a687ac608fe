/**
 * Rate limiters of the work queue, after client-go's workqueue (domain/operator-patterns.md §4:
 * controller-runtime's default is a MaxOf(per-item exponential 5 ms -> 1000 s, token bucket
 * 10 qps / burst 100)). A limiter answers "how long must this item wait before it is handed to
 * a worker again".
 */
import type { Clock } from './clock.js';
import { realClock } from './clock.js';

export interface RateLimiter<K> {
  /** Delay (ms) before item may be processed again; records one more requeue. */
  when(item: K): number;
  /** The item succeeded: reset its failure history. */
  forget(item: K): void;
  /** How many times the item has been requeued through this limiter since its last forget. */
  numRequeues(item: K): number;
}

/** base * 2^failures, capped at max, per item. */
export class ItemExponentialFailureRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();

  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 1000_000,
  ) {}

  when(item: K): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    // 2^n overflows to Infinity long after it passes any sane max; Math.min handles both.
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }

  forget(item: K): void {
    this.failures.delete(item);
  }

  numRequeues(item: K): number {
    return this.failures.get(item) ?? 0;
  }

  /** Items with a failure history (for tests and metrics). */
  get size(): number {
    return this.failures.size;
  }
}

/**
 * A token bucket in reservation mode (like golang.org/x/time/rate's Reserve): a caller always
 * gets a slot, possibly in the future, and is told how long to wait for it. Shared by the work
 * queue (overall requeue rate) and the API transport (client-side QPS).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(qps > 0) || !(burst >= 1))
      throw new Error(`invalid token bucket qps=${qps} burst=${burst}`);
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Takes one token; returns how many ms the caller must wait before using it. */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  /** Takes a token only if one is available now (for callers that drop instead of wait). */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether the bucket is full again (then it is the same as a new one). */
  full(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }
}

export class BucketRateLimiter<K> implements RateLimiter<K> {
  private readonly bucket: TokenBucket;

  constructor(qps = 10, burst = 100, clock: Clock = realClock) {
    this.bucket = new TokenBucket(qps, burst, clock);
  }

  when(_item: K): number {
    return this.bucket.reserve();
  }

  forget(_item: K): void {}

  numRequeues(_item: K): number {
    return 0;
  }
}

/** The longest delay any of the limiters asks for. */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  private readonly limiters: RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }

  when(item: K): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.when(item));
    return max;
  }

  forget(item: K): void {
    for (const l of this.limiters) l.forget(item);
  }

  numRequeues(item: K): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.numRequeues(item));
    return max;
  }
}

/** controller-runtime's DefaultTypedControllerRateLimiter. */
export function defaultControllerRateLimiter<K>(clock: Clock = realClock): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ItemExponentialFailureRateLimiter<K>(5, 1000_000),
    new BucketRateLimiter<K>(10, 100, clock),
  );
}
