/**
 * spec.rollout with its defaults, parsed once per reconcile.
 */
import type { ChatServiceSpec, RolloutStrategy } from '../../api/types.js';
import { parseDuration } from './duration.js';
import type { RolloutSettings } from './types.js';

/** DESIGN.md's example value: long enough for a JVM-based GMS node to start and join. */
export const DEFAULT_POD_READY_TIMEOUT = '10m';
/**
 * Drain bound after a node goes OFFLINE. A CometD long-poll client comes back at least once per
 * server timeout (CometD's default `timeout` is 30 s, domain/gms.md §9 for the client options);
 * within one such cycle it meets a node that left the Service endpoints and re-handshakes on
 * another node, resuming its chat with requestNotifications + secureKey (domain/gms.md §4, S16).
 */
export const DEFAULT_DRAIN_TIMEOUT = '30s';
/** How long a detach or reattach may keep failing (each call already retried) before halting. */
export const NODE_API_TIMEOUT_MS = 60_000;
export const DEFAULT_STRATEGY: RolloutStrategy = 'DetachReattach';

export interface SettingsProblem {
  path: string;
  message: string;
}

/** Problems with spec.rollout durations (the validator reports them; the operator defaults). */
export function rolloutSpecProblems(spec: ChatServiceSpec): SettingsProblem[] {
  const out: SettingsProblem[] = [];
  for (const key of ['podReadyTimeout', 'drainTimeout'] as const) {
    const v = spec.rollout?.[key];
    if (v !== undefined && parseDuration(String(v)) === undefined)
      out.push({
        path: `spec.rollout.${key}`,
        message: `"${String(v)}" is not a duration (use e.g. 90s, 10m, 1h30m)`,
      });
  }
  return out;
}

export function rolloutSettings(spec: ChatServiceSpec): RolloutSettings {
  const podReady =
    parseDuration(String(spec.rollout?.podReadyTimeout ?? DEFAULT_POD_READY_TIMEOUT)) ??
    (parseDuration(DEFAULT_POD_READY_TIMEOUT) as number);
  const drain =
    parseDuration(String(spec.rollout?.drainTimeout ?? DEFAULT_DRAIN_TIMEOUT)) ??
    (parseDuration(DEFAULT_DRAIN_TIMEOUT) as number);
  return {
    strategy: spec.rollout?.strategy ?? DEFAULT_STRATEGY,
    podReadyTimeoutMs: podReady,
    drainTimeoutMs: drain,
    nodeApiTimeoutMs: NODE_API_TIMEOUT_MS,
  };
}
