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
