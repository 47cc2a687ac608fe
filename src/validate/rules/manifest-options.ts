/**
 * The option maps of the manifests, checked entry by entry against the catalog:
 *   ChatService spec.chat          -> [chat]
 *   ChatService spec.options       -> [chat.<serviceName>]
 *   ChatService spec.push.options  -> [push]
 *   PushProvider spec.options      -> [push.provider.<name>]
 * A PushProvider has no GMS version of its own: its options are gated by the version of every
 * ChatService in the inputs that uses it.
 */
import { checkOptionValue, findOption, type SectionPattern } from '../../catalog/index.js';
import { iniValueProblem } from './deps.js';
import type { Emit, ManifestObject, ValidationModel } from '../model.js';
import { describeObject, get, isRecord } from '../model.js';
import type { Path } from '../yaml/path.js';
import { checkOptionEntry, type OptionSite, type VersionContext } from './option-check.js';
import { chatServiceVersion, indexModel, serviceNameOfObject } from './shared.js';

function chatServiceWhere(pattern: SectionPattern): string | undefined {
  switch (pattern) {
    case 'chat':
      return 'spec.chat';
    case 'chat.<service>':
      return 'spec.options';
    case 'push':
      return 'spec.push.options';
    case 'push.provider.<name>':
      return "a PushProvider's spec.options";
    default:
      return undefined;
  }
}

function checkMap(obj: ManifestObject, path: Path, site: OptionSite, emit: Emit): void {
  const map = get(obj.data, path);
  if (map === undefined) return;
  if (!isRecord(map)) return; // the schema rule reports a non-mapping
  for (const [key, value] of Object.entries(map)) {
    for (const p of checkOptionEntry(site, key, value)) {
      emit({
        rule: p.rule,
        message: p.message,
        obj,
        path: [...path, key],
        at: p.at,
        severity: p.severity,
      });
    }
  }
}

export function checkManifestOptions(model: ValidationModel, emit: Emit): void {
  for (const cs of model.chatServices) {
    const version = chatServiceVersion(cs);
    const versions: VersionContext[] = version ? [{ version, source: 'spec.gms.version' }] : [];
    const base = { whereFor: chatServiceWhere, versions, credentialsAllowed: false };
    checkMap(cs, ['spec', 'chat'], { ...base, section: 'chat' }, emit);
    checkMap(
      cs,
      ['spec', 'options'],
      { ...base, section: `chat.${serviceNameOfObject(cs)}` },
      emit,
    );
    checkMap(cs, ['spec', 'push', 'options'], { ...base, section: 'push' }, emit);
  }
  const index = indexModel(model);
  for (const pp of model.pushProviders) {
    const versions: VersionContext[] = [];
    for (const cs of index.usersOf.get(pp) ?? []) {
      const v = index.gmsVersionOf.get(cs);
      if (v && !versions.some((x) => x.version === v))
        versions.push({ version: v, source: `the spec.gms.version of ${describeObject(cs)}` });
    }
    checkMap(
      pp,
      ['spec', 'options'],
      {
        section: `push.provider.${pp.name || 'unnamed'}`,
        whereFor: (p) =>
          p === 'push.provider.<name>'
            ? 'spec.options'
            : p === 'push'
              ? "a ChatService's spec.push.options"
              : chatServiceWhere(p),
        versions,
        credentialsAllowed: false,
      },
      emit,
    );
  }
}

/**
 * PushProvider fields that render as catalog options: spec.customhttp.url / debugUrl are the
 * provider's customhttp.url / debug.customhttp.url (type url). Unsafe text is the injection
 * rule's; a malformed URL is option-value here.
 */
const providerOptions = new Map<string, ReturnType<typeof findOption>>();
function providerOption(key: string): ReturnType<typeof findOption> {
  if (!providerOptions.has(key)) providerOptions.set(key, findOption('push.provider.x', key));
  return providerOptions.get(key);
}

export function checkProviderFields(model: ValidationModel, emit: Emit): void {
  const fields: [string, string][] = [
    ['url', 'customhttp.url'],
    ['debugUrl', 'debug.customhttp.url'],
  ];
  for (const pp of model.pushProviders) {
    for (const [field, key] of fields) {
      const value = get(pp.data, ['spec', 'customhttp', field]);
      if (typeof value !== 'string' || iniValueProblem(value)) continue;
      const option = providerOption(key);
      const problem = option ? checkOptionValue(option, value) : undefined;
      if (problem)
        emit({
          rule: 'option-value',
          obj: pp,
          path: ['spec', 'customhttp', field],
          message: `spec.customhttp.${field} (${key}): ${problem}`,
        });
    }
  }
}
