/**
 * A keyed, de-duplicating, rate-limited work queue with client-go's semantics
 * (k8s.io/client-go/util/workqueue; domain/operator-patterns.md §4):
 *
 * - a key waiting in the queue is stored once however often it is added (de-duplication);
 * - a key being processed is never handed to a second worker; adds during processing mark it
 *   dirty and it is queued again when the worker calls done() (per-key serialization);
 * - addAfter() delays a key (keeping the earliest due time), addRateLimited() delays it by
 *   the rate limiter (per-item exponential backoff plus an overall token bucket);
 * - shutdown() stops handing out work; with drain it waits, up to a deadline, for in-flight
 *   keys to finish and reports the ones it hands back (queued or still running).
 *
 * Bounded concurrency lives in the controller (N workers calling get()); because one key only
 * ever occupies one worker, a long reconcile of one ChatService never blocks the others.
 */
import type { Clock, Timer } from './clock.js';
import { realClock } from './clock.js';
import type { RateLimiter } from './ratelimit.js';
import { defaultControllerRateLimiter } from './ratelimit.js';

export interface QueueMetrics {
  add(): void;
  depth(n: number): void;
  /** Time a key waited in the queue before a worker took it. */
  latency(seconds: number): void;
  /** Time a worker spent on a key. */
  workDuration(seconds: number): void;
  retry(): void;
}

export interface ShutdownResult<K> {
  /** Keys that were waiting (queued or delayed) and were not processed. */
  handedBack: K[];
  /** Keys whose processing did not finish before the drain deadline. */
  unfinished: K[];
}

export interface WorkQueueOptions<K> {
  rateLimiter?: RateLimiter<K>;
  clock?: Clock;
  metrics?: QueueMetrics;
}

export class WorkQueue<K> {
  private readonly queue: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Map<K, number>();
  private readonly addedAt = new Map<K, number>();
  private readonly waiting = new Map<K, { due: number; timer: Timer }>();
  private readonly getters: ((k: K | undefined) => void)[] = [];
  private readonly doneWaiters: (() => void)[] = [];
  private shuttingDown = false;
  private readonly limiter: RateLimiter<K>;
  private readonly clock: Clock;
  private readonly metrics: QueueMetrics | undefined;

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.clock = opts.clock ?? realClock;
    this.limiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
    this.metrics = opts.metrics;
  }

  /** Queue a key for processing now. */
  add(key: K): void {
    if (this.shuttingDown) return;
    if (this.dirty.has(key)) return;
    this.metrics?.add();
    this.dirty.add(key);
    this.addedAt.set(key, this.clock.now());
    if (this.processing.has(key)) return;
    const getter = this.getters.shift();
    if (getter) {
      this.take(key);
      getter(key);
      return;
    }
    this.queue.push(key);
    this.metrics?.depth(this.len);
  }

  /** Queue a key once ms have passed (an earlier pending due time wins). */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const due = this.clock.now() + ms;
    const pending = this.waiting.get(key);
    if (pending && pending.due <= due) return;
    pending?.timer.cancel();
    const timer = this.clock.after(ms, () => {
      this.waiting.delete(key);
      this.add(key);
    });
    this.waiting.set(key, { due, timer });
  }

  /** Queue a key after the rate limiter's delay (a failed reconcile). */
  addRateLimited(key: K): void {
    this.metrics?.retry();
    this.addAfter(key, this.limiter.when(key));
  }

  /** The key succeeded: clear its backoff history. */
  forget(key: K): void {
    this.limiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.limiter.numRequeues(key);
  }

  /** Next key to process; undefined once the queue shuts down. */
  get(): Promise<K | undefined> {
    if (this.len > 0) {
      const key = this.queue[this.head++] as K;
      this.compact();
      this.take(key);
      this.metrics?.depth(this.len);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** The worker finished key; if it was added meanwhile, it goes back in the queue. */
  done(key: K): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.metrics?.workDuration((this.clock.now() - started) / 1000);
    if (this.dirty.has(key) && !this.shuttingDown) {
      const getter = this.getters.shift();
      if (getter) {
        this.take(key);
        getter(key);
      } else {
        this.queue.push(key);
        this.metrics?.depth(this.len);
      }
    }
    if (this.processing.size === 0) {
      for (const w of this.doneWaiters.splice(0)) w();
    }
  }

  /** Keys waiting to be handed out (not counting delayed or in-flight ones). */
  get len(): number {
    return this.queue.length - this.head;
  }

  get inFlight(): number {
    return this.processing.size;
  }

  /** Seconds the oldest in-flight key has been processed (workqueue_longest_running_processor_seconds). */
  longestRunningSeconds(): number {
    let oldest = Infinity;
    for (const t of this.processing.values()) oldest = Math.min(oldest, t);
    return oldest === Infinity ? 0 : (this.clock.now() - oldest) / 1000;
  }

  /** Sum of seconds in-flight keys have been running (workqueue_unfinished_work_seconds). */
  unfinishedWorkSeconds(): number {
    const now = this.clock.now();
    let sum = 0;
    for (const t of this.processing.values()) sum += (now - t) / 1000;
    return sum;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /**
   * Stop handing out work. Without drainMs, returns at once; with it, waits up to drainMs for
   * in-flight keys to finish. Queued and delayed keys are handed back (level-triggered
   * reconciles lose nothing: the next leader relists and reconciles every object).
   */
  async shutdown(drainMs = 0): Promise<ShutdownResult<K>> {
    this.shuttingDown = true;
    const handedBack = new Set<K>(this.queue.slice(this.head));
    for (const [key, w] of this.waiting) {
      w.timer.cancel();
      handedBack.add(key);
    }
    this.waiting.clear();
    this.queue.length = 0;
    this.head = 0;
    for (const g of this.getters.splice(0)) g(undefined);
    if (drainMs > 0 && this.processing.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = this.clock.after(drainMs, resolve);
        this.doneWaiters.push(() => {
          timer.cancel();
          resolve();
        });
      });
    }
    return { handedBack: [...handedBack], unfinished: [...this.processing.keys()] };
  }

  private take(key: K): void {
    this.dirty.delete(key);
    this.processing.set(key, this.clock.now());
    const added = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (added !== undefined) this.metrics?.latency((this.clock.now() - added) / 1000);
  }

  private compact(): void {
    // Amortised O(1) dequeue without Array.shift's O(n) on a 1,000-key burst.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
