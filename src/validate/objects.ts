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

/** Which list of the ValidationModel an object belongs to. */
export type ObjectCategory = keyof ValidationModel;

/**
 * Where collected objects go: `add` gets each object as its document is read (the engine hands
 * it to the rules at once, and keeps it in a model only when the caller wants the objects);
 * other kinds are only counted.
 */
export interface Collector {
  add(category: ObjectCategory, obj: ManifestObject): void;
  skipped: Record<string, number>;
}

/** A collector that keeps every object in a ValidationModel (render, plan, tests). */
export function newCollector(): Collector & { model: ValidationModel } {
  const model = emptyModel();
  return {
    model,
    skipped: {},
    add: (category, obj) => void (model[category] as ManifestObject[]).push(obj),
  };
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
  if (kind === KIND_CHAT_SERVICE) c.add('chatServices', obj);
  else if (kind === KIND_PUSH_PROVIDER) c.add('pushProviders', obj);
  else if (groupOf(apiVersion) === API_GROUP) c.add('unknownKinds', obj);
  else if (kind === 'Secret' && apiVersion === 'v1') {
    const secret: SecretObject = { ...obj, values: decodeSecretValues(data) };
    c.add('secrets', secret);
  } else bump(c, kind);
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

function bump(c: Collector, kind: string): void {
  c.skipped[kind] = (c.skipped[kind] ?? 0) + 1;
}
