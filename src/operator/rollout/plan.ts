/**
 * Classification of a ChatService change, and the plan the operator will follow for it
 * (`gmsctl plan`, and the operator's own Events). Option changes come from the config diff
 * (catalog "takes effect", unknown options = restart; domain/operator-patterns.md §1: Strimzi's
 * read-only default); changes outside the INI that reach the pod template (image, resources,
 * port) restart nodes too; replicas scale; rollout, nodeApi and expose settings restart
 * nothing. The ordered steps come from running the rollout state machine itself
 * (./simulate.ts), so the plan cannot drift from what the operator does.
 */
import type { ChatService, PushProvider, RolloutStrategy } from '../../api/types.js';
import { configHash, diff, type ConfigChange, type RenderedConfig } from '../../config/index.js';
import {
  desiredState,
  names as manifestNames,
  type ManifestObject,
  type SourceSecret,
} from '../../manifests/index.js';
import { formatDuration } from './duration.js';
import { rolloutSettings } from './settings.js';
import { simulateRoll } from './simulate.js';
import type { RolloutAction } from './types.js';

export interface PlanSide {
  cs: ChatService;
  rendered: RenderedConfig;
  providers?: readonly PushProvider[];
  /** Secrets among the inputs (keystore files count toward the restart hash). */
  sourceSecrets?: readonly SourceSecret[];
}

/** A change outside the rendered INI. */
export interface SpecChange {
  field: string;
  old?: string;
  new?: string;
  /** restart: reaches the pod template; scale: nodes added/removed; none: no node touched. */
  effect: 'restart' | 'scale' | 'none';
  note?: string;
}

export interface PlanStep {
  n: number;
  action:
    | 'apply-static-config'
    | 'update-dynamic-config'
    | 'scale'
    | 'detach'
    | 'drain'
    | 'restart'
    | 'reattach'
    | 'stop-all'
    | 'start-all'
    | 'refuse'
    | 'complete'
    | 'create'
    | 'delete';
  node?: string;
  text: string;
}

export interface ChangePlan {
  namespace?: string;
  name: string;
  kind: 'create' | 'update' | 'delete';
  /** Option changes from the config diff (credentials without values). */
  options: ConfigChange[];
  spec: SpecChange[];
  restartRequired: boolean;
  /** Dynamic options changed: the mutable ConfigMap is updated in place. */
  dynamicChanged: boolean;
  strategy: RolloutStrategy;
  podReadyTimeout: string;
  drainTimeout: string;
  replicas: { from: number; to: number };
  /** Static (restart-required) config hash, before and after. */
  staticHash: { from?: string; to?: string };
  /** Set when the operator will refuse the roll (e.g. DetachReattach with one replica). */
  refused?: string;
  steps: PlanStep[];
}

/** Object names the plan mentions (the manifests module's naming). */
export interface PlanNames {
  statefulSet: string;
  dynamicConfigMap: string;
  staticConfigMap: (hash: string) => string;
}

export function defaultPlanNames(cs: ChatService): PlanNames {
  return {
    statefulSet: manifestNames.statefulSet(cs),
    dynamicConfigMap: manifestNames.dynamicConfigMap(cs),
    staticConfigMap: (hash) => manifestNames.staticConfigMap(cs, hash),
  };
}

/** What the operator would apply for one side: its pod template and config hashes. */
function desiredOf(side: PlanSide): { template: string; staticHash: string; restartHash: string } {
  // Manifests carry owner references, which need a uid; files have none.
  const cs = { ...side.cs, metadata: { ...side.cs.metadata, uid: side.cs.metadata.uid ?? 'plan' } };
  const state = desiredState({
    cs,
    providers: side.providers ?? [],
    rendered: side.rendered,
    sourceSecrets: side.sourceSecrets ?? [],
  });
  const sts = state.objects.find((o: ManifestObject) => o.kind === 'StatefulSet') as
    (ManifestObject & { spec?: { template?: unknown } }) | undefined;
  return {
    template: JSON.stringify(sts?.spec?.template ?? null),
    staticHash: state.config.staticHash,
    restartHash: state.config.restartHash,
  };
}

const json = (v: unknown): string | undefined => (v === undefined ? undefined : JSON.stringify(v));

