/**
 * The ChatService reconciler (level-triggered; controller-runtime's contract, domain/
 * operator-patterns.md §4). One pass:
 *
 *  1. read the ChatService, its PushProviders and the Secrets both reference, from the caches;
 *  2. validate with the same library `gmsctl validate` uses (src/validate); on errors set
 *     ConfigValid=False with the diagnostics, apply nothing, and leave the last valid config
 *     running (DESIGN.md, "Invalid config is never applied");
 *  3. render (src/config) and build the desired objects (src/manifests);
 *  4. server-side apply each object that differs from the cached live object (field manager
 *     gms-operator, force): a pass with nothing to change sends zero writes;
 *  5. garbage-collect superseded hash-named ConfigMaps/Secrets beyond the last few (kept for
 *     rollback; never one a pod still mounts) and load-balancer objects no longer wanted
 *     (a previous expose mode, per-node Services of nodes scaled away);
 *  6. let the rollout driver move nodes to the new restart-required config (issue 5 seam);
 *  7. write status only if it changed; Events only for steps that did something.
 */
import type { Logger } from 'pino';
import type { ChatService, PushProvider, RolloutStatus, SecretData } from '../../api/types.js';
import { formatPath, render } from '../../config/index.js';
import type { RenderedConfig } from '../../config/index.js';
import type { DesiredState, ManifestObject, SourceSecret } from '../../manifests/index.js';
import {
  LABEL_COMPONENT,
  LABEL_CONFIG_ROLE,
  LB_COMPONENT,
  desiredState,
  manifestProblems,
  names,
} from '../../manifests/index.js';
import type { Diagnostic } from '../../validate/index.js';
import { validateObjects } from '../../validate/index.js';
import { replicasOverride } from '../rollout/machine.js';
import { applyStatusIfChanged, ensureApplied } from '../runtime/apply.js';
import { rfc3339 } from '../runtime/clock.js';
import type { Clock } from '../runtime/clock.js';
import { realClock } from '../runtime/clock.js';
import type { ReconcileContext, Reconciler, Request, Result } from '../runtime/controller.js';
import type { EventRecorder } from '../runtime/events.js';
import type { KubeClient } from '../runtime/kube/client.js';
import { errorMessage } from '../runtime/kube/errors.js';
import { RESOURCES, resourceFor } from '../runtime/kube/resources.js';
import type { KubeObject } from '../runtime/kube/types.js';
import type { OperatorMetrics } from '../runtime/metrics.js';
import type { Caches } from '../caches.js';
import { INDEX_CHAT_SERVICE } from '../caches.js';
import {
  chatServiceSecretNames,
  loadBalancerSecretNames,
  providerNames,
  providerSecretNames,
} from './references.js';
import type { RolloutDriver } from './rollout-seam.js';
import { PendingRollout } from './rollout-seam.js';
import type { ValidationOutcome } from './status.js';
import { buildStatus, formatDiagnostics, loadBalancerView, podView } from './status.js';
import { ROLLOUT_PHASES } from '../../api/types.js';

/** Superseded static ConfigMaps / credentials Secrets kept for rollback, besides those in use. */
export const KEEP_PREVIOUS_CONFIGS = 3;
/** Look again at a ChatService whose nodes are not all Ready (pod events usually come first). */
const NOT_READY_REQUEUE_MS = 60_000;

export interface ChatServiceReconcilerOptions {
  client: KubeClient;
  caches: Caches;
  events?: EventRecorder;
  metrics?: OperatorMetrics;
  rollout?: RolloutDriver;
  clock?: Clock;
  logger?: Logger;
  defaultImageRepository?: string;
}

export class ChatServiceReconciler implements Reconciler {
  private readonly clock: Clock;
  private readonly rollout: RolloutDriver;

  constructor(private readonly opts: ChatServiceReconcilerOptions) {
    this.clock = opts.clock ?? realClock;
    this.rollout = opts.rollout ?? new PendingRollout();
  }

