/** Small readers over manifest data shared by several rules (data is unchecked input). */
import { tryParseVersion } from '../../catalog/index.js';
import type { ManifestObject, ObjectRef } from '../model.js';
import type { Path } from '../yaml/path.js';
import { field, get } from '../model.js';

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * A version string when it is well-formed, memoised: every rule asks it of every ChatService,
 * and a repository's manifests share a handful of versions. The first string seen is returned
 * for equal ones, so thousands of ChatServices keep one copy of each version, not their own.
 */
const wellFormed = new Map<string, string | null>();
function canonicalVersion(v: string): string | undefined {
  let known = wellFormed.get(v);
  if (known === undefined) {
    known = tryParseVersion(v) !== undefined ? v : null;
    if (wellFormed.size < 10_000) wellFormed.set(v, known);
  }
  return known ?? undefined;
}

const GMS_VERSION: Path = ['spec', 'gms', 'version'];
const CHAT_SERVER_VERSION: Path = ['spec', 'chatServer', 'version'];
const SERVICE_NAME: Path = ['spec', 'serviceName'];
const PROVIDERS: Path = ['spec', 'push', 'providers'];
const DEFAULT_PROVIDER: Path = ['spec', 'push', 'defaultProvider'];
const PUSH_ENABLED: Path = ['spec', 'push', 'enabled'];
const PROVIDER_TYPE: Path = ['spec', 'type'];

/** spec.gms.version when it is a well-formed version (the schema reports the rest). */
export function chatServiceVersion(cs: ManifestObject): string | undefined {
  const v = str(get(cs.data, GMS_VERSION));
  return v !== undefined ? canonicalVersion(v) : undefined;
}

export function chatServerVersion(cs: ManifestObject): string | undefined {
  const v = str(get(cs.data, CHAT_SERVER_VERSION));
  return v !== undefined ? canonicalVersion(v) : undefined;
}

/** spec.serviceName, default metadata.name (DESIGN.md). */
export function serviceNameOfObject(cs: ManifestObject): string {
  return str(get(cs.data, SERVICE_NAME)) ?? cs.name;
}

/**
 * The strings of a list (non-strings are the schema's to report): the list itself when that is
 * all it holds (callers only read it).
 */
function strings(list: unknown[]): string[] {
  let all = true;
  for (let i = 0; i < list.length && all; i++) all = typeof list[i] === 'string';
  if (all) return list as string[];
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (typeof x === 'string') out.push(x);
  }
  return out;
}

/** spec.push.providers as strings (non-strings are the schema's to report). */
export function providerList(cs: ManifestObject): string[] {
  const list = get(cs.data, PROVIDERS);
  return Array.isArray(list) ? strings(list) : [];
}

export function defaultProvider(cs: ManifestObject): string | undefined {
  return str(get(cs.data, DEFAULT_PROVIDER));
}

/** spec.push.enabled as strings, or undefined when not set. */
export function pushEnabled(cs: ManifestObject): string[] | undefined {
  const list = get(cs.data, PUSH_ENABLED);
  return Array.isArray(list) ? strings(list) : undefined;
}

/** spec.type of a PushProvider; the known types as constants (not one copy per provider). */
export function providerType(pp: ManifestObject): string | undefined {
  const t = str(get(pp.data, PROVIDER_TYPE));
  return t === 'fcm' ? 'fcm' : t === 'apple' ? 'apple' : t === 'customhttp' ? 'customhttp' : t;
}

/**
 * What several rules read from one ChatService, read once per object (the rules run per
 * object as its document is read, rules/index.ts).
 */
export interface ChatServiceFacts {
  /** Well-formed spec.gms.version. */
  gmsVersion: string | undefined;
  /** Well-formed spec.chatServer.version. */
  chatServerVersion: string | undefined;
  /** spec.push.providers as strings. */
  providers: readonly string[];
  defaultProvider: string | undefined;
  /** spec.push.enabled as strings, or undefined when not set. */
  enabled: readonly string[] | undefined;
}

function wellFormedVersion(v: unknown): string | undefined {
  return typeof v === 'string' ? canonicalVersion(v) : undefined;
}

export function chatServiceFacts(cs: ManifestObject): ChatServiceFacts {
  // The same reads as chatServiceVersion, providerList ..., with spec and spec.push read once.
  const spec = field(cs.data, 'spec');
  const push = field(spec, 'push');
  const providers = field(push, 'providers');
  const enabled = field(push, 'enabled');
  return {
    gmsVersion: wellFormedVersion(field(field(spec, 'gms'), 'version')),
    chatServerVersion: wellFormedVersion(field(field(spec, 'chatServer'), 'version')),
    providers: Array.isArray(providers) ? strings(providers) : [],
    defaultProvider: str(field(push, 'defaultProvider')),
    enabled: Array.isArray(enabled) ? strings(enabled) : undefined,
  };
}

/** Every provider name a ChatService uses: its providers and its default provider. */
export function providersUsed(
  f: Pick<ChatServiceFacts, 'providers' | 'defaultProvider'>,
): readonly string[] {
  const d = f.defaultProvider;
  if (d === undefined || f.providers.includes(d)) return f.providers;
  return [...f.providers, d];
}

/** A PushProvider as the cross-object rules see it once its document is gone. */
export interface ProviderSummary extends ObjectRef {
  /** spec.type when it is a string. */
  type: string | undefined;
}

/** PushProviders by name (any namespace; findProviderFor matches the namespace). */
export type ProviderIndex = Map<string, ProviderSummary[]>;

export function indexProviders<P extends ProviderSummary>(
  providers: readonly P[],
): Map<string, P[]> {
  const byName = new Map<string, P[]>();
  for (let i = 0; i < providers.length; i++) {
    const p = providers[i]!;
    const list = byName.get(p.name);
    if (list) list.push(p);
    else byName.set(p.name, [p]);
  }
  return byName;
}

/** The PushProvider a ChatService means by `name` (same namespace, or either without one). */
export function findProviderFor<P extends ProviderSummary>(
  index: Map<string, P[]>,
  cs: Pick<ObjectRef, 'namespace'>,
  name: string,
): P | undefined {
  const candidates = index.get(name);
  if (!candidates) return undefined;
  const ns = cs.namespace;
  for (let i = 0; i < candidates.length; i++) {
    const p = candidates[i]!;
    const pns = p.namespace;
    if (pns === undefined || ns === undefined || pns === ns) return p;
  }
  return undefined;
}
