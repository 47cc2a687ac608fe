/**
 * inline-credential (fields): DESIGN.md "Credentials (FCM API keys, Apple keystores and
 * passwords, basic-auth passwords) come only from Secret references; a credential written
 * inline is an error, and no credential is ever rendered into a ConfigMap." The option maps are
 * checked with the options (catalog `credential: true`); this walks the rest of the spec for
 * credential-looking fields that hold a value instead of a `...SecretRef`
 * (`spec.fcm.apiKey: AIza...`, `spec.auth.basic.password: ...`).
 */
import type { Emit, ManifestObject, ValidationModel } from '../model.js';
import { isRecord } from '../model.js';
import type { Path } from '../yaml/path.js';
import { looksLikeCredential } from './option-check.js';

/** Option maps: checked entry by entry against the catalog. */
const OPTION_MAPS = new Set(['spec.chat', 'spec.options', 'spec.push.options']);

function walk(
  obj: ManifestObject,
  value: unknown,
  path: (string | number)[],
  emit: Emit,
  depth: number,
): void {
  if (depth > 12) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(obj, v, [...path, i], emit, depth + 1));
    return;
  }
  if (!isRecord(value)) return;
  if (OPTION_MAPS.has(path.join('.'))) return;
  for (const [key, v] of Object.entries(value)) {
    const p: Path = [...path, key];
    if (/SecretRef$|^secretRef$|^secretName$/.test(key)) continue;
    if (looksLikeCredential(key) && (typeof v === 'string' || typeof v === 'number')) {
      emit({
        rule: 'inline-credential',
        obj,
        path: p,
        at: 'key',
        message: `${p.join('.')} holds a credential inline; put it in a Secret and reference it (${hint(obj, key)})`,
      });
      continue;
    }
    walk(obj, v, p as (string | number)[], emit, depth + 1);
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

export function checkInlineCredentials(model: ValidationModel, emit: Emit): void {
  for (const o of [...model.chatServices, ...model.pushProviders]) {
    // PushProvider spec.options is an option map too.
    const spec = o.data.spec;
    if (!isRecord(spec)) continue;
    if (o.kind === 'PushProvider') {
      const { options: _options, ...rest } = spec;
      walk(o, rest, ['spec'], emit, 0);
    } else {
      walk(o, spec, ['spec'], emit, 0);
    }
  }
}
