/**
 * The ChatService status the reconciler writes: observedGeneration, the four conditions with
 * reasons and messages a user can act on, the CometD URL and channel, config hashes, node
 * counts and the rollout progress. `kubectl wait --for=condition=Ready chatservice/x` waits on
 * Ready, whose observedGeneration is the generation this status describes.
 */
import type { ChatService, ChatServiceStatus, Condition, RolloutStatus } from '../../api/types.js';
import { channelOf, serviceNameOf } from '../../api/types.js';
import { ANNOTATION_STATIC_HASH, cometdUrl } from '../../manifests/index.js';
import type { Diagnostic } from '../../validate/index.js';
import { rolloutConditions } from '../rollout/conditions.js';
import { describeDiagnostic } from '../../validate/index.js';
import type { ConditionInput } from '../runtime/conditions.js';
import { setCondition } from '../runtime/conditions.js';
import type { KubeObject } from '../runtime/kube/types.js';

export interface PodView {
  name: string;
  ready: boolean;
  terminating: boolean;
  hash: string | undefined;
  /** Why it is not Ready, for messages. */
  reason: string | undefined;
}

interface PodLike extends KubeObject {
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: { state?: { waiting?: { reason?: string } } }[];
  };
}

export function podView(p: KubeObject): PodView {
  const pod = p as PodLike;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const waiting = pod.status?.containerStatuses?.find((c) => c.state?.waiting?.reason)?.state
    ?.waiting?.reason;
  // A pod the scheduler cannot place has no Ready condition yet: say why (the scheduler's
  // "0/3 nodes are available: 3 Insufficient cpu."), not just "Pending".
  const unscheduled = pod.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False',
  );
  const notScheduled = unscheduled
    ? [unscheduled.reason, unscheduled.message?.trim()].filter(Boolean).join(': ') || undefined
    : undefined;
  return {
    name: p.metadata.name,
    ready: ready?.status === 'True' && !p.metadata.deletionTimestamp,
    terminating: !!p.metadata.deletionTimestamp,
    hash: p.metadata.annotations?.[ANNOTATION_STATIC_HASH],
    reason: waiting ?? ready?.reason ?? notScheduled ?? pod.status?.phase,
  };
}

