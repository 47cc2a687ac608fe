/**
 * Catalog look-ups: which option a (section, key) pair names, where it may go, whether a change
 * to it applies at once or only after a restart, whether a value and a GMS version fit it.
 * Unknown options count as restart-required (domain/operator-patterns.md §1: Strimzi treats
 * unlisted keys as read-only).
 *
 * This file is the catalog's public API; other folders import from here only.
 */
import { OPTIONS } from './options.js';
import type { OptionSpec, SectionPattern, TakesEffect } from './types.js';
import { SECTION_PATTERNS } from './types.js';
import { isTemplated, optionMatchesKey } from './templates.js';
import { rankSuggestions, type OptionSuggestion } from './suggest.js';

export type {
  OptionSpec,
  SectionPattern,
  TakesEffect,
  OptionType,
  FeatureGate,
  OptionApplication,
  TemplateParam,
} from './types.js';
export { SECTION_PATTERNS } from './types.js';
export { OPTIONS, OPTION_GROUPS, PUSH_ENABLED_VALUES } from './options.js';
export { renderOptionsMarkdown, anchorOf } from './markdown.js';
export { SOURCES, type SourceId } from './sources.js';
export {
  PUSH_EVENT_NAMES,
  PUSH_EVENT_DEFAULTS,
  isPushEventName,
  type PushEventName,
  type PushEventDefaults,
} from './events.js';
export {
  VERSION_PATTERN,
  VersionError,
  parseVersion,
  tryParseVersion,
  isValidVersion,
  compareVersions,
  isAtLeast,
  type ParsedVersion,
} from './versions.js';
export { FEATURE_GATES, featureGate, checkFeature, type FeatureGateProblem } from './features.js';
export {
  SERVICE_NAME_PATTERN,
  SERVICE_NAME_MAX,
  PROVIDER_NAME_PATTERN,
  PROVIDER_NAME_MAX,
  CHAT_SERVER_NAME_PATTERN,
  HOST_PATTERN,
  HOST_MAX,
  HOST_PORT_PATTERN,
  SECTION_NAME_PATTERN,
  SECTION_NAME_MAX,
} from './names.js';
export { isTemplated, matchTemplate, expandOptionNames, instantiate } from './templates.js';
export {
  checkOptionValue,
  checkOptionVersion,
  optionValueString,
  listMembers,
  type RawOptionValue,
  type VersionGateProblem,
} from './values.js';
export { editDistance, type OptionSuggestion } from './suggest.js';
export { CREDENTIAL_KEY_PATTERN, looksLikeCredentialKey } from './credentials.js';

/** Classify a concrete section name (`chat.customer-support`) into its pattern. */
export function sectionPatternOf(section: string): SectionPattern | undefined {
  if (
    section === 'chat' ||
    section === 'push' ||
    section === 'gms' ||
    section === 'server' ||
    section === 'log'
  )
    return section;
  if (section === 'client-file-transfer' || section === 'settings' || section === 'connections')
    return section;
  if (section.startsWith('push.provider.') && section.length > 'push.provider.'.length)
    return 'push.provider.<name>';
  if (section.startsWith('chat.') && section.length > 'chat.'.length) return 'chat.<service>';
  if (section.startsWith('service.') && section.length > 'service.'.length) return 'service.<name>';
  return undefined;
}

/** Whether `s` is a section pattern (`chat.<service>`) rather than a concrete section name. */
export function isSectionPattern(s: string): s is SectionPattern {
  return (SECTION_PATTERNS as readonly string[]).includes(s);
}

/** A section name or a section pattern, as a pattern. */
function patternOf(sectionOrPattern: string): SectionPattern | undefined {
  return isSectionPattern(sectionOrPattern) ? sectionOrPattern : sectionPatternOf(sectionOrPattern);
}

const byName = new Map<string, OptionSpec[]>();
for (const o of OPTIONS) {
  const list = byName.get(o.name) ?? [];
  list.push(o);
  byName.set(o.name, list);
}
const TEMPLATED = OPTIONS.filter(isTemplated);

/**
 * Every catalog entry with this key, whatever its section: plain names, template names as
 * written in the catalog (`fcm.<Event>.title`), and template instances (`fcm.Message.title`).
 */
