/**
 * A fake cluster for the state machine's unit tests: a StatefulSet with OnDelete pods, a node
 * API, a clock. `apply(action)` does what the real executor does (write-ahead status, then the
 * side effect, then the follow-up writes), and can "crash" between those parts, so tests can
 * resume the machine from every intermediate state an operator restart could leave behind.
 */
import type { RolloutStatus } from '../../../src/api/types.js';
import { nextAction } from '../../../src/operator/rollout/machine.js';
import {
  ANNOTATION_DETACHED_AT,
  STEP_DETACHED,
  type NodeStatus,
  type ObservedRollout,
  type RolloutAction,
  type RolloutSettings,
} from '../../../src/operator/rollout/types.js';

export interface FakePod {
  name: string;
  ordinal: number;
  uid: string;
  revision: string;
  staticHash: string;
  createdAt: number;
  readyAt: number; // ms; Infinity = never
  terminatingUntil?: number;
  annotations: Record<string, string>;
  nodeStatus: NodeStatus;
  /** The node API answers for this pod. */
  reachable: boolean;
}

export type Crash = 'none' | 'afterPersist' | 'afterEffect';

export class World {
  now = Date.parse('2026-12-01T10:00:00Z');
  generation = 1;
  desiredReplicas: number;
  replicas: number;
  revision = 'rev-a';
  staticHash = 'hash-a';
  templateCurrent = true;
  retry = false;
  progress: RolloutStatus | undefined;
  pods = new Map<number, FakePod>();
  settings: RolloutSettings = {
    strategy: 'DetachReattach',
    podReadyTimeoutMs: 60_000,
    drainTimeoutMs: 10_000,
    nodeApiTimeoutMs: 30_000,
  };
  /** How long a recreated pod takes to become Ready, per revision (default 5 s). */
  readyDelay: Record<string, number> = {};
  /** Revisions whose node process comes up OFFLINE (readiness then waits for ONLINE). */
  bootsOffline = new Set<string>();
  nodeApiDown = new Set<string>();
  /** Ordered record of side effects: "OFFLINE x", "DELETE x", "ONLINE x", "SCALE n". */
  calls: string[] = [];
  events: string[] = [];
  maxDetached = 0;
  private uidSeq = 0;

  constructor(replicas: number) {
    this.desiredReplicas = replicas;
    this.replicas = replicas;
    for (let i = 0; i < replicas; i++) this.createPod(i, 0);
  }

  name(i: number): string {
    return `cs-${i}`;
  }

  createPod(i: number, delay = this.readyDelay[this.revision] ?? 5000): FakePod {
    const pod: FakePod = {
      name: this.name(i),
      ordinal: i,
      uid: `uid-${++this.uidSeq}`,
      revision: this.revision,
      staticHash: this.staticHash,
      createdAt: this.now,
      readyAt: this.now + delay,
      annotations: {},
      nodeStatus: this.bootsOffline.has(this.revision) ? 'OFFLINE' : 'ONLINE',
      reachable: true,
    };
    this.pods.set(i, pod);
    return pod;
  }

  /** A spec change that needs a restart: a new template revision and static hash. */
  change(revision: string, staticHash = `hash-${revision}`): void {
    this.revision = revision;
    this.staticHash = staticHash;
    this.generation++;
  }

  isReady(p: FakePod): boolean {
    const bootReady = this.now >= p.readyAt && p.terminatingUntil === undefined;
    // Readiness follows the node status (the pod's probe reads GET /node/status).
    return bootReady && p.nodeStatus === 'ONLINE';
  }

  /** The StatefulSet controller: recreate missing pods, finish terminations. */
  tick(): void {
    for (const [i, p] of [...this.pods]) {
      if (p.terminatingUntil !== undefined && this.now >= p.terminatingUntil) this.pods.delete(i);
      else if (i >= this.replicas && p.terminatingUntil === undefined)
        p.terminatingUntil = this.now + 500;
    }
    for (let i = 0; i < this.replicas; i++) if (!this.pods.has(i)) this.createPod(i);
    const detached = [...this.pods.values()].filter((p) => p.nodeStatus === 'OFFLINE').length;
    this.maxDetached = Math.max(this.maxDetached, detached);
  }

