/**
 * An events.k8s.io/v1 Event recorder that aggregates, after client-go's
 * tools/events (the "new" events library kubebuilder's raising-events.md points to):
 *
 * - the first occurrence of (object, type, reason, action, note) creates an Event;
 * - repeats within the series window (6 min, as client-go) are counted into that Event's
 *   `series` (count, lastObservedTime) and written at most once per flush interval, so a
 *   reconcile loop that fails every second produces one Event with a growing count, not a
 *   flood;
 * - a per-object token bucket (burst 25, then one per 5 min: client-go's spam filter) caps
 *   what a single object can emit; the excess is counted in gms_events_dropped_total;
 * - recording never blocks or fails a reconcile: writes are fire-and-forget, errors logged.
 */
import type { Logger } from 'pino';
import type { Clock, Timer } from './clock.js';
import { realClock, rfc3339Micro } from './clock.js';
import type { KubeClient } from './kube/client.js';
import { MERGE_PATCH } from './kube/client.js';
import { errorMessage, isNotFound } from './kube/errors.js';
import { RESOURCES } from './kube/resources.js';
import type { KubeObject } from './kube/types.js';
import { TokenBucket } from './ratelimit.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  client: KubeClient;
  /** reportingController, e.g. gms.chatops.io/gms-operator. */
  controller: string;
  /** reportingInstance: this replica's identity. */
  instance: string;
  clock?: Clock;
  logger?: Logger;
  seriesWindowMs?: number;
  flushIntervalMs?: number;
  onDropped?: () => void;
  /** Writes are refused (dropped) unless this says so: only the leader writes. */
  canWrite?: () => boolean;
}

interface SeriesEntry {
  name: string;
  namespace: string;
  count: number;
  firstAt: number;
  lastObserved: number;
  written: number;
  created: Promise<boolean>;
  flushTimer: Timer | undefined;
}

const NOTE_MAX = 1024;
/** How often expired series and full spam-filter buckets are dropped. */
const GC_INTERVAL_MS = 60_000;
/** Also drop them at once when this many have piled up (client-go's LRU holds 4096). */
const GC_SIZE = 4096;

export class EventRecorder {
  private readonly series = new Map<string, SeriesEntry>();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly clock: Clock;
  private readonly windowMs: number;
  private readonly flushMs: number;
  private readonly inflight = new Set<Promise<unknown>>();
  private lastGc = 0;

  constructor(private readonly opts: EventRecorderOptions) {
    this.clock = opts.clock ?? realClock;
    this.windowMs = opts.seriesWindowMs ?? 6 * 60_000;
    this.flushMs = opts.flushIntervalMs ?? 30_000;
    this.lastGc = this.clock.now();
  }

  /** Series and spam-filter buckets held (for tests). */
  get tracked(): { series: number; buckets: number } {
    return { series: this.series.size, buckets: this.buckets.size };
  }

  /**
   * Record an event about obj. reason is CamelCase (e.g. ConfigInvalid), action what the
   * operator did or tried (e.g. Apply, Validate), note the human explanation.
   */
  event(obj: KubeObject, type: EventType, reason: string, action: string, note: string): void {
    if (this.opts.canWrite && !this.opts.canWrite()) return;
    const uid = obj.metadata.uid ?? `${obj.metadata.namespace}/${obj.metadata.name}`;
    const trimmed = note.length > NOTE_MAX ? `${note.slice(0, NOTE_MAX - 3)}...` : note;
    const key = `${uid}\u0000${type}\u0000${reason}\u0000${action}\u0000${trimmed}`;
    const now = this.clock.now();
    this.gc(now);
    const existing = this.series.get(key);
    if (existing && now - existing.lastObserved <= this.windowMs) {
      existing.count++;
      existing.lastObserved = now;
      this.scheduleFlush(existing);
      return;
    }
    if (!this.allow(uid)) {
      this.opts.onDropped?.();
      return;
    }
    const namespace = obj.metadata.namespace ?? 'default';
    const name = `${obj.metadata.name}.${(BigInt(now) * 1_000_000n + BigInt(this.series.size)).toString(16)}`;
    const body = {
      apiVersion: RESOURCES.Event.apiVersion,
      kind: 'Event',
      metadata: { name, namespace },
      eventTime: rfc3339Micro(now),
      reportingController: this.opts.controller,
      reportingInstance: this.opts.instance,
      action,
      reason,
      note: trimmed,
      type,
      regarding: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
      },
    };
    const created = this.track(
      this.opts.client.create(body as KubeObject).then(
        () => true,
        (err: unknown) => {
          this.opts.logger?.warn(
            { err: errorMessage(err), reason, object: name },
            'cannot record event',
          );
          return false;
        },
      ),
    );
    this.series.set(key, {
      name,
      namespace,
      count: 1,
      firstAt: now,
      lastObserved: now,
      written: 1,
      created,
      flushTimer: undefined,
    });
  }

  /** Write pending series counts now and wait for outstanding writes (shutdown). */
  async flush(): Promise<void> {
    for (const s of this.series.values()) {
      if (s.flushTimer) {
        s.flushTimer.cancel();
        s.flushTimer = undefined;
        this.writeSeries(s);
      }
    }
    await Promise.allSettled([...this.inflight]);
  }

  private scheduleFlush(s: SeriesEntry): void {
    if (s.flushTimer) return;
    s.flushTimer = this.clock.after(this.flushMs, () => {
      s.flushTimer = undefined;
      this.writeSeries(s);
    });
  }

  private writeSeries(s: SeriesEntry): void {
    if (s.count === s.written) return;
    if (this.opts.canWrite && !this.opts.canWrite()) return;
    const count = s.count;
    this.track(
      s.created.then(async (ok) => {
        if (!ok) return;
        try {
          await this.opts.client.patch(
            RESOURCES.Event,
            s.namespace,
            s.name,
            {
              series: { count, lastObservedTime: rfc3339Micro(s.lastObserved) },
            },
            { contentType: MERGE_PATCH },
          );
          s.written = count;
        } catch (err) {
          if (!isNotFound(err))
            this.opts.logger?.warn(
              { err: errorMessage(err), event: s.name },
              'cannot update event series',
            );
        }
      }),
    );
  }

  private allow(uid: string): boolean {
    let b = this.buckets.get(uid);
    if (!b) {
      b = new TokenBucket(1 / 300, 25, this.clock);
      this.buckets.set(uid, b);
    }
    return b.tryTake();
  }

  /**
   * Forget series past their window (a repeat starts a new Event anyway) and buckets that
   * have refilled (the same as a new bucket): without this both maps grew by one entry per
   * object that ever had an Event, for the life of the process.
   */
  private gc(now: number): void {
    if (
      now - this.lastGc < GC_INTERVAL_MS &&
      this.series.size < GC_SIZE &&
      this.buckets.size < GC_SIZE
    )
      return;
    this.lastGc = now;
    for (const [k, s] of this.series) {
      if (now - s.lastObserved > this.windowMs && !s.flushTimer) this.series.delete(k);
    }
    for (const [uid, b] of this.buckets) if (b.full()) this.buckets.delete(uid);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    return p;
  }
}
