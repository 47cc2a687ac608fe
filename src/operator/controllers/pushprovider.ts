/**
 * PushProvider status: the same validation `gmsctl validate` runs (with the Secrets it
 * references, from the cache), reported as ConfigValid with observedGeneration, so a broken
 * provider is visible on the provider itself and not only on the ChatServices that use it.
 * A PushProvider owns no objects; the ChatServices that use it are requeued by the manager.
 */
import type { PushProvider } from '../../api/types.js';
import { validateObjects } from '../../validate/index.js';
import type { Caches } from '../caches.js';
import { applyStatusIfChanged } from '../runtime/apply.js';
import type { Clock } from '../runtime/clock.js';
import { realClock, rfc3339 } from '../runtime/clock.js';
import { setCondition } from '../runtime/conditions.js';
import type { ReconcileContext, Reconciler, Request, Result } from '../runtime/controller.js';
import type { KubeClient } from '../runtime/kube/client.js';
import { errorMessage } from '../runtime/kube/errors.js';
import type { KubeObject } from '../runtime/kube/types.js';
import { providerSecretNames } from './references.js';
import { formatDiagnostics } from './status.js';

interface SecretRef {
  name: string;
  key: string;
  field: string;
}

function providerSecretRefs(p: PushProvider): SecretRef[] {
  const out: SecretRef[] = [];
  const add = (field: string, r: { name?: string; key?: string } | undefined) => {
    if (r?.name && r.key) out.push({ name: r.name, key: r.key, field });
  };
  add('spec.fcm.apiKeySecretRef', p.spec?.fcm?.apiKeySecretRef);
  add('spec.fcm.debugApiKeySecretRef', p.spec?.fcm?.debugApiKeySecretRef);
  add('spec.apple.keystoreSecretRef', p.spec?.apple?.keystoreSecretRef);
  add('spec.apple.keystorePasswordSecretRef', p.spec?.apple?.keystorePasswordSecretRef);
  return out;
}

export interface PushProviderReconcilerOptions {
  client: KubeClient;
  caches: Caches;
  clock?: Clock;
}

export class PushProviderReconciler implements Reconciler {
  private readonly clock: Clock;

  constructor(private readonly opts: PushProviderReconcilerOptions) {
    this.clock = opts.clock ?? realClock;
  }

  async reconcile(req: Request, _ctx: ReconcileContext): Promise<Result | void> {
    const p = this.opts.caches.pushProviders.get(req.namespace, req.name) as
      (PushProvider & KubeObject) | undefined;
    if (!p || p.metadata.deletionTimestamp) return;
    const secrets = providerSecretNames(p)
      .map((n) => this.opts.caches.secrets.get(req.namespace, n))
      .filter((s): s is KubeObject => s !== undefined);
    let diags;
    try {
      diags = validateObjects({ pushProviders: [p], secrets: secrets as never }).filter((d) =>
        d.file.startsWith('PushProvider/'),
      );
    } catch (err) {
      diags = [
        {
          file: `PushProvider/${req.namespace}/${req.name}`,
          line: 1,
          column: 1,
          severity: 'error' as const,
          rule: 'internal-error',
          message: errorMessage(err),
        },
      ];
    }
    // The validator checks Secret references only when it is given Secrets of the namespace;
    // here the cache is authoritative, so a missing Secret or key is an error.
    for (const ref of providerSecretRefs(p)) {
      const s = secrets.find((x) => x.metadata.name === ref.name) as
        (KubeObject & { data?: Record<string, string> }) | undefined;
      const problem = !s
        ? `Secret ${ref.name} (${ref.field}) was not found`
        : s.data?.[ref.key] === undefined
          ? `Secret ${ref.name} has no key ${ref.key} (${ref.field})`
          : undefined;
      if (problem && !diags.some((d) => d.message.includes(ref.name))) {
        diags.push({
          file: `PushProvider/${req.namespace}/${req.name}`,
          line: 1,
          column: 1,
          severity: 'error',
          rule: 'secret-missing',
          message: `${problem}; create it or fix the reference`,
        });
      }
    }
    const errors = diags.filter((d) => d.severity === 'error');
    const warnings = diags.filter((d) => d.severity === 'warning');
    const conditions = setCondition(
      p.status?.conditions,
      errors.length > 0
        ? {
            type: 'ConfigValid',
            status: 'False',
            reason: 'ConfigInvalid',
            message: `${errors.length} error(s): ${formatDiagnostics(errors)}`,
            observedGeneration: p.metadata.generation,
          }
        : {
            type: 'ConfigValid',
            status: 'True',
            reason: 'Valid',
            message: warnings.length
              ? `valid with ${warnings.length} warning(s): ${formatDiagnostics(warnings)}`
              : 'configuration is valid',
            observedGeneration: p.metadata.generation,
          },
      rfc3339(this.clock.now()),
    );
    const status = { observedGeneration: p.metadata.generation, conditions };
    await applyStatusIfChanged(this.opts.client, p, status);
  }
}
