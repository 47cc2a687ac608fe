/**
 * The rollout executor: observes the StatefulSet, its pods and the persisted progress, asks
 * the pure state machine (./machine.ts) for the next action and performs it.
 *
 * Every action writes its status.rollout *before* its side effect (write-ahead), so an operator
 * killed between the two finds the intent in status and repeats the (idempotent) effect:
 * changestatus is idempotent, pod deletion carries the pod's UID as precondition, the detach
 * annotation carries the UID in the patch (metadata.uid is immutable, so a patch naming another
 * UID fails). Cheap follow-up steps of the same node are chained within one reconcile (after a
 * reattach the next node is detached at once), waits are requeues: a reconcile never sleeps.
 */
import type { Logger } from 'pino';
import type { ChatService, Condition, RolloutStatus } from '../../api/types.js';
import { ANNOTATION_STATIC_HASH } from '../../manifests/index.js';
import {
  NodeApiError,
  changeStatusConfirmed,
  nodeBaseUrl,
  type NodeApiClient,
  type NodeTarget,
} from '../nodeapi/index.js';
import { setCondition } from '../runtime/conditions.js';
import { MERGE_PATCH, type KubeClient } from '../runtime/kube/client.js';
import { ApiError, isConflict, isNotFound } from '../runtime/kube/errors.js';
import { RESOURCES } from '../runtime/kube/resources.js';
import type { KubeObject } from '../runtime/kube/types.js';
import { rolloutConditions } from './conditions.js';
import { nextAction } from './machine.js';
import { rolloutSettings } from './settings.js';
import {
  ANNOTATION_DETACHED_AT,
  ANNOTATION_DETACHED_READY,
  ANNOTATION_RETRY,
  ANNOTATION_ROLLOUT_STEP,
  STEP_DETACHED,
  type ObservedNode,
  type ObservedRollout,
  type RolloutAction,
} from './types.js';

/** Pod template annotation carrying the static config hash (the manifests module sets it). */
export const DEFAULT_STATIC_HASH_ANNOTATION = ANNOTATION_STATIC_HASH;
const REVISION_LABEL = 'controller-revision-hash';
/** Requeue after a node API failure: the machine's own timeout decides when to halt. */
const NODE_API_RETRY_MS = 2000;

export interface EventSink {
  event(
    obj: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    action: string,
    note: string,
  ): void;
}

export interface RolloutExecutorOptions {
  client: KubeClient;
  nodeApi: NodeApiClient;
  events?: EventSink;
  logger?: Logger;
  now?: () => number;
  fieldManager?: string;
  /** How to reach a node's API (see ../nodeapi/address.ts); default http://{ip}:{port}. */
  nodeUrlTemplate?: string;
  staticHashAnnotation?: string;
  /** Upper bound of actions chained in one reconcile. */
  maxActionsPerReconcile?: number;
  /** Called after each performed action (metrics, tests). */
  onAction?: (cs: ChatService, action: RolloutAction) => void;
}

export interface RolloutInput {
  cs: ChatService;
  /** The StatefulSet running the nodes (pods `<name>-<ordinal>`). */
  statefulSet: string;
  /** Desired static (restart-required) config hash, as on the pod template annotation. */
  targetHash: string;
  /** The headless Service, for DNS node URLs. */
  headlessService?: string;
  /**
   * Objects from the operator's informer caches. Used while no roll runs (a steady state then
   * costs no API reads); a running roll always reads live.
   */
  cached?: { statefulSet?: KubeObject | null; pods?: KubeObject[] };
  signal?: AbortSignal;
}

export interface RolloutOutcome {
  requeueAfterMs?: number;
  /** status.rollout as it stands after the step (the driver may have persisted it). */
  rollout: RolloutStatus | undefined;
  /** status.conditions as the driver left them (it may set Progressing/Degraded). */
  conditions: Condition[] | undefined;
  /** Actions performed (not Waits), in order. */
  actions: RolloutAction[];
}

interface PodLike extends KubeObject {
  spec?: { readinessGates?: unknown[] };
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: {
      name: string;
      ready?: boolean;
      state?: {
        running?: unknown;
        waiting?: { reason?: string; message?: string };
        terminated?: { reason?: string };
      };
    }[];
  };
}

