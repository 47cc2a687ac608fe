/**
 * The rollout state machine: a pure function from the observed state to the single next action.
 *
 * DESIGN.md "Rollout (DetachReattach)" and the seed's change procedure ("to keep GMS online,
 * remove the connection to the Chat Server instance from the GMS cluster, do configuration
 * changes, and add the connection again", domain/gms.md §7). Per node, one at a time:
 *
 *   Detaching    write-ahead status, POST changestatus/OFFLINE, confirm with GET status,
 *                annotate the pod (rollout-step=detached), wait for the drain bound
 *   Restarting   delete the pod (UID precondition); the StatefulSet (OnDelete) recreates it on
 *                the new template; wait Ready within podReadyTimeout
 *   Reattaching  POST changestatus/ONLINE, confirm, the node leaves detachedNodes; next node
 *
 * Resuming after an operator restart needs nothing but `observed`: status.rollout says which
 * node and step, the pod's annotations say whether it was detached, and its revision says
 * whether it already runs the target. A node whose pod runs the target revision is never
 * chosen again, and a pod is only deleted by UID, so no node restarts twice for one target.
 *
 * Order: unready nodes first (Strimzi KafkaRoller: so repeated reconciles don't each restart a
 * node that never becomes ready), then the highest ordinal first (the StatefulSet RollingUpdate
 * order). A Ready node is never taken out while another node is unready (CloudNativePG), so at
 * most one node is ever out of service because of the roll.
 */
import type { RolloutPhase, RolloutStatus } from '../../api/types.js';
import { formatDuration } from './duration.js';
import {
  STEP_DETACHED,
  type HaltReason,
  type ObservedNode,
  type ObservedRollout,
  type RolloutAction,
  type RolloutEvent,
} from './types.js';

/** How often to look again while waiting on the cluster (watch events usually come sooner). */
export const POLL_MS = 1000;
/** Requeue while halted: only a spec change, the retry annotation or the node itself resumes. */
export const HALTED_POLL_MS = 30_000;

const iso = (ms: number): string => new Date(ms).toISOString();
const ms = (t: string | undefined): number | undefined => (t ? Date.parse(t) : undefined);

/** The phase a resumed roll goes back to, from why it halted. */
const RESUME_PHASE: Record<HaltReason, RolloutPhase> = {
  PodNotReady: 'Restarting',
  DetachFailed: 'Detaching',
  ReattachFailed: 'Reattaching',
  SingleReplicaRefused: 'Idle',
  ScaleDownStuck: 'Restarting',
};

export function nextAction(o: ObservedRollout): RolloutAction {
  const p: RolloutStatus = o.progress ?? { phase: 'Idle' };
  if (p.phase === 'Halted') return halted(o, p);
  if (o.retryRequested)
    // Nothing is halted: the annotation has nothing to resume; consume it so it cannot resume
    // a later halt by surprise.
    return { type: 'Persist', progress: p, consumeRetry: true };
  if (!o.statefulSet.exists) return wait('the StatefulSet does not exist yet');
  const offline =
    p.offlineStep !== undefined ||
    (p.phase === 'Idle' && !p.currentNode && o.settings.strategy === 'Offline');
  return offline ? offlineRoll(o, p) : detachReattach(o, p);
}

// ---------------------------------------------------------------------------------------------
// shared helpers
// ---------------------------------------------------------------------------------------------

function wait(reason: string, requeueAfterMs = POLL_MS, progress?: RolloutStatus): RolloutAction {
  return progress
    ? { type: 'Wait', reason, requeueAfterMs, progress }
    : { type: 'Wait', reason, requeueAfterMs };
}

/** Nodes the user asked for (ordinal < spec.gms.replicas). */
function inRange(o: ObservedRollout): ObservedNode[] {
  return o.nodes.filter((n) => n.ordinal < o.desiredReplicas);
}

/**
 * Whether a node runs something other than the target. The revision is authoritative once the
 * StatefulSet controller has observed the latest template (it covers image and resources too);
 * before that, only the static hash is known.
 */
export function needsRestart(o: ObservedRollout, n: ObservedNode): boolean {
  if (!n.exists) return false;
  if (o.statefulSet.templateCurrent && o.statefulSet.updateRevision !== undefined)
    return n.revision !== o.statefulSet.updateRevision;
  return n.staticHash !== undefined && n.staticHash !== o.targetHash;
}