  async reconcile(req: Request, ctx: ReconcileContext): Promise<Result | void> {
    const { caches } = this.opts;
    const cs = caches.chatServices.get(req.namespace, req.name) as ChatService | undefined;
    if (!cs) {
      // Deleted: owner references let the garbage collector remove what it owned.
      this.opts.metrics?.setRolloutPhase(req.namespace, req.name, undefined, ROLLOUT_PHASES);
      return;
    }
    if (cs.metadata.deletionTimestamp) return;
    const log = ctx.logger;
    const ns = req.namespace;

    // 1. inputs
    const providers = providerNames(cs)
      .map((n) => caches.pushProviders.get(ns, n))
      .filter((p): p is PushProvider & KubeObject => p !== undefined);
    const secretNames = [
      ...new Set([
        ...chatServiceSecretNames(cs),
        ...providers.flatMap((p) => providerSecretNames(p)),
      ]),
    ];
    const secrets = secretNames
      .map((n) => caches.secrets.get(ns, n))
      .filter((s): s is KubeObject => s !== undefined);

    // 2. validate (and render: what the renderer had to leave out is an error too, e.g. a
    // Secret key that does not exist: the validator checks Secret references only when it is
    // given Secrets of that namespace, the renderer always knows)
    const validation = this.validate(cs, providers, secrets);
    const rendered =
      validation.errors.length === 0 ? render(cs, providers, decodeSecrets(secrets)) : undefined;
    if (rendered) validation.errors.push(...renderDiagnostics(cs, rendered));
    const sts = caches.statefulSets.get(ns, names.statefulSet(cs));
    const pods = caches.pods.byIndex(INDEX_CHAT_SERVICE, `${ns}/${cs.metadata.name}`);
    const desiredReplicas = cs.spec.gms?.replicas ?? 1;
    // The objects it becomes. A manifest or load-balancer renderer that refuses the spec
    // (something the validator let through) is a ConfigInvalid too: nothing is applied and
    // the last good objects keep running, instead of a failing reconcile with no condition.
    let desired: DesiredState | undefined;
    if (rendered && validation.errors.length === 0) {
      try {
        desired = this.desiredObjects(cs, providers, rendered, secrets, desiredReplicas);
      } catch (err) {
        validation.errors.push({
          file: `ChatService/${ns}/${cs.metadata.name}`,
          line: 1,
          column: 1,
          severity: 'error',
          rule: 'render',
          message: errorMessage(err),
        });
      }
    }
    if (validation.errors.length > 0) {
      const wasValid = cs.status?.conditions?.find((c) => c.type === 'ConfigValid');
      // A roll that was running keeps going toward the last valid config (still the
      // StatefulSet's template), so a node it detached is reattached rather than left out of
      // service until the spec is fixed (issue 5: "a detached node is always reattached").
      let running = cs;
      let requeueAfterMs: number | undefined;
      const inFlight = cs.status?.rollout;
      if (
        inFlight &&
        inFlight.phase !== 'Idle' &&
        inFlight.phase !== 'Halted' &&
        inFlight.targetHash &&
        sts
      ) {
        const outcome = await this.rollout.reconcile({
          cs,
          statefulSet: names.statefulSet(cs),
          targetHash: inFlight.targetHash,
          headlessService: names.headlessService(cs),
          cached: { statefulSet: sts, pods },
          signal: ctx.signal,
        });
        running = {
          ...cs,
          status: {
            ...(cs.status ?? {}),
            conditions: outcome.conditions,
            rollout: outcome.rollout,
          },
        };
        requeueAfterMs = outcome.requeueAfterMs;
      }
      const status = buildStatus({
        cs: running,
        now: rfc3339(this.clock.now()),
        validation,
        statefulSet: sts,
        pods: pods.map(podView),
        desiredReplicas,
        rollout: running.status?.rollout,
        conditions: running.status?.conditions,
      });
      const changed = await this.writeStatus(running, status);
      if (
        changed &&
        !(
          wasValid?.status === 'False' &&
          status.conditions?.find((c) => c.type === 'ConfigValid')?.message === wasValid.message
        )
      ) {
        this.opts.events?.event(
          cs as unknown as KubeObject,
          'Warning',
          'ConfigInvalid',
          'Validate',
          formatDiagnostics(validation.errors),
        );
      }
      log?.info({ errors: validation.errors.length }, 'configuration invalid; nothing applied');
      return requeueAfterMs !== undefined ? { requeueAfterMs } : undefined;
    }

    // 3. desired objects (built above)
    if (!desired) throw new Error('unreachable: desired objects missing');

    // 4. apply what differs
    const applied: string[] = [];
    let applyError: string | undefined;
    try {
      for (const obj of desired.objects) {
        ctx.signal.throwIfAborted();
        const cache = caches.forKind(obj.kind);
        if (!cache) {
          throw new Error(
            `${obj.kind} objects cannot be managed: the ${obj.apiVersion} API is not served (install its CRDs)`,
          );
        }
        const live = cache.get(ns, obj.metadata.name);
        const res = await ensureApplied(this.opts.client, obj as KubeObject, live);
        if (res.changed) applied.push(`${obj.kind}/${obj.metadata.name}`);
      }
      // 5. garbage
      const removed = await this.collectGarbage(cs, desired.objects, pods, ctx.signal);
      if (removed.length > 0) log?.info({ removed }, 'removed superseded objects');
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      applyError = `applying the desired objects failed: ${errorMessage(err)}`;
      const status = buildStatus({
        cs,
        now: rfc3339(this.clock.now()),
        validation,
        applyError,
        statefulSet: sts,
        pods: pods.map(podView),
        desiredReplicas,
        rollout: cs.status?.rollout,
        conditions: cs.status?.conditions,
      });
      await this.writeStatus(cs, status).catch(() => undefined);
      this.opts.events?.event(
        cs as unknown as KubeObject,
        'Warning',
        'ApplyFailed',
        'Apply',
        applyError,
      );
      throw err;
    }
    if (applied.length > 0) {
      log?.info({ applied }, 'applied');
      this.opts.events?.event(
        cs as unknown as KubeObject,
        'Normal',
        'Applied',
        'Apply',
        `applied ${applied.join(', ')}`,
      );
    }

    // 6. rollout
    const outcome = await this.rollout.reconcile({
      cs,
      statefulSet: names.statefulSet(cs),
      targetHash: desired.config.restartHash,
      headlessService: names.headlessService(cs),
      cached: { statefulSet: caches.statefulSets.get(ns, names.statefulSet(cs)) ?? null, pods },
      signal: ctx.signal,
    });
    const latest =
      outcome.conditions !== cs.status?.conditions || outcome.rollout !== cs.status?.rollout
        ? {
            ...cs,
            status: {
              ...(cs.status ?? {}),
              conditions: outcome.conditions,
              rollout: outcome.rollout,
            },
          }
        : cs;
    this.opts.metrics?.setRolloutPhase(
      ns,
      cs.metadata.name,
      outcome.rollout?.phase ?? 'Idle',
      ROLLOUT_PHASES,
    );

    // 7. status
    const podViews = pods.map(podView);
    // The load balancer the operator runs (the only Deployment it applies): Ready waits for it.
    const lbDeployment = desired.objects.find((o) => o.kind === 'Deployment');
    const loadBalancer = lbDeployment
      ? loadBalancerView(
          lbDeployment.metadata.name,
          (lbDeployment as { spec?: { replicas?: number } }).spec?.replicas ?? 1,
          caches.deployments.get(ns, lbDeployment.metadata.name),
        )
      : undefined;
    const status = buildStatus({
      cs: latest as ChatService,
      now: rfc3339(this.clock.now()),
      validation,
      applied: { restartHash: desired.config.restartHash, dynamicHash: desired.config.dynamicHash },
      statefulSet: caches.statefulSets.get(ns, names.statefulSet(cs)),
      pods: podViews,
      desiredReplicas,
      rollout: outcome.rollout ?? idleRollout(desired.config.restartHash),
      conditions: outcome.conditions,
      ...(loadBalancer ? { loadBalancer } : {}),
    });
    await this.writeStatus(latest as ChatService, status);

    if (outcome.requeueAfterMs !== undefined) return { requeueAfterMs: outcome.requeueAfterMs };
    const readyCount = podViews.filter((p) => p.ready).length;
    if (desiredReplicas > 0 && readyCount < desiredReplicas)
      return { requeueAfterMs: NOT_READY_REQUEUE_MS };
  }

