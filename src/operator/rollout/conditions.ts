/**
 * The ChatService conditions a rollout decides (metav1.Condition, API conventions): while a roll
 * runs, Progressing=True with what it does; when it halts, Progressing=False and Degraded=True
 * naming the node and the reason (the issue: "phase Halted, Degraded=True with the node name and
 * reason"); when it resumes or completes, a Degraded it had set is cleared. The operator's
 * status builder calls this too, so both writers agree.
 */
import type { Condition, RolloutStatus } from '../../api/types.js';

export interface RolloutCondition {
  type: 'Progressing' | 'Degraded';
  status: Condition['status'];
  reason: string;
  message: string;
  observedGeneration?: number;
}

/** Degraded reasons the rollout owns (it may clear only these). */
export const ROLLOUT_DEGRADED_REASONS: ReadonlySet<string> = new Set([
  'PodNotReady',
  'DetachFailed',
  'ReattachFailed',
  'SingleReplicaRefused',
  'ScaleDownStuck',
]);

/**
 * Conditions to set for this rollout status. `current` is the condition list as persisted
 * (used only to decide whether a Degraded set by a rollout must be cleared).
 */
export function rolloutConditions(
  rollout: RolloutStatus | undefined,
  generation: number | undefined,
  current: readonly Condition[] | undefined,
): RolloutCondition[] {
  const g = generation !== undefined ? { observedGeneration: generation } : {};
  const out: RolloutCondition[] = [];
  const phase = rollout?.phase ?? 'Idle';
  if (phase === 'Halted') {
    const reason = rollout?.reason ?? 'PodNotReady';
    const node = rollout?.currentNode ? ` (node ${rollout.currentNode})` : '';
    const message = rollout?.message ?? `rollout halted${node}`;
    out.push({ type: 'Progressing', status: 'False', reason: 'RolloutHalted', message, ...g });
    out.push({ type: 'Degraded', status: 'True', reason, message, ...g });
    return out;
  }
  if (phase !== 'Idle') {
    const done = rollout?.updatedNodes?.length ?? 0;
    out.push({
      type: 'Progressing',
      status: 'True',
      reason: rollout?.strategy === 'Offline' ? 'OfflineRollout' : 'RollingRestart',
      message: `${rollout?.message ?? `rollout ${phase}`}${done ? ` (${done} nodes updated)` : ''}`,
      ...g,
    });
  }
  const degraded = current?.find((c) => c.type === 'Degraded');
  if (degraded?.status === 'True' && ROLLOUT_DEGRADED_REASONS.has(degraded.reason))
    out.push({
      type: 'Degraded',
      status: 'False',
      reason: phase === 'Idle' ? 'RolloutComplete' : 'RolloutResumed',
      message: rollout?.message ?? 'the rollout is no longer halted',
      ...g,
    });
  return out;
}
