/**
 * Lease-based leader election over the coordination.k8s.io/v1 API, after client-go's
 * tools/leaderelection as controller-runtime configures it (domain/operator-patterns.md §4:
 * LeaseDuration 15 s, RenewDeadline 10 s, RetryPeriod 2 s, LeaderElectionReleaseOnCancel).
 *
 * - A candidate tries every RetryPeriod (jittered); it takes the Lease when nobody holds it,
 *   when it was released (empty holderIdentity), or when the holder has not renewed for
 *   LeaseDuration. "Not renewed" is judged by the candidate's own clock from the moment it
 *   last saw the record change (client-go's observedTime), so clock skew between replicas
 *   cannot shorten the lease.
 * - Writes are compare-and-swap PUTs on resourceVersion: two candidates racing for an
 *   expired lease cannot both win (the loser gets 409).
 * - The leader renews every RetryPeriod; if no renewal succeeds for RenewDeadline it stops
 *   leading (onStoppedLeading) before the lease can expire for the others.
 * - release() (on SIGTERM) clears holderIdentity and sets leaseDurationSeconds 1, so a
 *   standby takes over within one retry instead of waiting out the lease.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import { realClock, rfc3339Micro } from './clock.js';
import type { KubeClient } from './kube/client.js';
import { errorMessage, isAlreadyExists, isConflict } from './kube/errors.js';
import { RESOURCES } from './kube/resources.js';
import type { KubeObject } from './kube/types.js';

export interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
  onStartedLeading?: () => void;
  onStoppedLeading?: () => void;
  onNewLeader?: (identity: string) => void;
}

export function defaultIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

export class LeaderElector {
  readonly identity: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private observed: { record: string; at: number; lease: Lease } | undefined;
  private leading = false;
  private lastRenew = 0;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private reportedLeader = '';

  constructor(private readonly opts: LeaderElectionOptions) {
    this.identity = opts.identity ?? defaultIdentity();
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    if (!(
      this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs * 1.2
    )) {
      throw new Error('leader election needs leaseDuration > renewDeadline > 1.2 * retryPeriod');
    }
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Start campaigning; resolves once the loop ends (stop() or leadership lost). */
  run(): Promise<void> {
    if (this.loop) return this.loop;
    this.abort = new AbortController();
    this.loop = this.campaign(this.abort.signal);
    return this.loop;
  }

  /** Stop campaigning; a leader releases the Lease so a standby takes over at once. */
  async stop(release = true): Promise<void> {
    this.abort?.abort(new Error('leader election stopped'));
    await this.loop;
    if (release && this.leading) await this.release();
    this.setLeading(false);
  }

  private async campaign(signal: AbortSignal): Promise<void> {
    // Acquire.
    while (!signal.aborted && !this.leading) {
      if (await this.attempt(this.renewDeadlineMs)) {
        this.lastRenew = this.clock.now();
        this.setLeading(true);
        break;
      }
      if (!(await this.pause(this.retryPeriodMs * (1 + 0.2 * this.random()), signal))) return;
    }
    // Renew.
    while (!signal.aborted && this.leading) {
      if (!(await this.pause(this.retryPeriodMs, signal))) return;
      // Each renewal gets only what is left of the renew deadline (client-go bounds it with
      // a context the same way): a hung request must not keep a deposed leader writing.
      const left = this.renewDeadlineMs - (this.clock.now() - this.lastRenew);
      if (left > 0 && (await this.attempt(left))) {
        this.lastRenew = this.clock.now();
        continue;
      }
      if (this.clock.now() - this.lastRenew >= this.renewDeadlineMs) {
        this.opts.logger?.error(
          { lease: `${this.opts.namespace}/${this.opts.name}`, identity: this.identity },
          'failed to renew the leader Lease within the renew deadline; stopping leading',
        );
        this.setLeading(false);
        return;
      }
    }
  }

  /** tryAcquireOrRenew bounded by ms; a late answer counts as a failure. */
  private attempt(ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = this.clock.after(ms, () => resolve(false));
      this.tryAcquireOrRenew().then(
        (ok) => {
          timer.cancel();
          resolve(ok);
        },
        () => {
          timer.cancel();
          resolve(false);
        },
      );
    });
  }

  /** One attempt (client-go's tryAcquireOrRenew). */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, name } = this.opts;
    const now = this.clock.now();
    const nowTime = rfc3339Micro(now);
    const durationSeconds = Math.round(this.leaseDurationMs / 1000);
    let lease: Lease | undefined;
    try {
      lease = await client.get<Lease>(RESOURCES.Lease, namespace, name);
    } catch (err) {
      this.opts.logger?.warn({ err: errorMessage(err) }, 'cannot read the leader Lease');
      return false;
    }
    if (!lease) {
      try {
        const created = await client.create<Lease>({
          apiVersion: RESOURCES.Lease.apiVersion,
          kind: 'Lease',
          metadata: { name, namespace },
          spec: {
            holderIdentity: this.identity,
            leaseDurationSeconds: durationSeconds,
            acquireTime: nowTime,
            renewTime: nowTime,
            leaseTransitions: 0,
          },
        });
        this.observe(created, now);
        return true;
      } catch (err) {
        if (!isAlreadyExists(err))
          this.opts.logger?.warn({ err: errorMessage(err) }, 'cannot create the leader Lease');
        return false;
      }
    }
    const spec = lease.spec ?? {};
    const record = JSON.stringify(spec);
    if (!this.observed || this.observed.record !== record) {
      this.observed = { record, at: now, lease };
      if (spec.holderIdentity && spec.holderIdentity !== this.reportedLeader) {
        this.reportedLeader = spec.holderIdentity;
        this.opts.onNewLeader?.(spec.holderIdentity);
      }
    }
    const holder = spec.holderIdentity ?? '';
    const heldByOther = holder !== '' && holder !== this.identity;
    const leaseMs = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (heldByOther && this.observed.at + leaseMs > now) return false;
    const next: Lease = {
      ...lease,
      spec: {
        holderIdentity: this.identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: holder === this.identity ? (spec.acquireTime ?? nowTime) : nowTime,
        renewTime: nowTime,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (holder === this.identity ? 0 : 1),
      },
    };
    try {
      const updated = await client.replace<Lease>(next);
      this.observe(updated, now);
      return true;
    } catch (err) {
      if (!isConflict(err))
        this.opts.logger?.warn({ err: errorMessage(err) }, 'cannot update the leader Lease');
      return false;
    }
  }

  private async release(): Promise<void> {
    const lease = this.observed?.lease;
    if (!lease || lease.spec?.holderIdentity !== this.identity) return;
    const nowTime = rfc3339Micro(this.clock.now());
    try {
      const released = await this.opts.client.replace<Lease>({
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: null,
          leaseDurationSeconds: 1,
          renewTime: nowTime,
          acquireTime: nowTime,
        },
      });
      this.observe(released, this.clock.now());
      this.opts.logger?.info({ identity: this.identity }, 'released the leader Lease');
    } catch (err) {
      this.opts.logger?.warn({ err: errorMessage(err) }, 'cannot release the leader Lease');
    }
  }

  private observe(lease: Lease, at: number): void {
    this.observed = { record: JSON.stringify(lease.spec ?? {}), at, lease };
  }

  private setLeading(v: boolean): void {
    if (this.leading === v) return;
    this.leading = v;
    if (v) {
      this.opts.logger?.info({ identity: this.identity }, 'became leader');
      this.reportedLeader = this.identity;
      this.opts.onStartedLeading?.();
    } else {
      this.opts.onStoppedLeading?.();
    }
  }

  private async pause(ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await this.clock.sleep(ms, signal);
      return true;
    } catch {
      return false;
    }
  }
}
