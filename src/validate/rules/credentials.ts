/**
 * inline-credential (fields): DESIGN.md "Credentials (FCM API keys, Apple keystores and
 * passwords, basic-auth passwords) come only from Secret references; a credential written
 * inline is an error, and no credential is ever rendered into a ConfigMap." The option maps are
 * checked with the options (catalog `credential: true`); this walks the rest of the spec for
 * credential-looking fields that hold a value instead of a `...SecretRef`
 * (`spec.fcm.apiKey: AIza...`, `spec.auth.basic.password: ...`).
 */
import type { Emit, ManifestObject } from '../model.js';
import { isRecord } from '../model.js';
import type { Path } from '../yaml/path.js';
import { looksLikeCredential } from './option-check.js';

const SECRET_REF_KEY = /SecretRef$|^secretRef$|^secretName$/;

/** What a key is, by name, memoised: the same few dozen keys recur in every object. */
const NORMAL = 0;
const SECRET_REF = 1;
const CREDENTIAL_LIKE = 2;
const keyKinds = new Map<string, number>();
function keyKind(key: string): number {
  let kind = keyKinds.get(key);
  if (kind === undefined) {
    kind = SECRET_REF_KEY.test(key)
      ? SECRET_REF
      : looksLikeCredential(key)
        ? CREDENTIAL_LIKE
        : NORMAL;
    if (keyKinds.size < 10_000) keyKinds.set(key, kind);
  }
  return kind;
}

/** Walks with one mutable path (a copy is made only for a finding): thousands of objects. */
function walk(obj: ManifestObject, value: unknown, path: (string | number)[], emit: Emit): void {
  if (path.length > 12 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(obj, value[i], path, emit);
      path.pop();
    }
    return;
  }
  // Option maps (ChatService spec.chat/options/push.options/gms.options/sections.*, PushProvider
  // spec.options) are checked entry by entry against the catalog (option-check.ts).
  if (path.length === 2 && path[0] === 'spec' && path[1] === 'chat') return;
  if (path.length === 2 && path[0] === 'spec' && path[1] === 'options') return;
  if (path.length === 3 && path[0] === 'spec' && path[1] === 'push' && path[2] === 'options')
    return;
  // spec.gms.options and every section of spec.sections are option maps too.
  if (path.length === 3 && path[0] === 'spec' && path[1] === 'gms' && path[2] === 'options') return;
  if (path.length === 2 && path[0] === 'spec' && path[1] === 'sections') return;
  for (const key in value as Record<string, unknown>) {
    const kind = keyKind(key);
    if (kind === SECRET_REF) continue;
    const v = (value as Record<string, unknown>)[key];
    if (v === null || typeof v !== 'object') {
      if (kind === CREDENTIAL_LIKE && (typeof v === 'string' || typeof v === 'number')) {
        const p: Path = [...path, key];
        emit({
          rule: 'inline-credential',
          obj,
          path: p,
          at: 'key',
          message: `${p.join('.')} holds a credential inline; put it in a Secret and reference it (${hint(obj, key)})`,
        });
      }
      continue;
    }
    path.push(key);
    walk(obj, v, path, emit);
    path.pop();
  }
}

function hint(obj: ManifestObject, key: string): string {
  if (obj.kind === 'PushProvider') {
    if (/api[-_.]?key/i.test(key)) return 'spec.fcm.apiKeySecretRef: { name, key }';
    if (/keystore/i.test(key) || /pass/i.test(key))
      return 'spec.apple.keystoreSecretRef and keystorePasswordSecretRef';
  }
  return 'spec.auth.basic.secretRef: { name } for basic auth';
}

/** A ChatService's or PushProvider's spec, outside its option maps. */
export function checkInlineCredentialsOf(o: ManifestObject, emit: Emit): void {
  const spec = o.data.spec;
  if (!isRecord(spec)) return;
  walk(o, spec, ['spec'], emit);
}
