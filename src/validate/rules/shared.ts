/** Small readers over manifest data shared by several rules (data is unchecked input). */
import { tryParseVersion } from '../../catalog/index.js';
import type { ManifestObject } from '../model.js';
import type { Path } from '../yaml/path.js';
import { get } from '../model.js';

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * Whether a version string is well-formed, memoised: every rule asks it of every ChatService,
 * and a repository's manifests share a handful of versions.
 */
const wellFormed = new Map<string, boolean>();
function isWellFormedVersion(v: string): boolean {
  let ok = wellFormed.get(v);
  if (ok === undefined) {
    ok = tryParseVersion(v) !== undefined;
    if (wellFormed.size < 10_000) wellFormed.set(v, ok);
  }
  return ok;
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
  return v !== undefined && isWellFormedVersion(v) ? v : undefined;
}

export function chatServerVersion(cs: ManifestObject): string | undefined {
  const v = str(get(cs.data, CHAT_SERVER_VERSION));
  return v !== undefined && isWellFormedVersion(v) ? v : undefined;
}

/** spec.serviceName, default metadata.name (DESIGN.md). */
export function serviceNameOfObject(cs: ManifestObject): string {
  return str(get(cs.data, SERVICE_NAME)) ?? cs.name;
}

/** The strings of a list (non-strings are the schema's to report). */
function strings(list: unknown[]): string[] {
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

/** Every provider name a ChatService uses: its providers and its default provider. */
export function providersUsedBy(cs: ManifestObject): string[] {
  const names = providerList(cs);
  const d = defaultProvider(cs);
  if (d !== undefined && !names.includes(d)) names.push(d);
  return names;
}

/** spec.push.enabled as strings, or undefined when not set. */
export function pushEnabled(cs: ManifestObject): string[] | undefined {
  const list = get(cs.data, PUSH_ENABLED);
  return Array.isArray(list) ? strings(list) : undefined;
}

export function providerType(pp: ManifestObject): string | undefined {
  return str(get(pp.data, PROVIDER_TYPE));
}

/**
 * Look-ups the cross-object rules share, built once per model (thousands of ChatServices and
 * PushProviders in one run must not cost a ChatService x PushProvider scan per rule).
 */
export interface ModelIndex {
  /** PushProviders by name (any namespace; callers match the namespace). */
  providersByName: Map<string, ManifestObject[]>;
  /** The ChatServices that use each PushProvider. */
  usersOf: Map<ManifestObject, ManifestObject[]>;
  /** Well-formed spec.gms.version per ChatService. */
  gmsVersionOf: Map<ManifestObject, string | undefined>;
}

const indexes = new WeakMap<object, ModelIndex>();

export function indexModel(model: {
  chatServices: ManifestObject[];
  pushProviders: ManifestObject[];
}): ModelIndex {
  const hit = indexes.get(model);
  if (hit) return hit;
  // Indexed loops: this runs once per run over every object, mostly before the JIT warms up.
  const providersByName = new Map<string, ManifestObject[]>();
  const providers = model.pushProviders;
  for (let i = 0; i < providers.length; i++) {
    const p = providers[i]!;
    const list = providersByName.get(p.name);
    if (list) list.push(p);
    else providersByName.set(p.name, [p]);
  }
  const usersOf = new Map<ManifestObject, ManifestObject[]>();
  const gmsVersionOf = new Map<ManifestObject, string | undefined>();
  const services = model.chatServices;
  for (let i = 0; i < services.length; i++) {
    const cs = services[i]!;
    gmsVersionOf.set(cs, chatServiceVersion(cs));
    const names = providersUsedBy(cs);
    for (let j = 0; j < names.length; j++) {
      const candidates = providersByName.get(names[j]!);
      if (!candidates) continue;
      for (let k = 0; k < candidates.length; k++) {
        const p = candidates[k]!;
        if (p.namespace !== undefined && cs.namespace !== undefined && p.namespace !== cs.namespace)
          continue;
        const users = usersOf.get(p);
        if (users) users.push(cs);
        else usersOf.set(p, [cs]);
      }
    }
  }
  const index = { providersByName, usersOf, gmsVersionOf };
  indexes.set(model, index);
  return index;
}

/** The PushProvider a ChatService means by `name` (same namespace, or either without one). */
export function findProviderFor(
  index: ModelIndex,
  cs: ManifestObject,
  name: string,
): ManifestObject | undefined {
  return index.providersByName
    .get(name)
    ?.find(
      (p) =>
        p.namespace === undefined || cs.namespace === undefined || p.namespace === cs.namespace,
    );
}