export function optionsNamed(name: string): readonly OptionSpec[] {
  const exact = byName.get(name);
  if (exact) return exact;
  const hit = templatedCache.get(name);
  if (hit) return hit;
  const templated = TEMPLATED.filter((o) => optionMatchesKey(o, name));
  remember(templatedCache, name, templated);
  return templated;
}

/**
 * Memo tables for the look-ups the validator repeats over thousands of documents (the same
 * keys again and again). Bounded: cleared when full, so arbitrary input cannot grow them.
 */
const CACHE_MAX = 4096;
const templatedCache = new Map<string, readonly OptionSpec[]>();
const suggestionCache = new Map<string, OptionSuggestion[]>();
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, value);
}

/** The catalog entry for `key` in `section`, when the key is valid there. */
export function findOption(section: string, key: string): OptionSpec | undefined {
  const pattern = sectionPatternOf(section);
  if (!pattern) return undefined;
  return optionsNamed(key).find((o) => o.sections.includes(pattern));
}

/** Whether a change to `key` in `section` applies at once. Unknown options: restart. */
export function takesEffect(section: string, key: string): TakesEffect {
  return findOption(section, key)?.takesEffect ?? 'restart';
}

/** Every option that may be written in sections of this pattern. */
export function optionsForSection(pattern: SectionPattern): readonly OptionSpec[] {
  return OPTIONS.filter((o) => o.sections.includes(pattern));
}

/** Whether a key is a credential wherever it is written (fcm.apiKey, auth.basic.password...). */
export function isCredentialKey(key: string): boolean {
  return optionsNamed(key).some((o) => o.credential);
}

/**
 * Where a key stands in a section:
 * - `ok`: a catalog option valid there;
 * - `forbidden`: an option the documentation rules out of that section (enable_notification_mode
 *   in [chat.<service>]), with the reason;
 * - `misplaced`: a known option that belongs in other sections;
 * - `unknown-section`: the section itself is not a known GMS section;
 * - `unknown`: no such option, with a did-you-mean when one is close.
 */
export type Placement =
  | { status: 'ok'; option: OptionSpec }
  | { status: 'forbidden'; option: OptionSpec; reason: string }
  | { status: 'misplaced'; option: OptionSpec; sections: readonly SectionPattern[] }
  | { status: 'unknown-section'; section: string }
  | { status: 'unknown'; suggestion?: OptionSuggestion };

export function placementOf(section: string, key: string): Placement {
  const pattern = sectionPatternOf(section);
  if (!pattern) return { status: 'unknown-section', section };
  const named = optionsNamed(key);
  const valid = named.find((o) => o.sections.includes(pattern));
  if (valid) return { status: 'ok', option: valid };
  for (const o of named) {
    const rule = o.forbiddenIn?.find((f) => f.section === pattern);
    if (rule) return { status: 'forbidden', option: o, reason: rule.reason };
  }
  const elsewhere = named[0];
  if (elsewhere) return { status: 'misplaced', option: elsewhere, sections: elsewhere.sections };
  const suggestion = suggestOption(key, section);
  return suggestion ? { status: 'unknown', suggestion } : { status: 'unknown' };
}

/**
 * The nearest known option to `key` (a did-you-mean), preferring options valid in `section`
 * (a section name like `chat.support` or a pattern like `chat.<service>`; optional) at equal
 * distance. An exact key that is valid only elsewhere comes back with distance 0 and
 * `inSection: false`. Undefined when nothing is close.
 */
export function suggestOption(key: string, section?: string): OptionSuggestion | undefined {
  return suggestOptions(key, section, 1)[0];
}

/** Up to `limit` suggestions for `key`, best first (see suggestOption). */
export function suggestOptions(key: string, section?: string, limit = 3): OptionSuggestion[] {
  const pattern = section === undefined ? undefined : patternOf(section);
  const cacheKey = `${limit}\0${pattern ?? ''}\0${key}`;
  const hit = suggestionCache.get(cacheKey);
  if (hit) return hit.slice();
  const found = rankSuggestions(OPTIONS, key, pattern, limit);
  remember(suggestionCache, cacheKey, found);
  return found.slice();
}
