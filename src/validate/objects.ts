/**
 * From parsed documents to the objects the rules check. ChatService and PushProvider are
 * validated whatever their apiVersion says (the schema reports a wrong one); other kinds of
 * the gms.chatops.io group are reported as unknown kinds; Secrets (v1) are collected for
 * references and for render's secrets.ini; everything else (Deployments, ConfigMaps, Helm
 * values files ...) is skipped and counted. `kind: List` (and `*List`) items are expanded,
 * as kubectl does.
 */
import { API_GROUP, KIND_CHAT_SERVICE, KIND_PUSH_PROVIDER } from '../api/types.js';
import type { Locator, ManifestObject, SecretObject, ValidationModel } from './model.js';
import { isRecord } from './model.js';
import type { Path } from './yaml/path.js';

export function emptyModel(): ValidationModel {
  return { chatServices: [], pushProviders: [], secrets: [], unknownKinds: [] };
}

export interface Collector {
  model: ValidationModel;
  skipped: Record<string, number>;
}

export function newCollector(): Collector {
  return { model: emptyModel(), skipped: {} };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function decodeSecretValues(data: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  if (isRecord(data.data)) {
    for (const [k, v] of Object.entries(data.data)) {
      if (typeof v === 'string') values[k] = Buffer.from(v, 'base64').toString('utf8');
    }
  }
  // stringData wins over data, as the API server merges it.
  if (isRecord(data.stringData)) {
    for (const [k, v] of Object.entries(data.stringData)) if (typeof v === 'string') values[k] = v;
  }
  return values;
}

/** Add one document (or List item) to the collector. */
export function collect(
  c: Collector,
  data: unknown,
  file: string,
  locate: Locator,
  depth = 0,
  schemaOk?: boolean,
): void {
  if (!isRecord(data)) {
    bump(c, '(not a Kubernetes object)');
    return;
  }
  const kind = str(data.kind);
  const apiVersion = str(data.apiVersion) ?? '';
  if (kind === undefined) {
    bump(c, '(no kind)');
    return;
  }
  if (kind.endsWith('List') && Array.isArray(data.items) && depth < 2) {
    data.items.forEach((item, i) => {
      const prefix: Path = ['items', i];
      collect(c, item, file, (p, at) => locate([...prefix, ...p], at), depth + 1);
    });
    return;
  }
  const meta = isRecord(data.metadata) ? data.metadata : {};
  const obj: ManifestObject = {
    apiVersion,
    kind,
    name: str(meta.name) ?? '',
    namespace: str(meta.namespace),
    data,
    file,
    locate,
  };
  if (schemaOk !== undefined) obj.schemaOk = schemaOk;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (kind === KIND_CHAT_SERVICE) c.model.chatServices.push(obj);
  else if (kind === KIND_PUSH_PROVIDER) c.model.pushProviders.push(obj);
  else if (group === API_GROUP) c.model.unknownKinds.push(obj);
  else if (kind === 'Secret' && apiVersion === 'v1') {
    const secret: SecretObject = { ...obj, values: decodeSecretValues(data) };
    c.model.secrets.push(secret);
  } else bump(c, kind);
}

function bump(c: Collector, kind: string): void {
  c.skipped[kind] = (c.skipped[kind] ?? 0) + 1;
}
