/**
 * reference: what a ChatService names must exist among the inputs.
 * - spec.push.providers[] and spec.push.defaultProvider name PushProviders (same namespace,
 *   or either without one): missing -> error (the operator may lower it to a warning, e.g. for
 *   an admission webhook that sees a ChatService before its PushProviders).
 * - defaultProvider should be one of providers (warning: its options fill [push], but clients
 *   cannot select it by push_notification_provider unless it also has its own section).
 * - a provider whose push type is not in spec.push.enabled never sends anything (warning).
 * - Secret references are usually created elsewhere (sealed-secrets, external-secrets), so a
 *   missing Secret is reported only when the inputs hold Secrets of that namespace (warning).
 *   TLS secrets are left out: cert-manager writes them.
 */
import type { Severity } from '../diagnostic.js';
import type { Emit, ManifestObject, SecretObject, ValidationModel } from '../model.js';
import { describeObject, get, isRecord, sameNamespace } from '../model.js';
import type { Path } from '../yaml/path.js';
import {
  defaultProvider,
  findProviderFor,
  indexModel,
  providerList,
  providerType,
  pushEnabled,
} from './shared.js';

/** The pushEnabled member a provider type needs (domain/gms.md §2: ios for Apple). */
const PUSH_TYPE_OF: Record<string, string> = { fcm: 'fcm', apple: 'ios', customhttp: 'customhttp' };

export interface ReferenceOptions {
  /** Severity of a PushProvider reference that the inputs do not define. Default error. */
  missingProvider?: Severity;
}

interface SecretUse {
  path: Path;
  name: string;
  keys: { key: string; path: Path }[];
}

function secretUses(o: ManifestObject): SecretUse[] {
  const uses: SecretUse[] = [];
  const selector = (path: Path) => {
    const ref = get(o.data, path);
    if (!isRecord(ref) || typeof ref.name !== 'string') return;
    const keys = typeof ref.key === 'string' ? [{ key: ref.key, path: [...path, 'key'] }] : [];
    uses.push({ path: [...path, 'name'], name: ref.name, keys });
  };
  const basic = (path: Path) => {
    const ref = get(o.data, path);
    if (!isRecord(ref) || typeof ref.name !== 'string') return;
    const u = typeof ref.usernameKey === 'string' ? ref.usernameKey : 'username';
    const p = typeof ref.passwordKey === 'string' ? ref.passwordKey : 'password';
    uses.push({
      path: [...path, 'name'],
      name: ref.name,
      keys: [
        {
          key: u,
          path: typeof ref.usernameKey === 'string' ? [...path, 'usernameKey'] : [...path, 'name'],
        },
        {
          key: p,
          path: typeof ref.passwordKey === 'string' ? [...path, 'passwordKey'] : [...path, 'name'],
        },
      ],
    });
  };
  if (o.kind === 'ChatService') {
    basic(['spec', 'auth', 'basic', 'secretRef']);
    basic(['spec', 'nodeApi', 'basicAuth', 'secretRef']);
  } else {
    selector(['spec', 'fcm', 'apiKeySecretRef']);
    selector(['spec', 'fcm', 'debugApiKeySecretRef']);
    selector(['spec', 'apple', 'keystoreSecretRef']);
    selector(['spec', 'apple', 'keystorePasswordSecretRef']);
  }
  return uses;
}

function checkSecrets(model: ValidationModel, o: ManifestObject, emit: Emit): void {
  const inNamespace = (s: SecretObject) => sameNamespace(s.namespace, o.namespace);
  if (!model.secrets.some(inNamespace)) return;
  for (const use of secretUses(o)) {
    const secret = model.secrets.find((s) => s.name === use.name && inNamespace(s));
    if (!secret) {
      emit({
        rule: 'reference',
        severity: 'warning',
        obj: o,
        path: use.path,
        message: `Secret ${use.name} is not among the given files (other Secrets of ${o.namespace ?? 'this namespace'} are); create it before applying ${describeObject(o)}`,
      });
      continue;
    }
    for (const k of use.keys) {
      if (!(k.key in secret.values)) {
        emit({
          rule: 'reference',
          severity: 'warning',
          obj: o,
          path: k.path,
          message: `Secret ${use.name} has no key ${k.key} (it has: ${Object.keys(secret.values).sort().join(', ') || 'no keys'})`,
        });
      }
    }
  }
}

export function checkReferences(
  model: ValidationModel,
  emit: Emit,
  opts: ReferenceOptions = {},
): void {
  const missingSeverity = opts.missingProvider ?? 'error';
  const index = indexModel(model);
  const hasSecrets = model.secrets.length > 0;
  for (const cs of model.chatServices) {
    const providers = providerList(cs);
    const enabled = pushEnabled(cs);
    const seen = new Set<string>();
    providers.forEach((name, i) => {
      const path = ['spec', 'push', 'providers', i];
      if (seen.has(name)) {
        emit({
          rule: 'reference',
          severity: 'warning',
          obj: cs,
          path,
          message: `PushProvider ${name} is listed twice in spec.push.providers`,
        });
        return;
      }
      seen.add(name);
      const pp = findProviderFor(index, cs, name);
      if (!pp) {
        emit({
          rule: 'reference',
          severity: missingSeverity,
          obj: cs,
          path,
          message: `spec.push.providers names PushProvider ${name}, which is not defined in the given files${cs.namespace ? ` (namespace ${cs.namespace})` : ''}`,
        });
        return;
      }
      const type = providerType(pp);
      const needs = type ? PUSH_TYPE_OF[type] : undefined;
      if (needs && enabled && !enabled.includes(needs)) {
        emit({
          rule: 'reference',
          severity: 'warning',
          obj: cs,
          path,
          message: `PushProvider ${name} is a ${type} provider, but spec.push.enabled does not include ${needs}: GMS will not send its notifications`,
        });
      }
    });

    const d = defaultProvider(cs);
    if (d !== undefined) {
      const path = ['spec', 'push', 'defaultProvider'];
      if (!findProviderFor(index, cs, d)) {
        emit({
          rule: 'reference',
          severity: missingSeverity,
          obj: cs,
          path,
          message: `spec.push.defaultProvider names PushProvider ${d}, which is not defined in the given files${cs.namespace ? ` (namespace ${cs.namespace})` : ''}`,
        });
      } else if (!providers.includes(d)) {
        emit({
          rule: 'reference',
          severity: 'warning',
          obj: cs,
          path,
          message: `spec.push.defaultProvider ${d} is not in spec.push.providers; add it there so clients can also select it by name`,
        });
      }
    }
    if (hasSecrets) checkSecrets(model, cs, emit);
  }
  // Secret references are checked only when the inputs hold Secrets (checkSecrets).
  if (hasSecrets) for (const pp of model.pushProviders) checkSecrets(model, pp, emit);
}