function updatedNodes(o: ObservedRollout): string[] {
  return inRange(o)
    .filter(
      (n) => n.exists && !n.terminating && !needsRestart(o, n) && n.rolloutStep !== STEP_DETACHED,
    )
    .map((n) => n.name);
}

/** Unready first, then highest ordinal first. */
export function rollOrder(nodes: readonly ObservedNode[]): ObservedNode[] {
  return [...nodes].sort((a, b) =>
    a.ready === b.ready ? b.ordinal - a.ordinal : a.ready ? 1 : -1,
  );
}

function without(list: readonly string[] | undefined, name: string): string[] {
  return (list ?? []).filter((x) => x !== name);
}

function withName(list: readonly string[] | undefined, name: string): string[] {
  const l = without(list, name);
  l.push(name);
  return l;
}

/** A clean status object: drops undefined keys so comparisons and patches stay stable. */
function clean(s: RolloutStatus): RolloutStatus {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) if (v !== undefined) out[k] = v;
  return out as unknown as RolloutStatus;
}

function halt(
  o: ObservedRollout,
  p: RolloutStatus,
  reason: HaltReason,
  message: string,
  node?: string,
): RolloutAction {
  const progress = clean({
    ...p,
    phase: 'Halted',
    reason,
    haltedGeneration: o.generation,
    message,
    updatedNodes: updatedNodes(o),
  });
  const event: RolloutEvent = { type: 'Warning', reason: 'RolloutHalted', message };
  return node
    ? { type: 'Halt', node, reason, progress, event }
    : { type: 'Halt', reason, progress, event };
}

function elapsedSince(o: ObservedRollout, t: string | undefined): number {
  const start = ms(t);
  return start === undefined || Number.isNaN(start) ? 0 : o.now - start;
}

// ---------------------------------------------------------------------------------------------
// Halted
// ---------------------------------------------------------------------------------------------

function halted(o: ObservedRollout, p: RolloutStatus): RolloutAction {
  const newGeneration = p.haltedGeneration !== undefined && o.generation > p.haltedGeneration;
  if (o.retryRequested || newGeneration) {
    const why = o.retryRequested
      ? 'the gms.chatops.io/retry annotation'
      : `generation ${o.generation}`;
    const reason = (p.reason ?? 'PodNotReady') as HaltReason;
    let phase: RolloutPhase = RESUME_PHASE[reason] ?? 'Idle';
    let strategy = p.strategy;
    let currentNode = p.currentNode;
    if (
      p.offlineStep === undefined &&
      o.settings.strategy === 'Offline' &&
      strategy !== 'Offline'
    ) {
      // The user switched to Offline to get out of the halt: start an Offline roll; nodes
      // still listed as detached stay reported until their pods stop.
      phase = 'Idle';
      strategy = 'Offline';
      currentNode = undefined;
    } else if (p.offlineStep === undefined) {
      strategy = o.settings.strategy;
    }
    if (!currentNode && phase !== 'Restarting') phase = 'Idle';
    const progress = clean({
      ...p,
      phase,
      strategy,
      currentNode,
      reason: undefined,
      haltedGeneration: undefined,
      stepStartedAt: iso(o.now),
      message: `roll resumed by ${why}`,
    });
    return {
      type: 'Persist',
      progress,
      consumeRetry: o.retryRequested,
      event: { type: 'Normal', reason: 'RolloutResumed', message: `Rollout resumed by ${why}` },
    };
  }
  // The halted node may still become Ready on its own (a slow start): put it back in service so
  // it is not left detached, but touch no other node.
  const x = p.currentNode ? o.nodes.find((n) => n.name === p.currentNode) : undefined;
  if (
    x &&
    p.detachedNodes?.includes(x.name) &&
    x.exists &&
    x.ready &&
    !x.terminating &&
    x.rolloutStep !== STEP_DETACHED
  ) {
    const message = `${p.message ?? 'halted'}; node ${x.name} became Ready later and was reattached; annotate gms.chatops.io/retry to continue the roll`;
    return {
      type: 'Reattach',
      node: x.name,
      progress: p,
      after: clean({ ...p, detachedNodes: without(p.detachedNodes, x.name), message }),
    };
  }
  return wait(`roll halted: ${p.message ?? p.reason ?? ''}`, HALTED_POLL_MS);
}

// ---------------------------------------------------------------------------------------------
// DetachReattach
// ---------------------------------------------------------------------------------------------

