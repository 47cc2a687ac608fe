/**
 * The seam between the ChatService reconciler and the rollout (issue 5).
 *
 * The reconciler applies a new pod template when restart-required config changes, but the
 * StatefulSet is OnDelete: no pod restarts on its own. A RolloutDriver decides when each node
 * restarts. The operator wires src/operator/rollout's RolloutExecutor (detach -> restart ->
 * reattach, one node at a time); PendingRollout, below, is the fallback that restarts nothing
 * and reports what waits (never a naive delete-all).
 */
import type { RolloutStatus } from '../../api/types.js';
import { ANNOTATION_STATIC_HASH } from '../../manifests/index.js';
// What a driver is given and returns is the executor's contract; PendingRollout returns the
// same shape with no actions.
import type { RolloutInput, RolloutOutcome } from '../rollout/executor.js';

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
