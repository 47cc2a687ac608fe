/** Small readers over manifest data shared by several rules (data is unchecked input). */
import { tryParseVersion } from '../../catalog/index.js';
import type { ManifestObject } from '../model.js';
import { get } from '../model.js';

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** spec.gms.version when it is a well-formed version (the schema reports the rest). */
export function chatServiceVersion(cs: ManifestObject): string | undefined {
  const v = str(get(cs.data, ['spec', 'gms', 'version']));
  return v !== undefined && tryParseVersion(v) ? v : undefined;
}

export function chatServerVersion(cs: ManifestObject): string | undefined {
  const v = str(get(cs.data, ['spec', 'chatServer', 'version']));
  return v !== undefined && tryParseVersion(v) ? v : undefined;
}

/** spec.serviceName, default metadata.name (DESIGN.md). */
export function serviceNameOfObject(cs: ManifestObject): string {
  return str(get(cs.data, ['spec', 'serviceName'])) ?? cs.name;
}

/** spec.push.providers as strings (non-strings are the schema's to report). */
export function providerList(cs: ManifestObject): string[] {
  const list = get(cs.data, ['spec', 'push', 'providers']);
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
}

export function defaultProvider(cs: ManifestObject): string | undefined {
  return str(get(cs.data, ['spec', 'push', 'defaultProvider']));
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
  const list = get(cs.data, ['spec', 'push', 'enabled']);
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : undefined;
}

export function providerType(pp: ManifestObject): string | undefined {
  return str(get(pp.data, ['spec', 'type']));
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
  const providersByName = new Map<string, ManifestObject[]>();
  for (const p of model.pushProviders) {
    const list = providersByName.get(p.name);
    if (list) list.push(p);
    else providersByName.set(p.name, [p]);
  }
  const usersOf = new Map<ManifestObject, ManifestObject[]>();
  const gmsVersionOf = new Map<ManifestObject, string | undefined>();
  for (const cs of model.chatServices) {
    gmsVersionOf.set(cs, chatServiceVersion(cs));
    for (const name of providersUsedBy(cs)) {
      for (const p of providersByName.get(name) ?? []) {
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
