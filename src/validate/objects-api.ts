/**
 * The library entry point for objects already in memory: the operator's reconciler
 * (ConfigValid condition) and its admission webhook call this with what they read from the
 * API server, so they run exactly the rules `gmsctl validate` runs on files.
 *
 * Diagnostics name the object as `file` (`ChatService/contact-center/customer-support`), put
 * line 1, column 1 (there is no source) and carry the field in `path`.
 */
import type { ChatService, PushProvider } from '../api/types.js';
import type { Diagnostic } from './diagnostic.js';
import { compareDiagnostics } from './diagnostic.js';
import type { ManifestObject, SecretObject } from './model.js';
import { isRecord } from './model.js';
import { collect } from './objects.js';
import { RuleRun } from './rules/index.js';
import type { ReferenceOptions } from './rules/references.js';
import { apiSchemaValidator } from './schemas.js';

/** A Secret as the API returns it (data base64-encoded) or as written (stringData). */
export interface SecretLike {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface ObjectsInput {
  chatServices?: readonly (ChatService | Record<string, unknown>)[];
  pushProviders?: readonly (PushProvider | Record<string, unknown>)[];
  /** Give Secrets to check secret references (and keys); leave out to skip that check. */
  secrets?: readonly SecretLike[];
}

export type ValidateObjectsOptions = ReferenceOptions;

function refOf(kind: string, data: unknown): string {
  const meta = isRecord(data) && isRecord(data.metadata) ? data.metadata : {};
  const ns = typeof meta.namespace === 'string' ? meta.namespace : 'default';
  const name = typeof meta.name === 'string' ? meta.name : '(unnamed)';
  return `${kind}/${ns}/${name}`;
}

const NO_SOURCE = () => ({ line: 1, column: 1 });

export function validateObjects(
  input: ObjectsInput,
  opts: ValidateObjectsOptions = {},
): Diagnostic[] {
  const rules = new RuleRun({
    schema: apiSchemaValidator(),
    missingProvider: opts.missingProvider,
    // The operator and its webhook: objects read from the API server, not files.
    source: opts.source ?? 'cluster',
  });
  const c = { add: rules.add.bind(rules), skipped: {} };
  const add = (kind: string, o: unknown) => {
    // Kind and apiVersion may be missing on typed objects built in code; fill them in.
    const data = isRecord(o) ? { apiVersion: 'gms.chatops.io/v1alpha1', kind, ...o } : o;
    collect(c, data, refOf(kind, o), NO_SOURCE);
  };
  for (const cs of input.chatServices ?? []) add('ChatService', cs);
  for (const pp of input.pushProviders ?? []) add('PushProvider', pp);
  for (const s of input.secrets ?? []) add('Secret', { apiVersion: 'v1', ...s, kind: 'Secret' });
  const diagnostics = rules.finish();
  return diagnostics.sort((a, b) => a.file.localeCompare(b.file) || compareDiagnostics(a, b));
}

export type { ManifestObject, SecretObject };

/**
 * One diagnostic for kubectl or a condition: `path: message [rule]`, without the path when the
 * message already starts with it (most do: gmsctl prints them after file:line:col, no path),
 * e.g. `spec.push.providers names PushProvider fcmprod, ...` for path spec.push.providers[0].
 */
export function describeDiagnostic(d: Diagnostic): string {
  const path = d.path;
  const said =
    path !== undefined &&
    [path, path.replace(/\[\d+\]$/, '')].some(
      (p) => d.message.startsWith(`${p} `) || d.message.startsWith(`${p}:`),
    );
  return `${path && !said ? `${path}: ` : ''}${d.message} [${d.rule}]`;
}