export interface ValidationOutcome {
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export interface StatusInput {
  cs: ChatService;
  now: string;
  validation: ValidationOutcome;
  /** Present when this reconcile applied (or confirmed) the desired objects. */
  applied?: { restartHash: string; dynamicHash: string };
  /** An apply error this reconcile hit (the reconcile is retried with backoff). */
  applyError?: string;
  statefulSet: KubeObject | undefined;
  pods: PodView[];
  desiredReplicas: number;
  rollout: RolloutStatus | undefined;
  /** Conditions as the rollout driver left them (it may have written Progressing/Degraded). */
  conditions: Condition[] | undefined;
  /**
   * The load balancer the operator runs (expose.mode nginx | haproxy | apache): its Deployment,
   * how many pods it wants and how many are Ready. Ready needs it serving too: a chat client
   * reaches the GMS nodes only through it.
   */
  loadBalancer?: LoadBalancerView;
}

export interface LoadBalancerView {
  /** The Deployment's name. */
  name: string;
  /** spec.replicas of the Deployment the operator applies. */
  desired: number;
  /** status.readyReplicas of the live Deployment (0 while it does not exist yet). */
  ready: number;
}

/** What buildStatus needs of the live load-balancer Deployment. */
export function loadBalancerView(
  name: string,
  desired: number,
  live: KubeObject | undefined,
): LoadBalancerView {
  const ready = (live as { status?: { readyReplicas?: number } } | undefined)?.status
    ?.readyReplicas;
  return { name, desired, ready: typeof ready === 'number' ? ready : 0 };
}

/** At most this many diagnostics go into a condition message (all are in the Event/logs). */
const MAX_DIAGNOSTICS = 10;

export function formatDiagnostics(diags: readonly Diagnostic[]): string {
  const shown = diags.slice(0, MAX_DIAGNOSTICS).map(describeDiagnostic);
  const more = diags.length > MAX_DIAGNOSTICS ? `; and ${diags.length - MAX_DIAGNOSTICS} more` : '';
  return shown.join('; ') + more;
}

interface StatefulSetLike extends KubeObject {
  status?: { replicas?: number; readyReplicas?: number; observedGeneration?: number };
}

export function buildStatus(input: StatusInput): ChatServiceStatus {
  const { cs } = input;
  const generation = cs.metadata.generation;
  const prev = cs.status ?? {};
  let conditions = input.conditions ?? prev.conditions ?? [];
  const set = (c: Omit<ConditionInput, 'observedGeneration'>) => {
    conditions = setCondition(conditions, { ...c, observedGeneration: generation }, input.now);
  };
  const sts = input.statefulSet as StatefulSetLike | undefined;
  const invalid = input.validation.errors.length > 0;
  const desired = input.desiredReplicas;
  const live = input.pods.filter((p) => !p.terminating);
  const ready = live.filter((p) => p.ready);
  const notReady = live.filter((p) => !p.ready);

  // ConfigValid
  if (invalid) {
    set({
      type: 'ConfigValid',
      status: 'False',
      reason: 'ConfigInvalid',
      message: `${input.validation.errors.length} error(s); nothing was applied: ${formatDiagnostics(input.validation.errors)}. Fix the ChatService (gmsctl validate reports the same)`,
    });
  } else {
    const w = input.validation.warnings.length;
    set({
      type: 'ConfigValid',
      status: 'True',
      reason: 'Valid',
      message:
        w === 0
          ? 'configuration is valid'
          : `configuration is valid with ${w} warning(s): ${formatDiagnostics(input.validation.warnings)}`,
    });
  }

  // Ready: every desired node serves.
  if (!sts) {
    set({
      type: 'Ready',
      status: 'False',
      reason: invalid ? 'ConfigInvalid' : 'Creating',
      message: invalid
        ? 'no valid configuration has been applied yet'
        : 'the GMS StatefulSet is being created',
    });
  } else if (desired === 0) {
    set({
      type: 'Ready',
      status: 'False',
      reason: 'ScaledToZero',
      message: 'spec.gms.replicas is 0: no GMS node serves chats',
    });
  } else if (ready.length >= desired) {
    const lb = input.loadBalancer;
    if (lb && lb.desired > 0 && lb.ready < lb.desired) {
      set({
        type: 'Ready',
        status: 'False',
        reason: 'LoadBalancerNotReady',
        message: `${ready.length}/${desired} GMS nodes are Ready, but the load balancer is not: Deployment ${lb.name} has ${lb.ready}/${lb.desired} Ready pods (kubectl describe deployment ${lb.name})`,
      });
    } else {
      set({
        type: 'Ready',
        status: 'True',
        reason: 'NodesReady',
        message: lb
          ? // lb.desired, not lb.ready: a surge roll of the LB (3/2 Ready) rewrites nothing
            `${ready.length}/${desired} GMS nodes are Ready; load balancer ${lb.name} is Ready (${lb.desired} pods)`
          : `${ready.length}/${desired} GMS nodes are Ready`,
      });
    }
  } else {
    const why = notReady
      .slice(0, 5)
      .map((p) => `${p.name}${p.reason ? ` (${p.reason})` : ''}`)
      .join(', ');
    set({
      type: 'Ready',
      status: 'False',
      reason: 'NodesNotReady',
      message: `${ready.length}/${desired} GMS nodes are Ready${why ? `; not Ready: ${why}` : ''}`,
    });
  }

  // Progressing (the rollout's own conditions override below)
  const target = input.applied?.restartHash ?? prev.staticConfigHash;
  const stale = target ? live.filter((p) => p.hash !== undefined && p.hash !== target) : [];
  if (invalid) {
    set({
      type: 'Progressing',
      status: 'False',
      reason: 'ConfigInvalid',
      message: 'waiting for a valid configuration; the last valid one keeps running',
    });
  } else if (input.applyError) {
    set({ type: 'Progressing', status: 'False', reason: 'ApplyFailed', message: input.applyError });
  } else if (!sts || (sts.status?.observedGeneration ?? 0) < (sts.metadata.generation ?? 0)) {
    set({
      type: 'Progressing',
      status: 'True',
      reason: 'Reconciling',
      message: 'waiting for the StatefulSet controller to pick up the new template',
    });
  } else if (stale.length > 0) {
    set({
      type: 'Progressing',
      status: 'True',
      reason: 'RolloutPending',
      message: `${stale.length}/${live.length} GMS nodes run an older restart-required config; they restart one at a time (rollout strategy ${cs.spec.rollout?.strategy ?? 'DetachReattach'})`,
    });
  } else if (live.length < desired || ready.length < desired) {
    set({
      type: 'Progressing',
      status: 'True',
      reason: 'NodesStarting',
      message: `${ready.length}/${desired} GMS nodes are Ready`,
    });
  } else {
    set({
      type: 'Progressing',
      status: 'False',
      reason: 'UpToDate',
      message: `all ${desired} GMS nodes run the current configuration`,
    });
  }

  // Degraded
  const hadValidConfig = !!prev.staticConfigHash || !!sts;
  if (invalid && hadValidConfig) {
    set({
      type: 'Degraded',
      status: 'True',
      reason: 'ConfigInvalid',
      message: `the new configuration is invalid; the last valid configuration${prev.staticConfigHash ? ` (${prev.staticConfigHash})` : ''} keeps running`,
    });
  } else if (input.applyError) {
    set({ type: 'Degraded', status: 'True', reason: 'ApplyFailed', message: input.applyError });
  } else {
    set({
      type: 'Degraded',
      status: 'False',
      reason: 'AsExpected',
      message: 'no problem detected',
    });
  }

  // The rollout's view wins for Progressing/Degraded while it runs or is halted.
  if (!invalid && !input.applyError) {
    for (const c of rolloutConditions(input.rollout, generation, conditions)) {
      conditions = setCondition(conditions, c, input.now);
    }
  }

  const status: ChatServiceStatus = {
    observedGeneration: generation,
    conditions: orderConditions(conditions),
    serviceName: serviceNameOf(cs),
    channel: channelOf(cs),
    cometdUrl: cometdUrl(cs),
    // From the pods, like Ready above (the StatefulSet's own counts lag behind its pods).
    replicas: live.length,
    readyReplicas: ready.length,
  };
  const staticHash = input.applied?.restartHash ?? prev.staticConfigHash;
  const dynamicHash = input.applied?.dynamicHash ?? prev.dynamicConfigHash;
  if (staticHash) status.staticConfigHash = staticHash;
  if (dynamicHash) status.dynamicConfigHash = dynamicHash;
  const rollout = input.rollout ?? prev.rollout;
  if (rollout) status.rollout = rollout;
  return status;
}

const ORDER = ['Ready', 'ConfigValid', 'Progressing', 'Degraded'];

function orderConditions(cs: Condition[]): Condition[] {
  return [...cs].sort((a, b) => rank(a.type) - rank(b.type));
}

function rank(t: string): number {
  const i = ORDER.indexOf(t);
  return i < 0 ? ORDER.length : i;
}
