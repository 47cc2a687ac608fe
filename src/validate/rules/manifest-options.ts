/**
 * The option maps of the manifests, checked entry by entry against the catalog:
 *   ChatService spec.chat          -> [chat]
 *   ChatService spec.options       -> [chat.<serviceName>]
 *   ChatService spec.push.options  -> [push]
 *   ChatService spec.gms.options   -> [gms]
 *   ChatService spec.sections.<s>  -> [<s>] (the section names themselves: sections.ts)
 *   PushProvider spec.options      -> [push.provider.<name>]
 * A PushProvider has no GMS version of its own: its options are gated by the version of every
 * ChatService in the inputs that uses it.
 */
import { checkOptionValue, findOption } from '../../catalog/index.js';
import { iniValueProblem } from './deps.js';
import type { Emit, ValidationModel } from '../model.js';
import { describeObject, get } from '../model.js';
import type { VersionContext } from './option-check.js';
import { chatServiceWhere, checkMap } from './option-maps.js';
import { checkSections } from './sections.js';
import { chatServiceVersion, indexModel, serviceNameOfObject } from './shared.js';

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
    checkMap(cs, ['spec', 'gms', 'options'], { ...base, section: 'gms' }, emit);
    checkSections(cs, base, emit);
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
