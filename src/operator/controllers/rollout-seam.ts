/**
 * The seam between the ChatService reconciler and the rollout (issue 5).
 *
 * The reconciler applies a new pod template when restart-required config changes, but the
 * StatefulSet is OnDelete: no pod restarts on its own. A RolloutDriver decides when each node
 * restarts. The operator wires src/operator/rollout's RolloutExecutor (detach -> restart ->
 * reattach, one node at a time); PendingRollout, below, is the fallback that restarts nothing
 * and reports what waits (never a naive delete-all).
 */
import type { ChatService, Condition, RolloutStatus } from '../../api/types.js';
import type { KubeObject } from '../runtime/kube/types.js';
import { ANNOTATION_STATIC_HASH } from '../../manifests/index.js';

export interface RolloutInput {
  cs: ChatService;
  statefulSet: string;
  targetHash: string;
  headlessService?: string;
  cached?: { statefulSet?: KubeObject | null; pods?: KubeObject[] };
  signal?: AbortSignal;
}

export interface RolloutOutcome {
  requeueAfterMs?: number;
  /** status.rollout as it stands after the step (the driver may have persisted it). */
  rollout: RolloutStatus | undefined;
  /** status.conditions as the driver left them (it may set Progressing/Degraded). */
  conditions: Condition[] | undefined;
  actions: unknown[];
}

export interface RolloutDriver {
  reconcile(input: RolloutInput): Promise<RolloutOutcome>;
}

/** Restarts nothing; the reconciler reports nodes on an older config as Progressing. */
export class PendingRollout implements RolloutDriver {
  async reconcile(input: RolloutInput): Promise<RolloutOutcome> {
    const pending = (input.cached?.pods ?? []).filter(
      (p) => p.metadata.annotations?.[ANNOTATION_STATIC_HASH] !== input.targetHash,
    );
    const rollout: RolloutStatus = {
      ...(input.cs.status?.rollout ?? {}),
      phase: 'Idle',
      targetHash: input.targetHash,
    };
    if (pending.length > 0) {
      rollout.message = `${pending.length} node(s) run an older restart-required config and wait for a rollout`;
    } else {
      delete rollout.message;
    }
    return { rollout, conditions: input.cs.status?.conditions, actions: [] };
  }
}
