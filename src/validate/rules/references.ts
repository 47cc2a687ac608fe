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
 * All of them need every input read first, so they run at the end of a run over what each
 * object left behind (rules/index.ts): its facts, its provider type, its Secret references.
 */
import type { Severity } from '../diagnostic.js';
import type { Emit, ManifestObject, ObjectRef, SecretObject } from '../model.js';
import { describeObject, field, isRecord, sameNamespace } from '../model.js';
import type { Path } from '../yaml/path.js';
import { findProviderFor, type ProviderIndex } from './shared.js';

/** The pushEnabled member a provider type needs (domain/gms.md §2: ios for Apple). */
const PUSH_TYPE_OF: Record<string, string> = { fcm: 'fcm', apple: 'ios', customhttp: 'customhttp' };

/** Those members as bits, so a ChatService keeps a number instead of its spec.push.enabled. */
const PUSH_TYPE_BIT: Record<string, number> = Object.assign(Object.create(null) as object, {
  fcm: 1,
  ios: 2,
  customhttp: 4,
});

/** The provider push types spec.push.enabled (as strings) includes, or undefined when not set. */
export function enabledPushTypes(enabled: readonly string[] | undefined): number | undefined {
  if (!enabled) return undefined;
  let bits = 0;
  for (let i = 0; i < enabled.length; i++) bits |= PUSH_TYPE_BIT[enabled[i]!] ?? 0;
  return bits;
}

/** What the reference checks read of a ChatService. */
export interface ProviderReferences {
  /** spec.push.providers as strings. */
  providers: readonly string[];
  defaultProvider: string | undefined;
  /** enabledPushTypes(spec.push.enabled). */
  enabledPushTypes: number | undefined;
}

export interface ReferenceOptions {
  /** Severity of a PushProvider reference that the inputs do not define. Default error. */
  missingProvider?: Severity;
  /**
   * Where the objects come from: `files` (gmsctl: "not defined in the given files") or
   * `cluster` (the operator and its webhook, which see every PushProvider of the namespace:
   * "does not exist in namespace X"). Default files.
   */
  source?: 'files' | 'cluster';
}

/** Why a named PushProvider was not found, in the words of where the objects came from. */
function providerNotFound(ns: string | undefined, opts: ReferenceOptions): string {
  if (opts.source === 'cluster') return `which does not exist in namespace ${ns ?? 'default'}`;
  return `which is not defined in the given files${ns ? ` (namespace ${ns})` : ''}`;
}

/**
 * Where a ChatService or PushProvider references Secrets: the field, and whether it is a
 * basic-auth reference (username and password keys) rather than a key selector.
 */
interface SecretRefSite {
  path: Path;
  basic: boolean;
}

const CHAT_SERVICE_SECRET_REFS: readonly SecretRefSite[] = [
  { path: ['spec', 'auth', 'basic', 'secretRef'], basic: true },
  { path: ['spec', 'nodeApi', 'basicAuth', 'secretRef'], basic: true },
];
const PUSH_PROVIDER_SECRET_REFS: readonly SecretRefSite[] = [
  { path: ['spec', 'fcm', 'apiKeySecretRef'], basic: false },
  { path: ['spec', 'fcm', 'debugApiKeySecretRef'], basic: false },
  { path: ['spec', 'apple', 'keystoreSecretRef'], basic: false },
  { path: ['spec', 'apple', 'keystorePasswordSecretRef'], basic: false },
];

/**
 * The Secret references of a ChatService or PushProvider as written (`{ name, key }`,
 * `{ name, usernameKey, passwordKey }`), one slot per site of its kind, kept until the end of
 * the run instead of the document; undefined when it has none.
 */
export type SecretRefs = (Record<string, unknown> | undefined)[];

function secretRef(v: unknown): Record<string, unknown> | undefined {
  return isRecord(v) && typeof v.name === 'string' ? v : undefined;
}

export function secretRefsOf(o: ManifestObject): SecretRefs | undefined {
  // The sites' paths, read directly (spec and its parents once).
  const spec = field(o.data, 'spec');
  let refs: SecretRefs;
  if (o.kind === 'ChatService') {
    refs = [
      secretRef(field(field(field(spec, 'auth'), 'basic'), 'secretRef')),
      secretRef(field(field(field(spec, 'nodeApi'), 'basicAuth'), 'secretRef')),
    ];
  } else {
    const fcm = field(spec, 'fcm');
    const apple = field(spec, 'apple');
    refs = [
      secretRef(field(fcm, 'apiKeySecretRef')),
      secretRef(field(fcm, 'debugApiKeySecretRef')),
      secretRef(field(apple, 'keystoreSecretRef')),
      secretRef(field(apple, 'keystorePasswordSecretRef')),
    ];
  }
  return refs.some((r) => r !== undefined) ? refs : undefined;
}

