/**
 * Run the rollout state machine against an idealized cluster (every call succeeds, a recreated
 * pod is Ready at once, drains take their full bound) and return the actions it takes. This is
 * how `gmsctl plan` lists "the ordered steps the operator will take": from the operator's own
 * decision function, not from a second description of it that could drift.
 */
import { nextAction } from './machine.js';
import {
  STEP_DETACHED,
  type ObservedNode,
  type RolloutAction,
  type RolloutSettings,
} from './types.js';
import type { RolloutStatus } from '../../api/types.js';

export interface SimulationInput {
  /** StatefulSet name; pods are `<name>-<ordinal>`. */
  statefulSet: string;
  /** Nodes running before the change. */
  fromReplicas: number;
  /** spec.gms.replicas after the change. */
  toReplicas: number;
  /** Whether running nodes need a restart (restart-required changes). */
  restart: boolean;
  settings: RolloutSettings;
}

interface SimPod {
  uid: string;
  revision: 'old' | 'new';
  ready: boolean;
  detached: boolean;
}

/** The actions, in order, without the Waits (except drains, which are steps of their own). */
export function simulateRoll(input: SimulationInput): RolloutAction[] {
  const start = Date.parse('2000-01-01T00:00:00Z');
  let now = start;
  let uid = 0;
  let replicas = input.toReplicas;
  const pods = new Map<number, SimPod>();
  const oldRev: 'old' | 'new' = input.restart ? 'old' : 'new';
  // The StatefulSet scales first: removed ordinals go, new ordinals start on the new template.
  for (let i = 0; i < Math.min(input.fromReplicas, input.toReplicas); i++)
    pods.set(i, { uid: `u${++uid}`, revision: oldRev, ready: true, detached: false });
  const detachedAt = new Map<number, number>();
  // Record the target hash first, as the operator does on its first reconcile of a ChatService.
  let progress: RolloutStatus | undefined = { phase: 'Idle', targetHash: 'old' };
  const out: RolloutAction[] = [];
  const name = (i: number): string => `${input.statefulSet}-${i}`;

  for (let step = 0; step < 10_000; step++) {
    for (let i = 0; i < replicas; i++)
      if (!pods.has(i))
        pods.set(i, { uid: `u${++uid}`, revision: 'new', ready: true, detached: false });
    for (const i of [...pods.keys()]) if (i >= replicas) pods.delete(i);
    const nodes: ObservedNode[] = [...pods.entries()]
      .sort(([a], [b]) => a - b)
      .map(([i, p]) => ({
        name: name(i),
        ordinal: i,
        exists: true,
        uid: p.uid,
        revision: p.revision,
        staticHash: p.revision,
        ready: p.ready && !p.detached,
        running: true,
        terminating: false,
        createdAt: start,
        ...(p.detached
          ? {
              rolloutStep: STEP_DETACHED,
              detachedAt: new Date(detachedAt.get(i) ?? now).toISOString(),
            }
          : {}),
      }));
    const action = nextAction({
      now,
      generation: 2,
      desiredReplicas: input.toReplicas,
      targetHash: 'new',
      settings: input.settings,
      retryRequested: false,
      statefulSet: { exists: true, replicas, templateCurrent: true, updateRevision: 'new' },
      nodes,
      progress,
    });
    if (action.type === 'Nothing') return out;
    if (action.type === 'Wait') {
      const last = out.at(-1);
      const repeated = last?.type === 'Wait' && last.reason === action.reason;
      if (action.reason.startsWith('draining') && !repeated) out.push(action);
      if (progress?.phase === 'Halted') return out;
      now += Math.max(1, action.requeueAfterMs);
      continue;
    }
    out.push(action);
    progress = action.progress;
    const ordinal =
      'node' in action && action.node
        ? Number(action.node.slice(input.statefulSet.length + 1))
        : -1;
    const pod = pods.get(ordinal);
    switch (action.type) {
      case 'Detach':
        if (pod) pod.detached = true;
        detachedAt.set(ordinal, now);
        break;
      case 'DeletePod':
        pods.delete(ordinal);
        break;
      case 'Reattach':
        if (pod) pod.detached = false;
        progress = action.after;
        break;
      case 'Scale':
        replicas = action.replicas;
        break;
      case 'Halt':
        return out;
      case 'Persist':
        break;
    }
  }
  throw new Error('rollout simulation did not converge');
}