  observe(): ObservedRollout {
    const count = Math.max(
      this.desiredReplicas,
      this.replicas,
      ...[...this.pods.keys()].map((k) => k + 1),
    );
    const nodes = [];
    for (let i = 0; i < count; i++) {
      const p = this.pods.get(i);
      if (!p) {
        nodes.push({
          name: this.name(i),
          ordinal: i,
          exists: false,
          ready: false,
          terminating: false,
        });
        continue;
      }
      const ready = this.isReady(p);
      const running = this.now >= p.readyAt && p.terminatingUntil === undefined;
      nodes.push({
        name: p.name,
        ordinal: i,
        exists: true,
        uid: p.uid,
        revision: p.revision,
        staticHash: p.staticHash,
        ready,
        running,
        terminating: p.terminatingUntil !== undefined,
        createdAt: p.createdAt,
        rolloutStep: p.annotations['gms.chatops.io/rollout-step'],
        detachedAt: p.annotations[ANNOTATION_DETACHED_AT],
        detachedWhileReady:
          p.annotations['gms.chatops.io/detached-ready'] === 'false' ? false : undefined,
        ...(running && !ready && this.progress?.currentNode === p.name
          ? { nodeStatus: p.reachable ? p.nodeStatus : ('Unreachable' as const) }
          : {}),
        ...(ready ? {} : { notReadyReason: 'readiness probe failing' }),
      });
    }
    return {
      now: this.now,
      generation: this.generation,
      desiredReplicas: this.desiredReplicas,
      targetHash: this.staticHash,
      settings: this.settings,
      retryRequested: this.retry,
      statefulSet: {
        exists: true,
        replicas: this.replicas,
        templateCurrent: this.templateCurrent,
        updateRevision: this.revision,
      },
      nodes,
      progress: this.progress,
    };
  }

  private pod(name: string): FakePod | undefined {
    return [...this.pods.values()].find((p) => p.name === name);
  }

  /** Execute one action like the executor does; `crash` stops it part-way. */
  apply(a: RolloutAction, crash: Crash = 'none'): void {
    if (a.type === 'Nothing' || a.type === 'Wait') {
      if (a.type === 'Wait' && a.progress) this.progress = a.progress;
      return;
    }
    this.progress = a.progress;
    if (crash === 'afterPersist') return;
    if (a.type === 'Persist') {
      if (a.consumeRetry) this.retry = false;
    } else if (a.type === 'Halt') {
      // status only
    } else if (a.type === 'Detach') {
      const p = this.pod(a.node);
      if (p && p.uid === a.podUid) {
        if (!p.reachable || this.nodeApiDown.has(p.name)) {
          if (!a.tolerateUnreachable) throw new Error(`node API of ${p.name} unreachable`);
        } else {
          this.calls.push(`OFFLINE ${a.node}`);
          p.nodeStatus = 'OFFLINE';
        }
        if (crash === 'afterEffect') return;
        p.annotations['gms.chatops.io/rollout-step'] = STEP_DETACHED;
        p.annotations[ANNOTATION_DETACHED_AT] = new Date(this.now).toISOString();
        if (!a.wasReady) p.annotations['gms.chatops.io/detached-ready'] = 'false';
      }
    } else if (a.type === 'DeletePod') {
      const p = this.pod(a.node);
      if (p && p.uid === a.podUid && p.terminatingUntil === undefined) {
        this.calls.push(`DELETE ${a.node}`);
        p.terminatingUntil = this.now + 500;
      }
    } else if (a.type === 'Reattach') {
      const p = this.pod(a.node);
      if (!p || !p.reachable || this.nodeApiDown.has(p.name))
        throw new Error(`node API of ${a.node} unreachable`);
      this.calls.push(`ONLINE ${a.node}`);
      p.nodeStatus = 'ONLINE';
      if (crash === 'afterEffect') return;
      this.progress = a.after;
    } else if (a.type === 'Scale') {
      this.calls.push(`SCALE ${a.replicas}`);
      this.replicas = a.replicas;
    }
    if ('event' in a && a.event) this.events.push(`${a.event.type} ${a.event.reason}`);
  }

  /**
   * Run the machine until it has nothing to do or halts. Failing actions (node API down) are
   * retried after a second, like the work queue's backoff. `crashAt` crashes the n-th action.
   */
  run(
    opts: {
      crashAt?: number;
      crash?: Crash;
      maxSteps?: number;
      until?: (w: World) => boolean;
    } = {},
  ): RolloutAction[] {
    const actions: RolloutAction[] = [];
    for (let i = 0; i < (opts.maxSteps ?? 2000); i++) {
      this.tick();
      if (opts.until?.(this)) return actions;
      const a = nextAction(this.observe());
      actions.push(a);
      if (a.type === 'Nothing') return actions;
      if (a.type === 'Wait') {
        if (this.progress?.phase === 'Halted' && !opts.until) return actions;
        this.now += Math.max(1, a.requeueAfterMs);
        continue;
      }
      try {
        this.apply(a, i === opts.crashAt ? (opts.crash ?? 'afterPersist') : 'none');
      } catch {
        this.now += 1000;
      }
      if (a.type === 'Halt' && !opts.until) return actions;
    }
    throw new Error(
      `no convergence after ${opts.maxSteps ?? 2000} steps; last progress ${JSON.stringify(this.progress)}`,
    );
  }
}