interface StatefulSetLike extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: { annotations?: Record<string, string> } };
  };
  status?: { observedGeneration?: number; updateRevision?: string };
}

export class RolloutExecutor {
  private readonly now: () => number;
  private readonly fieldManager: string;
  private readonly hashAnnotation: string;
  private readonly maxActions: number;

  constructor(private readonly opts: RolloutExecutorOptions) {
    this.now = opts.now ?? Date.now;
    this.fieldManager = opts.fieldManager ?? 'gms-operator';
    this.hashAnnotation = opts.staticHashAnnotation ?? DEFAULT_STATIC_HASH_ANNOTATION;
    this.maxActions = opts.maxActionsPerReconcile ?? 12;
  }

  async reconcile(input: RolloutInput): Promise<RolloutOutcome> {
    let cs = input.cs;
    const actions: RolloutAction[] = [];
    const secretCache = new Map<string, Record<string, string> | undefined>();
    for (let i = 0; i < this.maxActions; i++) {
      if (input.signal?.aborted) break;
      const live = i > 0 || (cs.status?.rollout?.phase ?? 'Idle') !== 'Idle' || !input.cached;
      const { observed, pods } = await this.observe(cs, input, live);
      const action = nextAction(observed);
      if (action.type === 'Nothing') return this.outcome(cs, actions);
      if (action.type === 'Wait') {
        if (action.progress && !sameRollout(action.progress, cs.status?.rollout))
          cs = await this.persist(cs, action.progress);
        this.opts.logger?.debug(
          { chatService: cs.metadata.name, wait: action.reason },
          'rollout waits',
        );
        return this.outcome(cs, actions, action.requeueAfterMs);
      }
      try {
        cs = await this.perform(cs, input, action, pods, secretCache);
      } catch (err) {
        if (err instanceof NodeApiError) {
          this.opts.logger?.warn(
            { chatService: cs.metadata.name, node: err.node, err: err.message },
            'node API call failed',
          );
          this.opts.events?.event(
            cs as unknown as KubeObject,
            'Warning',
            'NodeApiError',
            action.type,
            err.message,
          );
          return this.outcome(cs, actions, NODE_API_RETRY_MS);
        }
        throw err;
      }
      actions.push(action);
      this.opts.onAction?.(cs, action);
    }
    return this.outcome(cs, actions, 0);
  }