function detachReattach(o: ObservedRollout, p: RolloutStatus): RolloutAction {
  if (p.currentNode) {
    const x = o.nodes.find((n) => n.name === p.currentNode);
    if (!x || x.ordinal >= o.desiredReplicas) return leavingNode(o, p, x, p.currentNode);
    if (p.phase === 'Detaching') return detaching(o, p, x);
    if (p.phase === 'Restarting') return restarting(o, p, x);
    if (p.phase === 'Reattaching') return reattaching(o, p, x);
  }
  // Between nodes. A node still reported detached without being the current one (a scale-down
  // took it away, or status was edited) is resolved before anything else.
  for (const d of p.detachedNodes ?? []) {
    const n = o.nodes.find((x) => x.name === d);
    if (!n || !n.exists || n.ordinal >= o.desiredReplicas) {
      if (n?.exists) return wait(`node ${d} is being scaled away`);
      return {
        type: 'Persist',
        progress: clean({ ...p, detachedNodes: without(p.detachedNodes, d) }),
      };
    }
    const progress = clean({
      ...p,
      phase: 'Reattaching',
      currentNode: d,
      stepStartedAt: iso(o.now),
    });
    return { type: 'Persist', progress };
  }
  if (!o.statefulSet.templateCurrent)
    return wait('the StatefulSet controller has not observed the latest pod template yet');
  const nodes = inRange(o);
  const pending = nodes.filter((n) => needsRestart(o, n));
  if (pending.length === 0) {
    if (p.phase !== 'Idle' || p.currentNode) {
      const updated = updatedNodes(o);
      return {
        type: 'Persist',
        progress: clean({
          phase: 'Idle',
          strategy: p.strategy,
          targetHash: o.targetHash,
          updatedNodes: updated,
          detachedNodes: [],
          message: `every node runs the new configuration (${updated.length} nodes)`,
          startedAt: p.startedAt,
        }),
        event: {
          type: 'Normal',
          reason: 'RolloutComplete',
          message: `Rollout complete: ${updated.length} nodes run config ${o.targetHash}`,
        },
      };
    }
    // Record the hash the nodes run (once; a steady state writes nothing). Nodes the
    // StatefulSet has yet to create start on the current template: no roll needed.
    if (p.targetHash !== o.targetHash)
      return {
        type: 'Persist',
        progress: clean({ ...p, phase: 'Idle', targetHash: o.targetHash }),
      };
    return { type: 'Nothing' };
  }
  const candidate = rollOrder(pending)[0] as ObservedNode;
  if (candidate.terminating) return wait(`pod ${candidate.name} is terminating`);
  if (candidate.ready) {
    const otherReady = nodes.filter(
      (n) => n !== candidate && n.exists && n.ready && !n.terminating,
    );
    if (otherReady.length === 0 && o.desiredReplicas <= 1)
      return halt(
        o,
        { ...p, strategy: o.settings.strategy, targetHash: o.targetHash },
        'SingleReplicaRefused',
        `refusing to roll: with 1 replica, restarting ${candidate.name} would leave no GMS node serving chat; set spec.rollout.strategy: Offline to accept the downtime, or scale spec.gms.replicas to 2 or more`,
      );
    const unready = nodes.find((n) => n !== candidate && (!n.exists || !n.ready || n.terminating));
    if (unready) {
      const message = `waiting for node ${unready.name} to be Ready before taking ${candidate.name} out of service`;
      return wait(message, POLL_MS, p.phase === 'Idle' ? undefined : clean({ ...p, message }));
    }
  }
  const rolling = p.phase !== 'Idle' && p.targetHash !== undefined;
  const progress = clean({
    ...p,
    phase: 'Detaching',
    strategy: o.settings.strategy,
    targetHash: o.targetHash,
    currentNode: candidate.name,
    detachedNodes: withName(p.detachedNodes, candidate.name),
    updatedNodes: updatedNodes(o),
    stepStartedAt: iso(o.now),
    startedAt: rolling ? p.startedAt : iso(o.now),
    message: `detaching ${candidate.name} from the Chat Server (${pending.length} of ${nodes.length} nodes to restart)`,
  });
  return {
    type: 'Detach',
    node: candidate.name,
    podUid: candidate.uid ?? '',
    wasReady: candidate.ready,
    tolerateUnreachable: !candidate.ready,
    progress,
    event: {
      type: 'Normal',
      reason: 'NodeDetaching',
      message: `Detaching ${candidate.name} from the Chat Server to restart it on config ${o.targetHash}`,
    },
  };
}