  private desiredObjects(
    cs: ChatService,
    providers: PushProvider[],
    rendered: RenderedConfig,
    secrets: KubeObject[],
    desiredReplicas: number,
  ): DesiredState {
    const ns = cs.metadata.namespace ?? 'default';
    // The TLS certificate of an operator-run load balancer: its hash rolls the LB pods when
    // the certificate is renewed (none of nginx, HAProxy, Apache re-reads certificate files).
    const [tlsSecret] = loadBalancerSecretNames(cs);
    const tlsCertificate = tlsSecret
      ? (
          this.opts.caches.secrets.get(ns, tlsSecret) as
            { data?: Record<string, string> } | undefined
        )?.data?.['tls.crt']
      : undefined;
    return desiredState({
      cs,
      providers,
      rendered,
      sourceSecrets: secrets as SourceSecret[],
      replicas: replicasOverride(cs.status?.rollout) ?? desiredReplicas,
      defaultImageRepository: this.opts.defaultImageRepository,
      ...(tlsCertificate !== undefined ? { tlsCertificate } : {}),
    });
  }

  private validate(
    cs: ChatService,
    providers: PushProvider[],
    secrets: KubeObject[],
  ): ValidationOutcome {
    let diags: Diagnostic[];
    try {
      diags = validateObjects(
        { chatServices: [cs], pushProviders: providers, secrets: secrets as never },
        { missingProvider: 'error' },
      );
    } catch (err) {
      diags = [
        {
          file: `ChatService/${cs.metadata.namespace}/${cs.metadata.name}`,
          line: 1,
          column: 1,
          severity: 'error',
          rule: 'internal-error',
          message: `validation failed: ${errorMessage(err)}`,
        },
      ];
    }
    // Only this ChatService's own findings and those of what it uses (the validator also
    // checks the PushProviders and Secrets on their own).
    for (const m of manifestProblems(cs)) {
      diags.push({
        file: `ChatService/${cs.metadata.namespace}/${cs.metadata.name}`,
        line: 1,
        column: 1,
        severity: 'error',
        rule: 'manifest-name-too-long',
        message: m,
      });
    }
    return {
      errors: diags.filter((d) => d.severity === 'error'),
      warnings: diags.filter((d) => d.severity === 'warning'),
    };
  }

