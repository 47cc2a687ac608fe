/**
 * The manifest rules, run over a whole ValidationModel (all files at once, so references and
 * duplicates see every object). gmsctl validate and the operator call this same function.
 */
import { KIND_CHAT_SERVICE, KIND_PUSH_PROVIDER } from '../../api/types.js';
import type { Diagnostic } from '../diagnostic.js';
import type { Finding, ManifestObject, ValidationModel } from '../model.js';
import { toDiagnostic } from '../model.js';
import { closest } from '../suggest.js';
import { formatPath, type Path } from '../yaml/path.js';
import { checkInlineCredentials } from './credentials.js';
import { checkDuplicates } from './duplicates.js';
import { checkInjection } from './injection.js';
import { checkManifestOptions, checkProviderFields } from './manifest-options.js';
import { checkProviderNames } from './provider-name.js';
import { checkReferences, type ReferenceOptions } from './references.js';
import type { SchemaValidator } from './schema.js';
import { checkVersions } from './versions.js';

export interface RuleOptions extends ReferenceOptions {
  schema?: SchemaValidator;
}

function checkUnknownKinds(model: ValidationModel, emit: (f: Finding) => void): void {
  for (const o of model.unknownKinds) {
    const guess = closest(o.kind, [KIND_CHAT_SERVICE, KIND_PUSH_PROVIDER]);
    emit({
      rule: 'schema',
      obj: o,
      path: ['kind'],
      message: `${o.apiVersion} has no kind ${o.kind}${guess ? `; did you mean ${guess}?` : ` (it has ${KIND_CHAT_SERVICE} and ${KIND_PUSH_PROVIDER})`}`,
    });
  }
}

export function runRules(model: ValidationModel, opts: RuleOptions = {}): Diagnostic[] {
  const findings: Finding[] = [];
  const emit = (f: Finding) => findings.push(f);
  checkUnknownKinds(model, emit);
  checkManifestOptions(model, emit);
  checkProviderFields(model, emit);
  checkVersions(model, emit);
  checkProviderNames(model, emit);
  checkInlineCredentials(model, emit);
  checkReferences(model, emit, opts);
  checkInjection(model, emit);
  checkDuplicates(model, emit);

  if (opts.schema) {
    const claimed = new Map<ManifestObject, Set<string>>();
    for (const f of findings) {
      let set = claimed.get(f.obj);
      if (!set) claimed.set(f.obj, (set = new Set()));
      set.add(formatPath(f.path));
    }
    const isClaimed = (o: ManifestObject, p: Path) => claimed.get(o)?.has(formatPath(p)) ?? false;
    for (const o of [...model.chatServices, ...model.pushProviders])
      opts.schema.check(o, emit, isClaimed);
  }
  return findings.map(toDiagnostic);
}
