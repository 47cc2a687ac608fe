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
import { checkOptionValue, findOption, type SectionPattern } from '../../catalog/index.js';
import { iniValueProblem } from './deps.js';
import type { Emit, ManifestObject, ObjectRef } from '../model.js';
import { describeObject, get, isRecord } from '../model.js';
import { verdictsFor, type OptionSite, type VersionContext } from './option-check.js';
import type { Path } from '../yaml/path.js';
import { chatServiceWhere, checkMap, checkMapValue } from './option-maps.js';
import { checkSections } from './sections.js';
import { serviceNameOfObject } from './shared.js';

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
  /** [chat.<service>]: a site per ChatService (named after it), one memo for all of them. */
  service: Site;
}

/** The sites of a GMS version's fixed sections, made once per run (not per ChatService). */
export type SiteCache = Map<string, ChatServiceSites>;

function sitesFor(version: string | undefined, cache: SiteCache): ChatServiceSites {
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
      service: { ...base, section: 'chat.service' },
    };
    // Filled now, so the per-ChatService copies share it.
    verdictsFor(sites.service);
    cache.set(k, sites);
  }
  return sites;
}

/** A ChatService's option maps, gated by its own spec.gms.version (`gmsVersion`). */
export function checkChatServiceOptions(
  cs: ManifestObject,
  gmsVersion: string | undefined,
  cache: SiteCache,
  emit: Emit,
): void {
  const sites = sitesFor(gmsVersion, cache);
  checkMap(cs, CHAT, sites.chat, emit);
  checkMap(cs, OPTIONS, { ...sites.service, section: `chat.${serviceNameOfObject(cs)}` }, emit);
  checkMap(cs, PUSH_OPTIONS, sites.push, emit);
  checkMap(cs, GMS_OPTIONS, sites.gms, emit);
  checkSections(cs, sites.base, emit);
}

/**
 * A PushProvider's spec.options as the deferred check needs it: the map alone (anything else
 * is the schema's to report), so the rest of the document need not be kept.
 */
export function pushProviderOptions(pp: ManifestObject): Record<string, unknown> | undefined {
  const map = get(pp.data, OPTIONS);
  return isRecord(map) ? map : undefined;
}

function providerWhere(p: SectionPattern): string | undefined {
  return p === 'push.provider.<name>'
    ? 'spec.options'
    : p === 'push'
      ? "a ChatService's spec.push.options"
      : chatServiceWhere(p);
}

/** A ChatService using a PushProvider, with its GMS version. */
export interface ProviderUser extends Pick<ObjectRef, 'kind' | 'namespace' | 'name'> {
  gmsVersion: string | undefined;
}

/** A user's GMS version; the text naming where it comes from is made only for a message. */
class UserVersion implements VersionContext {
  constructor(
    readonly version: string,
    private readonly user: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>,
  ) {}

  get source(): string {
    return `the spec.gms.version of ${describeObject(this.user)}`;
  }
}

/**
 * A PushProvider's spec.options (`options`, read while its document was there), gated by the
 * versions of the ChatServices that use it (`users`, in input order): known only once every
 * input has been read.
 */
export function checkPushProviderOptions(
  pp: ObjectRef,
  options: unknown,
  users: readonly ProviderUser[],
  emit: Emit,
): void {
  if (options === undefined) return;
  const versions: VersionContext[] = [];
  for (let i = 0; i < users.length; i++) {
    const cs = users[i]!;
    const v = cs.gmsVersion;
    if (v && !versions.some((x) => x.version === v)) versions.push(new UserVersion(v, cs));
  }
  checkMapValue(
    pp,
    OPTIONS,
    options,
    {
      section: `push.provider.${pp.name || 'unnamed'}`,
      whereFor: providerWhere,
      versions,
      credentialsAllowed: false,
    },
    emit,
  );
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

/** spec.customhttp.url and debugUrl of a PushProvider. */
export function checkProviderFields(pp: ManifestObject, emit: Emit): void {
  for (let i = 0; i < PROVIDER_FIELDS.length; i++) {
    const [field, key, path] = PROVIDER_FIELDS[i]!;
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