/** The current node is outside spec.gms.replicas (scaled down) or unknown. */
function leavingNode(
  o: ObservedRollout,
  p: RolloutStatus,
  x: ObservedNode | undefined,
  name: string,
): RolloutAction {
  if (x?.exists) return wait(`node ${name} is being scaled away`);
  return {
    type: 'Persist',
    progress: clean({
      ...p,
      currentNode: undefined,
      detachedNodes: without(p.detachedNodes, name),
      message: `node ${name} was scaled away`,
    }),
  };
}

function detaching(o: ObservedRollout, p: RolloutStatus, x: ObservedNode): RolloutAction {
  const restartedBehindOurBack =
    x.exists &&
    x.rolloutStep !== STEP_DETACHED &&
    x.createdAt !== undefined &&
    ms(p.stepStartedAt) !== undefined &&
    x.createdAt > (ms(p.stepStartedAt) as number);
  if (!x.exists || restartedBehindOurBack)
    // Someone (or the node itself) replaced the pod while we detached it: it is restarting.
    return {
      type: 'Persist',
      progress: clean({ ...p, phase: 'Restarting', message: `${x.name} is restarting` }),
    };
  if (x.rolloutStep !== STEP_DETACHED) {
    if (elapsedSince(o, p.stepStartedAt) > o.settings.nodeApiTimeoutMs && x.ready)
      return halt(
        o,
        p,
        'DetachFailed',
        `node ${x.name} could not be detached from the Chat Server (changestatus/OFFLINE not confirmed within ${formatDuration(o.settings.nodeApiTimeoutMs)}); it was not restarted and keeps serving`,
        x.name,
      );
    return {
      type: 'Detach',
      node: x.name,
      podUid: x.uid ?? '',
      wasReady: x.ready,
      tolerateUnreachable: !x.ready,
      progress: p,
    };
  }
  if (!needsRestart(o, x) && o.statefulSet.templateCurrent)
    // A newer spec went back to what this node runs: no restart needed, put it back.
    return reattach(o, p, x, 'the target changed back to what it runs');
  if (!o.statefulSet.templateCurrent)
    return wait('the StatefulSet controller has not observed the latest pod template yet');
  const detachedAt = ms(x.detachedAt) ?? o.now;
  const drainEnd = detachedAt + (x.detachedWhileReady === false ? 0 : o.settings.drainTimeoutMs);
  if (o.now < drainEnd)
    return wait(`draining CometD clients of ${x.name}`, Math.min(drainEnd - o.now, 5 * POLL_MS));
  return {
    type: 'DeletePod',
    node: x.name,
    podUid: x.uid ?? '',
    progress: clean({
      ...p,
      phase: 'Restarting',
      stepStartedAt: iso(o.now),
      message: `restarting ${x.name} on the new configuration`,
    }),
    event: {
      type: 'Normal',
      reason: 'NodeRestarting',
      message: `Restarting ${x.name} (detached, drained) on config ${o.targetHash}`,
    },
  };
}

function restarting(o: ObservedRollout, p: RolloutStatus, x: ObservedNode): RolloutAction {
  if (x.exists && x.rolloutStep === STEP_DETACHED && !x.terminating)
    // The old pod is still there: the deletion did not happen (operator stopped in between).
    return { type: 'DeletePod', node: x.name, podUid: x.uid ?? '', progress: p };
  const elapsed = elapsedSince(o, p.stepStartedAt);
  const timedOut = elapsed > o.settings.podReadyTimeoutMs;
  if (!x.exists || x.terminating) {
    if (timedOut)
      return halt(
        o,
        p,
        'PodNotReady',
        `node ${x.name} was not recreated within podReadyTimeout ${formatDuration(o.settings.podReadyTimeoutMs)}; the roll stopped, no other node was touched`,
        x.name,
      );
    return wait(`waiting for the StatefulSet to recreate ${x.name}`);
  }
  if (x.ready) return reattach(o, p, x, 'Ready on the new configuration');
  if (o.statefulSet.templateCurrent && needsRestart(o, x))
    // The new pod came up on a template that is no longer the target (a second change, or the
    // fix of a halted roll) and serves nothing yet: replace it right away.
    return {
      type: 'DeletePod',
      node: x.name,
      podUid: x.uid ?? '',
      progress: clean({
        ...p,
        stepStartedAt: iso(o.now),
        message: `restarting ${x.name} again: the target changed`,
      }),
    };
  if (x.nodeStatus === 'OFFLINE')
    // The node process runs but reports OFFLINE; readiness follows the node status, so it will
    // not become Ready until it is put back in service.
    return reattach(o, p, x, 'running but OFFLINE');
  if (timedOut)
    return halt(
      o,
      p,
      'PodNotReady',
      `node ${x.name} not Ready within podReadyTimeout ${formatDuration(o.settings.podReadyTimeoutMs)}${x.notReadyReason ? ` (${x.notReadyReason})` : ''}; the roll stopped, no other node was touched; fix the spec or annotate gms.chatops.io/retry`,
      x.name,
    );
  return wait(
    `waiting for ${x.name} to be Ready`,
    Math.min(POLL_MS, Math.max(1, o.settings.podReadyTimeoutMs - elapsed + 1)),
  );
}