function specChanges(from: ChatService, to: ChatService): SpecChange[] {
  const out: SpecChange[] = [];
  const add = (
    field: string,
    a: unknown,
    b: unknown,
    effect: SpecChange['effect'],
    note?: string,
  ) => {
    const o = typeof a === 'string' || typeof a === 'number' ? String(a) : json(a);
    const n = typeof b === 'string' || typeof b === 'number' ? String(b) : json(b);
    if (o === n) return;
    const c: SpecChange = { field, effect };
    if (o !== undefined) c.old = o;
    if (n !== undefined) c.new = n;
    if (note) c.note = note;
    out.push(c);
  };
  const f = from.spec;
  const t = to.spec;
  add('spec.gms.image', f.gms?.image, t.gms?.image, 'restart', 'the pod template changes');
  add(
    'spec.gms.resources',
    f.gms?.resources,
    t.gms?.resources,
    'restart',
    'the pod template changes',
  );
  add('spec.gms.port', f.gms?.port, t.gms?.port, 'restart', 'the node listens on another port');
  const imageFromVersion = !f.gms?.image && !t.gms?.image;
  add(
    'spec.gms.version',
    f.gms?.version,
    t.gms?.version,
    imageFromVersion ? 'restart' : 'none',
    imageFromVersion
      ? 'the default image follows the version'
      : 'gates options; the image is set explicitly',
  );
  add('spec.gms.replicas', f.gms?.replicas ?? 1, t.gms?.replicas ?? 1, 'scale');
  add(
    'spec.chatServer.version',
    f.chatServer?.version,
    t.chatServer?.version,
    'none',
    'gates features only',
  );
  add('spec.rollout', f.rollout, t.rollout, 'none', 'applies to this and later rolls');
  add(
    'spec.nodeApi',
    f.nodeApi,
    t.nodeApi,
    json(f.nodeApi?.basicAuth) === json(t.nodeApi?.basicAuth) ? 'none' : 'restart',
    'the readiness check reads the node API credentials from the pod template',
  );
  add('spec.expose', f.expose, t.expose, 'none', 'load-balancer objects change; no node restarts');
  return out;
}

function stepsFromActions(
  actions: readonly RolloutAction[],
  plan: ChangePlan,
  sts: string,
): PlanStep[] {
  const steps: Omit<PlanStep, 'n'>[] = [];
  const drain = plan.drainTimeout;
  const ready = plan.podReadyTimeout;
  for (const a of actions) {
    switch (a.type) {
      case 'Detach':
        steps.push({
          action: 'detach',
          node: a.node,
          text: `detach ${a.node} from the Chat Server: POST /genesys/1/admin/node/changestatus/OFFLINE, confirmed by GET /genesys/1/admin/node/status`,
        });
        break;
      case 'Wait':
        steps.push({
          action: 'drain',
          node: a.reason.replace(/^draining CometD clients of /, ''),
          text: `wait up to ${drain} for the CometD clients of ${a.reason.replace(/^draining CometD clients of /, '')} to drain`,
        });
        break;
      case 'DeletePod':
        steps.push({
          action: 'restart',
          node: a.node,
          text: `delete pod ${a.node}; the StatefulSet recreates it on the new configuration; wait up to ${ready} for Ready (not Ready in time: the roll halts, no other node is touched)`,
        });
        break;
      case 'Reattach':
        steps.push({
          action: 'reattach',
          node: a.node,
          text: `reattach ${a.node}: POST /genesys/1/admin/node/changestatus/ONLINE, confirmed by GET status`,
        });
        break;
      case 'Scale':
        steps.push(
          a.replicas === 0
            ? {
                action: 'stop-all',
                text: `scale StatefulSet ${sts} to 0 (Warning Event: chat is unavailable until the nodes are Ready again); wait until every node has stopped`,
              }
            : {
                action: 'start-all',
                text: `scale StatefulSet ${sts} back to ${a.replicas} on the new configuration; wait up to ${ready} for every node to be Ready`,
              },
        );
        break;
      case 'Halt':
        steps.push({
          action: 'refuse',
          text: `refuse the roll: ${a.progress.message ?? a.reason}`,
        });
        break;
      case 'Persist':
        if (a.event?.reason === 'RolloutComplete')
          steps.push({
            action: 'complete',
            text: 'mark the rollout complete (status.rollout.phase Idle, Event RolloutComplete)',
          });
        break;
      default:
        break;
    }
  }
  return steps.map((s, i) => ({ ...s, n: i + 1 }));
}