interface SecretUse {
  path: Path;
  name: string;
  keys: { key: string; path: Path }[];
}

function secretUse({ path, basic }: SecretRefSite, ref: Record<string, unknown>): SecretUse {
  const name = ref.name as string;
  if (!basic) {
    const keys = typeof ref.key === 'string' ? [{ key: ref.key, path: [...path, 'key'] }] : [];
    return { path: [...path, 'name'], name, keys };
  }
  const u = typeof ref.usernameKey === 'string' ? ref.usernameKey : 'username';
  const p = typeof ref.passwordKey === 'string' ? ref.passwordKey : 'password';
  return {
    path: [...path, 'name'],
    name,
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
  };
}

/** The Secrets an object references, against the Secrets among the inputs (`secrets`, non-empty). */
export function checkSecretReferences(
  o: ObjectRef,
  refs: SecretRefs,
  secrets: readonly SecretObject[],
  emit: Emit,
  opts: ReferenceOptions = {},
): void {
  const inNamespace = (s: SecretObject) => sameNamespace(s.namespace, o.namespace);
  if (!secrets.some(inNamespace)) return;
  const sites = o.kind === 'ChatService' ? CHAT_SERVICE_SECRET_REFS : PUSH_PROVIDER_SECRET_REFS;
  for (let i = 0; i < sites.length; i++) {
    const ref = refs[i];
    if (!ref) continue;
    const use = secretUse(sites[i]!, ref);
    const secret = secrets.find((s) => s.name === use.name && inNamespace(s));
    if (!secret) {
      emit({
        rule: 'reference',
        severity: 'warning',
        obj: o,
        path: use.path,
        message:
          opts.source === 'cluster'
            ? `Secret ${use.name} does not exist in namespace ${o.namespace ?? 'default'}; create it (the credentials of ${describeObject(o)} come from it)`
            : `Secret ${use.name} is not among the given files (other Secrets of ${o.namespace ?? 'this namespace'} are); create it before applying ${describeObject(o)}`,
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

/** spec.push.providers and defaultProvider of a ChatService against the PushProviders read. */
export function checkProviderReferences(
  cs: ObjectRef,
  facts: ProviderReferences,
  providers: ProviderIndex,
  emit: Emit,
  opts: ReferenceOptions = {},
): void {
  const missingSeverity = opts.missingProvider ?? 'error';
  const list = facts.providers;
  const enabled = facts.enabledPushTypes;
  for (let i = 0; i < list.length; i++) {
    const name = list[i]!;
    if (list.indexOf(name) < i) {
      emit({
        rule: 'reference',
        severity: 'warning',
        obj: cs,
        path: ['spec', 'push', 'providers', i],
        message: `PushProvider ${name} is listed twice in spec.push.providers`,
      });
      continue;
    }
    const pp = findProviderFor(providers, cs, name);
    if (!pp) {
      emit({
        rule: 'reference',
        severity: missingSeverity,
        obj: cs,
        path: ['spec', 'push', 'providers', i],
        message: `spec.push.providers names PushProvider ${name}, ${providerNotFound(cs.namespace, opts)}`,
      });
      continue;
    }
    const type = pp.type;
    const needs = type ? PUSH_TYPE_OF[type] : undefined;
    if (needs && enabled !== undefined && !(enabled & (PUSH_TYPE_BIT[needs] ?? 0))) {
      emit({
        rule: 'reference',
        severity: 'warning',
        obj: cs,
        path: ['spec', 'push', 'providers', i],
        message: `PushProvider ${name} is a ${type} provider, but spec.push.enabled does not include ${needs}: GMS will not send its notifications`,
      });
    }
  }

  const d = facts.defaultProvider;
  if (d !== undefined) {
    if (!findProviderFor(providers, cs, d)) {
      emit({
        rule: 'reference',
        severity: missingSeverity,
        obj: cs,
        path: ['spec', 'push', 'defaultProvider'],
        message: `spec.push.defaultProvider names PushProvider ${d}, ${providerNotFound(cs.namespace, opts)}`,
      });
    } else if (!list.includes(d)) {
      emit({
        rule: 'reference',
        severity: 'warning',
        obj: cs,
        path: ['spec', 'push', 'defaultProvider'],
        message: `spec.push.defaultProvider ${d} is not in spec.push.providers; add it there so clients can also select it by name`,
      });
    }
  }
}