/** Build the Reattach action for node x (progress: Reattaching; after: attached, maybe done). */
function reattach(
  o: ObservedRollout,
  p: RolloutStatus,
  x: ObservedNode,
  why: string,
): RolloutAction {
  const progress = clean({
    ...p,
    phase: 'Reattaching',
    stepStartedAt: p.phase === 'Reattaching' ? p.stepStartedAt : iso(o.now),
    message: `reattaching ${x.name} (${why})`,
  });
  const done = x.ready && !x.terminating;
  const after = done
    ? clean({
        ...progress,
        currentNode: undefined,
        detachedNodes: without(p.detachedNodes, x.name),
        updatedNodes: needsRestart(o, x)
          ? without(updatedNodes(o), x.name)
          : withName(updatedNodes(o), x.name),
        stepStartedAt: undefined,
        message: `${x.name} reattached`,
      })
    : clean({
        ...progress,
        detachedNodes: without(p.detachedNodes, x.name),
        stepStartedAt: iso(o.now),
        message: `${x.name} reattached; waiting for it to be Ready`,
      });
  return {
    type: 'Reattach',
    node: x.name,
    progress,
    after,
    event: {
      type: 'Normal',
      reason: 'NodeReattached',
      message: `Reattached ${x.name} to the Chat Server`,
    },
  };
}

function reattaching(o: ObservedRollout, p: RolloutStatus, x: ObservedNode): RolloutAction {
  const elapsed = elapsedSince(o, p.stepStartedAt);
  if (p.detachedNodes?.includes(x.name)) {
    if (elapsed > o.settings.nodeApiTimeoutMs)
      return halt(
        o,
        p,
        'ReattachFailed',
        `node ${x.name} could not be reattached (changestatus/ONLINE not confirmed within ${formatDuration(o.settings.nodeApiTimeoutMs)}); it is still detached from the Chat Server`,
        x.name,
      );
    if (!x.exists || x.terminating) return wait(`waiting for ${x.name} to exist`);
    if (x.rolloutStep === STEP_DETACHED && needsRestart(o, x))
      // Reattaching the old pod of a node that still needs its restart (resumed state): go on
      // with the restart instead.
      return { type: 'Persist', progress: clean({ ...p, phase: 'Detaching' }) };
    return reattach(o, p, x, 'resuming');
  }
  // Reattached, waiting for Ready (the node came up OFFLINE and readiness follows the status).
  if (x.exists && x.ready && !x.terminating)
    return {
      type: 'Persist',
      progress: clean({
        ...p,
        currentNode: undefined,
        stepStartedAt: undefined,
        updatedNodes: updatedNodes(o),
        message: `${x.name} Ready and reattached`,
      }),
    };
  if (elapsed > o.settings.podReadyTimeoutMs)
    return halt(
      o,
      p,
      'PodNotReady',
      `node ${x.name} reattached but not Ready within podReadyTimeout ${formatDuration(o.settings.podReadyTimeoutMs)}${x.notReadyReason ? ` (${x.notReadyReason})` : ''}`,
      x.name,
    );
  return wait(`waiting for ${x.name} to be Ready`);
}

// ---------------------------------------------------------------------------------------------
// Offline: stop every node, change, start (the seed's "Do all changes when GMS is offline")
// ---------------------------------------------------------------------------------------------