  private outcome(
    cs: ChatService,
    actions: RolloutAction[],
    requeueAfterMs?: number,
  ): RolloutOutcome {
    const out: RolloutOutcome = {
      rollout: cs.status?.rollout,
      conditions: cs.status?.conditions,
      actions,
    };
    if (requeueAfterMs !== undefined) out.requeueAfterMs = requeueAfterMs;
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // observation
  // -------------------------------------------------------------------------------------------

  async observe(
    cs: ChatService,
    input: RolloutInput,
    live: boolean,
  ): Promise<{ observed: ObservedRollout; pods: Map<string, PodLike> }> {
    const ns = cs.metadata.namespace ?? 'default';
    const sts = (
      live || input.cached?.statefulSet === undefined
        ? await this.opts.client.get<StatefulSetLike>(RESOURCES.StatefulSet, ns, input.statefulSet)
        : (input.cached.statefulSet ?? undefined)
    ) as StatefulSetLike | undefined;
    const progress = cs.status?.rollout;
    const settings = rolloutSettings(cs.spec);
    const desiredReplicas = cs.spec.gms?.replicas ?? 1;
    const base: ObservedRollout = {
      now: this.now(),
      generation: cs.metadata.generation ?? 0,
      desiredReplicas,
      targetHash: input.targetHash,
      settings,
      retryRequested: cs.metadata.annotations?.[ANNOTATION_RETRY] !== undefined,
      statefulSet: { exists: false, replicas: 0, templateCurrent: false },
      nodes: [],
      progress,
    };
    const byName = new Map<string, PodLike>();
    if (!sts) return { observed: base, pods: byName };
    let pods: PodLike[];
    if (!live && input.cached?.pods) pods = input.cached.pods as PodLike[];
    else {
      const labels = sts.spec?.selector?.matchLabels ?? {};
      const selector = Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      pods = (
        await this.opts.client.list<PodLike>(RESOURCES.Pod, {
          namespace: ns,
          labelSelector: selector,
        })
      ).items;
    }
    const prefix = `${input.statefulSet}-`;
    let maxOrdinal = -1;
    for (const p of pods) {
      const name = p.metadata.name;
      if (!name.startsWith(prefix) || !/^\d+$/.test(name.slice(prefix.length))) continue;
      byName.set(name, p);
      maxOrdinal = Math.max(maxOrdinal, Number(name.slice(prefix.length)));
    }
    const stsReplicas = sts.spec?.replicas ?? 1;
    const count = Math.max(desiredReplicas, stsReplicas, maxOrdinal + 1);
    const templateHash = sts.spec?.template?.metadata?.annotations?.[this.hashAnnotation];
    const observedGen = sts.status?.observedGeneration ?? 0;
    base.statefulSet = {
      exists: true,
      replicas: stsReplicas,
      templateCurrent:
        observedGen >= (sts.metadata.generation ?? 0) && templateHash === input.targetHash,
      ...(sts.status?.updateRevision ? { updateRevision: sts.status.updateRevision } : {}),
    };
    for (let i = 0; i < count; i++) {
      const name = `${prefix}${i}`;
      const pod = byName.get(name);
      base.nodes.push(
        pod
          ? this.nodeOf(pod, i)
          : { name, ordinal: i, exists: false, ready: false, terminating: false },
      );
    }
    // Node status only for the node being restarted, once its new process runs but is not
    // Ready (a node that came up OFFLINE): a steady state makes no node API calls.
    const current = progress?.currentNode
      ? base.nodes.find((n) => n.name === progress.currentNode)
      : undefined;
    if (
      current?.exists &&
      current.running &&
      !current.ready &&
      current.rolloutStep !== STEP_DETACHED &&
      (progress?.phase === 'Restarting' || progress?.phase === 'Reattaching')
    ) {
      const target = await this.targetFor(
        cs,
        input,
        byName.get(current.name) as PodLike,
        new Map(),
      );
      if (!target) current.nodeStatus = 'Unreachable';
      else
        current.nodeStatus = await this.opts.nodeApi
          .status(target)
          .catch(() => 'Unreachable' as const);
    }
    return { observed: base, pods: byName };
  }

  private nodeOf(pod: PodLike, ordinal: number): ObservedNode {
    const ann = pod.metadata.annotations ?? {};
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    const containers = pod.status?.containerStatuses ?? [];
    const running =
      pod.status?.phase === 'Running' &&
      containers.length > 0 &&
      containers.every((c) => c.state?.running !== undefined);
    const n: ObservedNode = {
      name: pod.metadata.name,
      ordinal,
      exists: true,
      ready,
      running,
      terminating: pod.metadata.deletionTimestamp !== undefined,
    };
    if (pod.metadata.uid) n.uid = pod.metadata.uid;
    const rev = pod.metadata.labels?.[REVISION_LABEL];
    if (rev) n.revision = rev;
    const hash = ann[this.hashAnnotation];
    if (hash) n.staticHash = hash;
    if (pod.metadata.creationTimestamp) n.createdAt = Date.parse(pod.metadata.creationTimestamp);
    if (ann[ANNOTATION_ROLLOUT_STEP]) n.rolloutStep = ann[ANNOTATION_ROLLOUT_STEP];
    if (ann[ANNOTATION_DETACHED_AT]) n.detachedAt = ann[ANNOTATION_DETACHED_AT];
    if (ann[ANNOTATION_DETACHED_READY] !== undefined)
      n.detachedWhileReady = ann[ANNOTATION_DETACHED_READY] === 'true';
    if (!ready) {
      const waiting = containers.find((c) => c.state?.waiting?.reason)?.state?.waiting;
      const cond = pod.status?.conditions?.find((c) => c.type === 'Ready');
      // A pod the scheduler cannot place has no Ready condition: its PodScheduled one says why.
      const unscheduled = pod.status?.conditions?.find(
        (c) => c.type === 'PodScheduled' && c.status === 'False',
      );
      const notScheduled = unscheduled
        ? [unscheduled.reason, unscheduled.message?.trim()].filter(Boolean).join(': ') || undefined
        : undefined;
      const why = waiting?.reason
        ? `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`
        : (cond?.message ??
          cond?.reason ??
          notScheduled ??
          (pod.status?.phase ? `phase ${pod.status.phase}` : undefined));
      if (why) n.notReadyReason = why;
    }
    return n;
  }

  // -------------------------------------------------------------------------------------------
  // actions
  // -------------------------------------------------------------------------------------------

  private async perform(
    cs: ChatService,
    input: RolloutInput,
    action: Exclude<RolloutAction, { type: 'Nothing' | 'Wait' }>,
    pods: Map<string, PodLike>,
    secrets: Map<string, Record<string, string> | undefined>,
  ): Promise<ChatService> {
    const ns = cs.metadata.namespace ?? 'default';
    const log = this.opts.logger?.child({
      chatService: `${ns}/${cs.metadata.name}`,
      action: action.type,
    });
    // Write-ahead: the intent is persisted before the effect.
    if (!sameRollout(action.progress, cs.status?.rollout))
      cs = await this.persist(cs, action.progress);
    switch (action.type) {
      case 'Persist':
        if (action.consumeRetry) await this.removeRetryAnnotation(cs);
        break;
      case 'Halt':
        log?.warn({ node: action.node, reason: action.reason }, action.event.message);
        break;
      case 'Detach': {
        const pod = pods.get(action.node);
        if (!pod || pod.metadata.uid !== action.podUid) break; // replaced meanwhile: re-observe
        const target = await this.targetFor(cs, input, pod, secrets);
        try {
          if (!target) throw new NodeApiError(action.node, 'unreachable', 'the pod has no IP yet');
          await changeStatusConfirmed(this.opts.nodeApi, target, 'OFFLINE');
        } catch (err) {
          // An unready node serves nothing: a failing node API must not block its restart.
          if (!(err instanceof NodeApiError && action.tolerateUnreachable)) throw err;
          log?.info(
            { node: action.node, err: err.message },
            'node API failed on an unready node; restarting it without detach',
          );
        }
        await this.opts.client
          .patch(
            RESOURCES.Pod,
            ns,
            action.node,
            {
              metadata: {
                uid: action.podUid,
                annotations: {
                  [ANNOTATION_ROLLOUT_STEP]: STEP_DETACHED,
                  [ANNOTATION_DETACHED_AT]: new Date(this.now()).toISOString(),
                  [ANNOTATION_DETACHED_READY]: String(action.wasReady),
                },
              },
            },
            { contentType: MERGE_PATCH, fieldManager: this.fieldManager },
          )
          .catch((err: unknown) => {
            // 404: the pod is gone; 422/409: it was replaced (another UID). Re-observe.
            if (!(
              isNotFound(err) ||
              isConflict(err) ||
              (err instanceof ApiError && err.code === 422)
            ))
              throw err;
          });
        log?.info({ node: action.node }, 'node detached');
        break;
      }
      case 'DeletePod': {
        await this.opts.client
          .delete(RESOURCES.Pod, ns, action.node, { preconditions: { uid: action.podUid } })
          .catch((err: unknown) => {
            // Conflict: the precondition failed, the pod was already replaced.
            if (!isConflict(err)) throw err;
          });
        log?.info({ node: action.node }, 'pod deleted');
        break;
      }
      case 'Reattach': {
        const pod = pods.get(action.node);
        const target = pod ? await this.targetFor(cs, input, pod, secrets) : undefined;
        if (!target) throw new NodeApiError(action.node, 'unreachable', 'the pod has no IP yet');
        await changeStatusConfirmed(this.opts.nodeApi, target, 'ONLINE');
        cs = await this.persist(cs, action.after);
        log?.info({ node: action.node }, 'node reattached');
        break;
      }
      case 'Scale':
        await this.opts.client.patch(
          RESOURCES.StatefulSet,
          ns,
          input.statefulSet,
          { spec: { replicas: action.replicas } },
          { contentType: MERGE_PATCH, fieldManager: this.fieldManager },
        );
        log?.info({ replicas: action.replicas }, 'StatefulSet scaled');
        break;
    }
    const event = 'event' in action ? action.event : undefined;
    if (event)
      this.opts.events?.event(
        cs as unknown as KubeObject,
        event.type,
        event.reason,
        action.type,
        event.message,
      );
    return cs;
  }

  /** Write status.rollout (and the conditions it decides) with a merge patch. */
  private async persist(cs: ChatService, rollout: RolloutStatus): Promise<ChatService> {
    const prev = (cs.status?.rollout ?? {}) as unknown as Record<string, unknown>;
    const patch: Record<string, unknown> = { ...rollout };
    for (const k of Object.keys(prev)) if (!(k in patch)) patch[k] = null;
    const nowIso = new Date(this.now()).toISOString();
    let conditions = cs.status?.conditions;
    for (const c of rolloutConditions(rollout, cs.metadata.generation, conditions))
      conditions = setCondition(conditions, c, nowIso);
    const body: Record<string, unknown> = { rollout: patch };
    if (conditions !== cs.status?.conditions) body.conditions = conditions;
    const updated = await this.opts.client.patch<KubeObject>(
      RESOURCES.ChatService,
      cs.metadata.namespace ?? 'default',
      cs.metadata.name,
      { status: body },
      { contentType: MERGE_PATCH, fieldManager: this.fieldManager, subresource: 'status' },
    );
    const u = updated as unknown as ChatService;
    return {
      ...cs,
      metadata: {
        ...cs.metadata,
        resourceVersion: u.metadata?.resourceVersion ?? cs.metadata.resourceVersion,
      },
      status: { ...(cs.status ?? {}), ...(u.status ?? {}), rollout: u.status?.rollout ?? rollout },
    };
  }

  private async removeRetryAnnotation(cs: ChatService): Promise<void> {
    await this.opts.client.patch(
      RESOURCES.ChatService,
      cs.metadata.namespace ?? 'default',
      cs.metadata.name,
      { metadata: { annotations: { [ANNOTATION_RETRY]: null } } },
      { contentType: MERGE_PATCH, fieldManager: this.fieldManager },
    );
    if (cs.metadata.annotations) delete cs.metadata.annotations[ANNOTATION_RETRY];
  }

  private async targetFor(
    cs: ChatService,
    input: RolloutInput,
    pod: PodLike,
    secrets: Map<string, Record<string, string> | undefined>,
  ): Promise<NodeTarget | undefined> {
    const base = nodeBaseUrl(
      {
        pod: pod.metadata.name,
        namespace: cs.metadata.namespace ?? 'default',
        port: cs.spec.gms?.port ?? 8080,
        ...(pod.status?.podIP ? { ip: pod.status.podIP } : {}),
        ...(input.headlessService ? { service: input.headlessService } : {}),
      },
      this.opts.nodeUrlTemplate,
    );
    if (!base) return undefined;
    const target: NodeTarget = { node: pod.metadata.name, baseUrl: base };
    const ref = cs.spec.nodeApi?.basicAuth?.secretRef;
    if (ref) {
      if (!secrets.has(ref.name)) {
        const s = await this.opts.client.get<KubeObject & { data?: Record<string, string> }>(
          RESOURCES.Secret,
          cs.metadata.namespace ?? 'default',
          ref.name,
        );
        secrets.set(
          ref.name,
          s?.data
            ? Object.fromEntries(
                Object.entries(s.data).map(([k, v]) => [
                  k,
                  Buffer.from(v, 'base64').toString('utf8'),
                ]),
              )
            : undefined,
        );
      }
      const data = secrets.get(ref.name);
      const username = data?.[ref.usernameKey ?? 'username'];
      const password = data?.[ref.passwordKey ?? 'password'];
      if (username === undefined || password === undefined)
        throw new NodeApiError(
          pod.metadata.name,
          'unauthorized',
          `Secret ${ref.name} (spec.nodeApi.basicAuth) is missing or lacks keys ${ref.usernameKey ?? 'username'}/${ref.passwordKey ?? 'password'}`,
        );
      target.auth = { username, password };
    }
    return target;
  }
}

function sameRollout(a: RolloutStatus | undefined, b: RolloutStatus | undefined): boolean {
  return JSON.stringify(sortKeys(a ?? null)) === JSON.stringify(sortKeys(b ?? null));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  return v;
}