/** Classify the change from `from` to `to` and list the operator's steps. */
export function planChange(
  from: PlanSide | undefined,
  to: PlanSide | undefined,
  names: (cs: ChatService) => PlanNames = defaultPlanNames,
): ChangePlan {
  const side = (to ?? from) as PlanSide;
  const settings = rolloutSettings(side.cs.spec);
  const base = {
    ...(side.cs.metadata.namespace ? { namespace: side.cs.metadata.namespace } : {}),
    name: side.cs.metadata.name,
    strategy: settings.strategy,
    podReadyTimeout: formatDuration(settings.podReadyTimeoutMs),
    drainTimeout: formatDuration(settings.drainTimeoutMs),
  };
  const n = names(side.cs);
  if (!from || !to) {
    const replicas = side.cs.spec.gms?.replicas ?? 1;
    const hash = desiredOf(side).staticHash;
    return {
      ...base,
      kind: to ? 'create' : 'delete',
      options: [],
      spec: [],
      restartRequired: false,
      dynamicChanged: false,
      replicas: to ? { from: 0, to: replicas } : { from: replicas, to: 0 },
      staticHash: to ? { to: hash } : { from: hash },
      steps: [
        to
          ? {
              n: 1,
              action: 'create',
              text: `create ConfigMaps ${n.staticConfigMap(hash)} (immutable) and ${n.dynamicConfigMap}, StatefulSet ${n.statefulSet} with ${replicas} nodes; no roll`,
            }
          : {
              n: 1,
              action: 'delete',
              text: `delete ChatService ${side.cs.metadata.name}: its ${replicas} nodes and owned objects are removed`,
            },
      ],
    };
  }
  const options = diff(from.rendered.all, to.rendered.all);
  const spec = specChanges(from.cs, to.cs);
  const before = desiredOf(from);
  const after = desiredOf(to);
  // The operator restarts nodes exactly when the StatefulSet's pod template changes (OnDelete:
  // a new revision), which the restart-required options, credentials, image, resources and
  // port all reach. The option and field lists say why.
  const restartRequired = before.template !== after.template;
  const dynamicChanged = configHash(from.rendered.dynamic) !== configHash(to.rendered.dynamic);
  const replicas = { from: from.cs.spec.gms?.replicas ?? 1, to: to.cs.spec.gms?.replicas ?? 1 };
  const plan: ChangePlan = {
    ...base,
    kind: 'update',
    options,
    spec,
    restartRequired,
    dynamicChanged,
    replicas,
    staticHash: { from: before.staticHash, to: after.staticHash },
    steps: [],
  };
  const pre: Omit<PlanStep, 'n'>[] = [];
  if (restartRequired)
    pre.push({
      action: 'apply-static-config',
      text:
        before.staticHash !== after.staticHash
          ? `create ConfigMap ${n.staticConfigMap(after.staticHash)} (immutable) and update the StatefulSet pod template; OnDelete: no node restarts yet`
          : `update the StatefulSet pod template; OnDelete: no node restarts yet`,
    });
  if (dynamicChanged)
    pre.push({
      action: 'update-dynamic-config',
      text: `update ConfigMap ${n.dynamicConfigMap} in place; every node re-reads /etc/gms/dynamic.ini; no node restarts`,
    });
  if (replicas.from !== replicas.to)
    pre.push({
      action: 'scale',
      text:
        replicas.to > replicas.from
          ? `scale StatefulSet ${n.statefulSet} from ${replicas.from} to ${replicas.to}; new nodes start on the new configuration`
          : `scale StatefulSet ${n.statefulSet} from ${replicas.from} to ${replicas.to}; the highest ordinals stop`,
    });
  const actions = restartRequired
    ? simulateRoll({
        statefulSet: n.statefulSet,
        fromReplicas: replicas.from,
        toReplicas: replicas.to,
        restart: true,
        settings,
      })
    : [];
  const refusal = actions.find((a) => a.type === 'Halt');
  if (refusal) plan.refused = refusal.progress.message ?? refusal.reason;
  const roll = stepsFromActions(actions, plan, n.statefulSet);
  plan.steps = [...pre.map((s) => ({ ...s, n: 0 })), ...roll].map((s, i) => ({ ...s, n: i + 1 }));
  return plan;
}