function offlineRoll(o: ObservedRollout, p: RolloutStatus): RolloutAction {
  const nodes = inRange(o);
  if (p.offlineStep === undefined) {
    if (!o.statefulSet.templateCurrent)
      return wait('the StatefulSet controller has not observed the latest pod template yet');
    const pending = nodes.filter((n) => needsRestart(o, n));
    if (pending.length === 0) return detachReattach(o, p); // same completion bookkeeping
    const progress = clean({
      ...p,
      phase: 'Restarting',
      strategy: 'Offline',
      offlineStep: 'Stopping',
      targetHash: o.targetHash,
      currentNode: undefined,
      stepStartedAt: iso(o.now),
      startedAt: iso(o.now),
      updatedNodes: updatedNodes(o),
      message: `strategy Offline: stopping all ${o.desiredReplicas} nodes to apply restart-required changes`,
    });
    return {
      type: 'Scale',
      replicas: 0,
      progress,
      event: {
        type: 'Warning',
        reason: 'OfflineRollout',
        message: `Strategy Offline: scaling ${o.desiredReplicas} GMS nodes to zero to apply config ${o.targetHash}; chat is unavailable until they are started again and Ready`,
      },
    };
  }
  const elapsed = elapsedSince(o, p.stepStartedAt);
  if (p.offlineStep === 'Stopping') {
    if (o.statefulSet.replicas !== 0) return { type: 'Scale', replicas: 0, progress: p };
    const left = o.nodes.filter((n) => n.exists);
    if (left.length > 0) {
      if (elapsed > o.settings.podReadyTimeoutMs)
        return halt(
          o,
          p,
          'ScaleDownStuck',
          `strategy Offline: ${left.map((n) => n.name).join(', ')} did not stop within ${formatDuration(o.settings.podReadyTimeoutMs)}`,
          (left[0] as ObservedNode).name,
        );
      return wait(`waiting for ${left.length} nodes to stop`);
    }
    if (!o.statefulSet.templateCurrent)
      return wait('the StatefulSet controller has not observed the latest pod template yet');
    return {
      type: 'Scale',
      replicas: o.desiredReplicas,
      progress: clean({
        ...p,
        offlineStep: 'Starting',
        detachedNodes: [],
        stepStartedAt: iso(o.now),
        message: `strategy Offline: starting ${o.desiredReplicas} nodes on the new configuration`,
      }),
      event: {
        type: 'Normal',
        reason: 'OfflineStarting',
        message: `Strategy Offline: every node stopped; starting ${o.desiredReplicas} nodes on config ${o.targetHash}`,
      },
    };
  }
  // Starting
  if (o.statefulSet.replicas !== o.desiredReplicas)
    return { type: 'Scale', replicas: o.desiredReplicas, progress: p };
  const stale = nodes.find(
    (n) =>
      n.exists && !n.ready && !n.terminating && o.statefulSet.templateCurrent && needsRestart(o, n),
  );
  if (stale)
    // Started on a template that is no longer the target and serving nothing: replace it.
    return { type: 'DeletePod', node: stale.name, podUid: stale.uid ?? '', progress: p };
  const notReady = nodes.find((n) => !n.exists || !n.ready || n.terminating);
  if (!notReady && nodes.length >= o.desiredReplicas) {
    const updated = updatedNodes(o);
    return {
      type: 'Persist',
      progress: clean({
        phase: 'Idle',
        strategy: 'Offline',
        targetHash: o.targetHash,
        updatedNodes: updated,
        detachedNodes: [],
        startedAt: p.startedAt,
        message: `strategy Offline: ${o.desiredReplicas} nodes started and Ready`,
      }),
      event: {
        type: 'Normal',
        reason: 'RolloutComplete',
        message: `Rollout complete (Offline): ${o.desiredReplicas} nodes Ready on config ${o.targetHash}; chat available again`,
      },
    };
  }
  if (elapsed > o.settings.podReadyTimeoutMs) {
    const name = notReady?.name ?? `ordinal ${nodes.length}`;
    return halt(
      o,
      p,
      'PodNotReady',
      `strategy Offline: node ${name} not Ready within podReadyTimeout ${formatDuration(o.settings.podReadyTimeoutMs)}${notReady?.notReadyReason ? ` (${notReady.notReadyReason})` : ''}`,
      notReady?.name,
    );
  }
  return wait(`strategy Offline: waiting for ${notReady?.name ?? 'nodes'} to be Ready`);
}

/** StatefulSet replicas the operator must apply instead of spec.gms.replicas, if any. */
export function replicasOverride(progress: RolloutStatus | undefined): number | undefined {
  if (!progress) return undefined;
  if (
    progress.offlineStep === 'Stopping' &&
    (progress.phase === 'Restarting' || progress.phase === 'Halted')
  )
    return 0;
  return undefined;
}
