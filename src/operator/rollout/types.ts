/**
 * The rollout state machine's vocabulary: what it observes, what it persists, what it decides.
 *
 * The machine (./machine.ts) is a pure function `nextAction(observed) -> action`. Everything it
 * needs to resume after an operator restart is in `observed`: the StatefulSet and its pods (with
 * their applied revision, static-config hash, readiness and per-pod rollout annotations) and the
 * progress persisted in `ChatService.status.rollout`. Anchors (domain/operator-patterns.md):
 * Strimzi KafkaRoller (unready first, one pod at a time, wait Ready after each), CloudNativePG
 * (one pod per reconcile, progress in status), Zalando (a persisted per-pod flag so an
 * interrupted roll resumes).
 */
import type { RolloutStatus, RolloutStrategy } from '../../api/types.js';

/** Per-pod annotations the roll writes on the pod it works on (Zalando's persisted flag). */
export const ANNOTATION_ROLLOUT_STEP = 'gms.chatops.io/rollout-step';
/** When the node was confirmed OFFLINE (RFC 3339); the drain bound counts from here. */
export const ANNOTATION_DETACHED_AT = 'gms.chatops.io/detached-at';
/** Whether the node was Ready when it was detached ("true"/"false"); unready nodes skip the drain. */
export const ANNOTATION_DETACHED_READY = 'gms.chatops.io/detached-ready';
/** On the ChatService: present = resume a Halted roll (the operator removes it once consumed). */
export const ANNOTATION_RETRY = 'gms.chatops.io/retry';

/** Value of ANNOTATION_ROLLOUT_STEP on a pod that is detached from the Chat Server. */
export const STEP_DETACHED = 'detached';

/** GMS node status as reported by `GET /genesys/1/admin/node/status` (domain/gms.md §5). */
export type NodeStatus = 'ONLINE' | 'OFFLINE';

/** One GMS node = one StatefulSet pod (`<statefulset>-<ordinal>`), as observed now. */
export interface ObservedNode {
  /** Pod name, which is also the GMS node name, e.g. customer-support-2. */
  name: string;
  ordinal: number;
  /** False while the StatefulSet controller has not (re)created the pod yet. */
  exists: boolean;
  uid?: string;
  /** `controller-revision-hash` label: the StatefulSet revision the pod was created from. */
  revision?: string;
  /** Static (restart-required) config hash the pod was created with (pod template annotation). */
  staticHash?: string;
  /** Pod condition Ready=True. */
  ready: boolean;
  /** Phase Running with every container running: the node process is up (Ready or not). */
  running?: boolean;
  /** metadata.deletionTimestamp is set. */
  terminating: boolean;
  /** metadata.creationTimestamp in ms: tells a pod recreated behind the roll's back from the old one. */
  createdAt?: number;
  /** Why the pod is not Ready (container waiting reason, condition message), for halt messages. */
  notReadyReason?: string;
  /** Per-pod rollout annotations (ANNOTATION_ROLLOUT_STEP, ANNOTATION_DETACHED_AT, ...). */
  rolloutStep?: string;
  detachedAt?: string;
  detachedWhileReady?: boolean;
  /**
   * Node API status, when the executor asked for it: only for the node the roll restarts, once
   * its new pod runs but is not Ready (so a steady state costs no node API calls);
   * 'Unreachable' when the call failed.
   */
  nodeStatus?: NodeStatus | 'Unreachable';
}

/** What the StatefulSet says about the template the pods should run. */
export interface ObservedStatefulSet {
  exists: boolean;
  /** spec.replicas as applied now (0 during an Offline roll). */
  replicas: number;
  /**
   * True when the StatefulSet controller has observed the latest template
   * (status.observedGeneration >= metadata.generation) and that template carries the desired
   * static hash. Until then a pod deleted now could come back on the old template.
   */
  templateCurrent: boolean;
  /** status.updateRevision: the revision a pod created now gets. */
  updateRevision?: string;
}

/** Timeouts and strategy from spec.rollout, already parsed. */
export interface RolloutSettings {
  strategy: RolloutStrategy;
  podReadyTimeoutMs: number;
  drainTimeoutMs: number;
  /** How long a detach or reattach may keep failing before the roll halts. */
  nodeApiTimeoutMs: number;
}

/** Everything the machine decides from. */
export interface ObservedRollout {
  /** Wall-clock now, in ms since the epoch (injected so the machine stays pure). */
  now: number;
  /** ChatService metadata.generation. */
  generation: number;
  /** spec.gms.replicas (the number of nodes the user wants). */
  desiredReplicas: number;
  /** The desired static (restart-required) config hash. */
  targetHash: string;
  settings: RolloutSettings;
  /** The ChatService carries ANNOTATION_RETRY. */
  retryRequested: boolean;
  statefulSet: ObservedStatefulSet;
  /** Pods with ordinal < max(desiredReplicas, statefulSet.replicas), ordered by ordinal. */
  nodes: ObservedNode[];
  /** status.rollout as persisted (undefined before the first roll). */
  progress: RolloutStatus | undefined;
}

/** Reasons the roll stops or refuses; they become the Degraded condition's reason. */
export type HaltReason =
  'PodNotReady' | 'DetachFailed' | 'ReattachFailed' | 'SingleReplicaRefused' | 'ScaleDownStuck';

/** The single next step. `progress` is written to status.rollout *before* the side effect. */
export type RolloutAction =
  /** Every node runs the target; nothing to persist. */
  | { type: 'Nothing' }
  /**
   * Nothing to do until something changes or `requeueAfterMs` passes. `progress`, when set and
   * different from what is persisted, is written (e.g. the message saying what the roll waits for).
   */
  | { type: 'Wait'; reason: string; requeueAfterMs: number; progress?: RolloutStatus }
  /** Write status.rollout only (start, node done, roll complete, resume, refuse). */
  | { type: 'Persist'; progress: RolloutStatus; event?: RolloutEvent; consumeRetry?: boolean }
  /**
   * Take the node out of service: POST changestatus/OFFLINE, confirm with GET status, then
   * annotate the pod (ANNOTATION_ROLLOUT_STEP=detached, ANNOTATION_DETACHED_AT=now).
   * `tolerateUnreachable`: the pod is not Ready (not serving), so an unreachable node API does
   * not block its restart.
   */
  | {
      type: 'Detach';
      node: string;
      podUid: string;
      wasReady: boolean;
      tolerateUnreachable: boolean;
      progress: RolloutStatus;
      event?: RolloutEvent;
    }
  /** Delete the pod (precondition: its UID), so the StatefulSet recreates it on the target. */
  | {
      type: 'DeletePod';
      node: string;
      podUid: string;
      progress: RolloutStatus;
      event?: RolloutEvent;
    }
  /**
   * Put the node back in service: POST changestatus/ONLINE, confirm with GET status, then write
   * `after` (the node leaves detachedNodes; when the pod is Ready it also joins updatedNodes).
   */
  | {
      type: 'Reattach';
      node: string;
      progress: RolloutStatus;
      after: RolloutStatus;
      event?: RolloutEvent;
    }
  /** Stop: no further node is touched until a new generation or the retry annotation. */
  | {
      type: 'Halt';
      node?: string;
      reason: HaltReason;
      progress: RolloutStatus;
      event: RolloutEvent;
    }
  /** Offline strategy: set the StatefulSet's replicas (0 to stop every node, then back). */
  | { type: 'Scale'; replicas: number; progress: RolloutStatus; event?: RolloutEvent };

export interface RolloutEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}
