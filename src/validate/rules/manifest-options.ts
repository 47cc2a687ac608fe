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
import type { OptionSite, VersionContext } from './option-check.js';
import type { Path } from '../yaml/path.js';
import { chatServiceWhere, checkMap } from './option-maps.js';
import { checkSections } from './sections.js';
import { chatServiceVersion, indexModel, serviceNameOfObject } from './shared.js';

const CHAT: Path = ['spec', 'chat'];
const OPTIONS: Path = ['spec', 'options'];
const PUSH_OPTIONS: Path = ['spec', 'push', 'options'];
const GMS_OPTIONS: Path = ['spec', 'gms', 'options'];

type Site = OptionSite;
interface ChatServiceSites {
  base: Omit<Site, 'section'>;
  chat: Site;
  push: Site;
  gms: Site;
}

/** The sites of a GMS version's fixed sections, made once per run (not per ChatService). */
function sitesFor(version: string | undefined, cache: Map<string, ChatServiceSites>) {
  const k = version ?? '';
  let sites = cache.get(k);
  if (!sites) {
    const versions: VersionContext[] = version ? [{ version, source: 'spec.gms.version' }] : [];
    const base = { whereFor: chatServiceWhere, versions, credentialsAllowed: false };
    sites = {
      base,
      chat: { ...base, section: 'chat' },
      push: { ...base, section: 'push' },
      gms: { ...base, section: 'gms' },
    };
    cache.set(k, sites);
  }
  return sites;
}

export function checkManifestOptions(model: ValidationModel, emit: Emit): void {
  const cache = new Map<string, ChatServiceSites>();
  for (const cs of model.chatServices) {
    const sites = sitesFor(chatServiceVersion(cs), cache);
    checkMap(cs, CHAT, sites.chat, emit);
    checkMap(cs, OPTIONS, { ...sites.base, section: `chat.${serviceNameOfObject(cs)}` }, emit);
    checkMap(cs, PUSH_OPTIONS, sites.push, emit);
    checkMap(cs, GMS_OPTIONS, sites.gms, emit);
    checkSections(cs, sites.base, emit);
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
      OPTIONS,
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

const PROVIDER_FIELDS: readonly (readonly [string, string, Path])[] = [
  ['url', 'customhttp.url', ['spec', 'customhttp', 'url']],
  ['debugUrl', 'debug.customhttp.url', ['spec', 'customhttp', 'debugUrl']],
];

export function checkProviderFields(model: ValidationModel, emit: Emit): void {
  for (const pp of model.pushProviders) {
    for (const [field, key, path] of PROVIDER_FIELDS) {
      const value = get(pp.data, path);
      if (typeof value !== 'string' || iniValueProblem(value)) continue;
      const option = providerOption(key);
      const problem = option ? checkOptionValue(option, value) : undefined;
      if (problem)
        emit({
          rule: 'option-value',
          obj: pp,
          path,
          message: `spec.customhttp.${field} (${key}): ${problem}`,
        });
    }
  }
}