  /** Server-side apply of status, only when it differs from what is stored. */
  private writeStatus(cs: ChatService, status: ChatService['status']): Promise<boolean> {
    return applyStatusIfChanged(this.opts.client, cs, status);
  }

  /**
   * Deletes hash-named config objects the ChatService no longer uses, keeping the newest
   * KEEP_PREVIOUS_CONFIGS superseded ones (rollback) and any a pod or the StatefulSet still
   * mounts; and load-balancer objects of an expose mode no longer selected.
   */
  private async collectGarbage(
    cs: ChatService,
    desired: readonly ManifestObject[],
    pods: KubeObject[],
    signal: AbortSignal,
  ): Promise<string[]> {
    const { caches, client } = this.opts;
    const ns = cs.metadata.namespace ?? 'default';
    const uid = cs.metadata.uid;
    const wanted = new Set(desired.map((o) => `${o.kind}/${o.metadata.name}`));
    const inUse = new Set<string>();
    const mounts = (spec: unknown) => {
      for (const v of ((spec as { volumes?: unknown[] } | undefined)?.volumes ?? []) as {
        projected?: { sources?: { configMap?: { name: string }; secret?: { name: string } }[] };
      }[]) {
        for (const s of v.projected?.sources ?? []) {
          if (s.configMap) inUse.add(`ConfigMap/${s.configMap.name}`);
          if (s.secret) inUse.add(`Secret/${s.secret.name}`);
        }
      }
    };
    for (const p of pods) mounts((p as { spec?: unknown }).spec);
    const sts = caches.statefulSets.get(ns, names.statefulSet(cs)) as
      { spec?: { template?: { spec?: unknown } } } | undefined;
    mounts(sts?.spec?.template?.spec);
    const ownedBy = (o: KubeObject) =>
      o.metadata.ownerReferences?.some((r) => r.controller && r.uid === uid) ?? false;
    const mine = `${ns}/${cs.metadata.name}`;
    const removed: string[] = [];
    const candidates: KubeObject[] = [];
    for (const role of ['static', 'credentials'] as const) {
      const cache = role === 'static' ? caches.configMaps : caches.secrets;
      const old = cache
        .byIndex(INDEX_CHAT_SERVICE, mine)
        .filter(
          (o) =>
            ownedBy(o) &&
            o.metadata.labels?.[LABEL_CONFIG_ROLE] === role &&
            !wanted.has(`${o.kind}/${o.metadata.name}`),
        )
        .sort((a, b) =>
          (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
        );
      candidates.push(
        ...old
          .slice(KEEP_PREVIOUS_CONFIGS)
          .filter((o) => !inUse.has(`${o.kind}/${o.metadata.name}`)),
      );
    }
    // Load-balancer objects the ChatService no longer wants: everything of a previous expose
    // mode, and per-node Services of nodes scaled away. Pruned by label (component
    // load-balancer) and controller owner reference, so nothing the operator did not create
    // is ever touched. The workload goes first, the config it mounts last.
    const lbCaches = [
      caches.deployments,
      caches.podDisruptionBudgets,
      caches.ingresses,
      caches.httpRoutes,
      caches.services,
      caches.configMaps,
    ];
    for (const cache of lbCaches) {
      for (const o of cache?.byIndex(INDEX_CHAT_SERVICE, mine) ?? []) {
        if (!ownedBy(o) || wanted.has(`${o.kind}/${o.metadata.name}`)) continue;
        const lb = o.metadata.labels?.[LABEL_COMPONENT] === LB_COMPONENT;
        if (lb) candidates.push(o);
      }
    }
    for (const o of candidates) {
      signal.throwIfAborted();
      await client.delete(resourceFor(o.apiVersion, o.kind), ns, o.metadata.name, {
        preconditions: { uid: o.metadata.uid },
      });
      removed.push(`${o.kind}/${o.metadata.name}`);
    }
    return removed;
  }
}

/** Credentials the renderer could not fill and errors it hit, as diagnostics. */
export function renderDiagnostics(cs: ChatService, rendered: RenderedConfig): Diagnostic[] {
  const file = `ChatService/${cs.metadata.namespace}/${cs.metadata.name}`;
  const out: Diagnostic[] = [];
  for (const m of rendered.missingSecrets) {
    out.push({
      file,
      line: 1,
      column: 1,
      severity: 'error',
      rule: 'secret-missing',
      message: `Secret ${m.secretName} key ${m.key} (${m.object.kind} ${m.object.name} ${formatPath(m.path)}) was not found; [${m.section}] ${m.option} cannot be set. Create the Secret or fix the reference`,
    });
  }
  for (const p of rendered.problems) {
    if (p.severity !== 'error') continue;
    out.push({
      file,
      line: 1,
      column: 1,
      severity: 'error',
      rule: p.rule,
      message: `${p.object.kind} ${p.object.name} ${formatPath(p.path)}: ${p.message}`,
    });
  }
  return out;
}

function idleRollout(targetHash: string): RolloutStatus {
  return { phase: 'Idle', targetHash };
}

/** Secret data (base64) -> decoded strings, as the renderer takes it. */
export function decodeSecrets(secrets: readonly KubeObject[]): SecretData {
  const out: SecretData = {};
  for (const s of secrets) {
    const data = (s as { data?: Record<string, string> }).data ?? {};
    out[s.metadata.name] = Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
  }
  return out;
}

export { RESOURCES };
