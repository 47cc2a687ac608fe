/**
 * A controller: a work queue of object keys and N workers running a level-triggered
 * Reconciler (controller-runtime pkg/reconcile: "action isn't driven off changes in
 * individual Events, but instead is driven by actual cluster state").
 *
 * - reconcile returns nothing (done), or { requeueAfterMs } (look again later, e.g. a
 *   rollout step that waits for a pod); a thrown error requeues with per-key exponential
 *   backoff; a TerminalError is logged and not retried until the object changes.
 * - Keys are serialized by the queue, so at most one reconcile per object runs at a time;
 *   workers bound the total. Reconciles should be short: long waits are requeueAfter, not
 *   sleeps, so a rollout of one ChatService holds no worker while it waits.
 * - Each reconcile gets an AbortSignal, aborted when leadership is lost or the shutdown
 *   drain deadline passes.
 */
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import { realClock } from './clock.js';
import { errorMessage } from './kube/errors.js';
import { splitKey } from './kube/types.js';
import type { OperatorMetrics } from './metrics.js';
import type { RateLimiter } from './ratelimit.js';
import type { ShutdownResult } from './workqueue.js';
import { WorkQueue } from './workqueue.js';

export interface Request {
  key: string;
  namespace: string;
  name: string;
}

export interface Result {
  requeueAfterMs?: number;
}

export interface ReconcileContext {
  signal: AbortSignal;
  logger: Logger | undefined;
}

export interface Reconciler {
  reconcile(req: Request, ctx: ReconcileContext): Promise<Result | void>;
}

/** An error retrying cannot fix (controller-runtime reconcile.TerminalError). */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

export interface ControllerOptions {
  name: string;
  reconciler: Reconciler;
  concurrency?: number;
  rateLimiter?: RateLimiter<string>;
  metrics?: OperatorMetrics;
  logger?: Logger;
  clock?: Clock;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue<string>;
  private readonly concurrency: number;
  private workers: Promise<void>[] = [];
  private abort = new AbortController();
  private started = false;
  private readonly clock: Clock;

  constructor(private readonly opts: ControllerOptions) {
    this.name = opts.name;
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.clock = opts.clock ?? realClock;
    this.queue = new WorkQueue<string>({
      rateLimiter: opts.rateLimiter,
      clock: this.clock,
      metrics: opts.metrics?.queueMetrics(opts.name),
    });
    opts.metrics?.maxConcurrentReconciles.set({ controller: opts.name }, this.concurrency);
    opts.metrics?.activeWorkers.set({ controller: opts.name }, 0);
    opts.metrics?.trackQueue(opts.name, () => ({
      unfinished: this.queue.unfinishedWorkSeconds(),
      longest: this.queue.longestRunningSeconds(),
    }));
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  enqueueAfter(key: string, ms: number): void {
    this.queue.addAfter(key, ms);
  }

  get isStarted(): boolean {
    return this.started;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (let i = 0; i < this.concurrency; i++) this.workers.push(this.worker());
  }

  /**
   * Stop taking work; wait up to drainMs for in-flight reconciles, then abort the rest.
   * Returns what was handed back (queued, delayed, or cut off).
   */
  async stop(drainMs = 0): Promise<ShutdownResult<string>> {
    const result = await this.queue.shutdown(drainMs);
    if (result.unfinished.length > 0) this.abort.abort(new Error('controller stopped'));
    // The bound is cancelled once the workers are done: a pending timer kept the process alive
    // for the whole grace period (20 s by default) after a shutdown that took milliseconds.
    const bound = new AbortController();
    await Promise.race([
      Promise.all(this.workers),
      this.clock.sleep(Math.max(drainMs, 1000), bound.signal).catch(() => undefined),
    ]);
    bound.abort();
    return result;
  }

  /** Abort in-flight reconciles at once (leadership lost: stop writing now). */
  abortInFlight(): void {
    this.abort.abort(new Error('leadership lost'));
    this.abort = new AbortController();
  }

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.process(key);
    }
  }

  private async process(key: string): Promise<void> {
    const { metrics, logger } = this.opts;
    const labels = { controller: this.name };
    const { namespace, name } = splitKey(key);
    const log = logger?.child({ controller: this.name, namespace, name });
    metrics?.activeWorkers.inc(labels);
    const started = this.clock.now();
    try {
      const res = await this.opts.reconciler.reconcile(
        { key, namespace, name },
        { signal: this.abort.signal, logger: log },
      );
      if (res?.requeueAfterMs !== undefined && res.requeueAfterMs >= 0) {
        this.queue.forget(key);
        this.queue.addAfter(key, res.requeueAfterMs);
        metrics?.reconcileTotal.inc({ ...labels, result: 'requeue_after' });
      } else {
        this.queue.forget(key);
        metrics?.reconcileTotal.inc({ ...labels, result: 'success' });
      }
    } catch (err) {
      if (err instanceof TerminalError) {
        this.queue.forget(key);
        metrics?.terminalReconcileErrors.inc(labels);
        metrics?.reconcileErrors.inc(labels);
        metrics?.reconcileTotal.inc({ ...labels, result: 'error' });
        log?.error(
          { err: errorMessage(err) },
          'reconcile failed (terminal; not retried until the object changes)',
        );
      } else {
        this.queue.addRateLimited(key);
        metrics?.reconcileErrors.inc(labels);
        metrics?.reconcileTotal.inc({ ...labels, result: 'error' });
        log?.warn(
          { err: errorMessage(err), requeues: this.queue.numRequeues(key) },
          'reconcile failed; requeued with backoff',
        );
      }
    } finally {
      metrics?.reconcileTime.observe(labels, (this.clock.now() - started) / 1000);
      metrics?.activeWorkers.dec(labels);
      this.queue.done(key);
    }
  }
}
