/**
 * Jittered exponential backoff, used wherever the runtime retries on its own (watch restarts,
 * lease retries). Jitter spreads the retries of many informers or replicas so a recovering API
 * server is not hit by all of them in the same millisecond (client-go's wait.Backoff uses the
 * same shape: duration * factor^n, capped, plus up to `jitter` * duration at random).
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor?: number;
  /** Fraction of the delay added at random, 0..1 (default 0.5). */
  jitter?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;

  constructor(private readonly opts: BackoffOptions) {
    this.factor = opts.factor ?? 2;
    this.jitter = opts.jitter ?? 0.5;
    this.random = opts.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const base = Math.min(this.opts.maxMs, this.opts.initialMs * this.factor ** this.attempt);
    this.attempt++;
    const jittered = base + base * this.jitter * this.random();
    return Math.min(Math.round(jittered), Math.round(this.opts.maxMs * (1 + this.jitter)));
  }

  /** After a success: the next failure starts from initialMs again. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
