/**
 * Catalog look-ups: which option a (section, key) pair names, where it may go, whether a change
 * to it applies at once or only after a restart. Unknown options count as restart-required
 * (domain/operator-patterns.md §1: Strimzi treats unlisted keys as read-only).
 */
import { OPTIONS } from './options.js';
import type { OptionSpec, SectionPattern, TakesEffect } from './types.js';

export type { OptionSpec, SectionPattern, TakesEffect, OptionType, FeatureGate } from './types.js';
export { OPTIONS } from './options.js';

/** Classify a concrete section name (`chat.customer-support`) into its pattern. */
export function sectionPatternOf(section: string): SectionPattern | undefined {
  if (section === 'chat' || section === 'push' || section === 'gms' || section === 'server' || section === 'log')
    return section;
  if (section === 'client-file-transfer' || section === 'connections') return section;
  if (section.startsWith('push.provider.') && section.length > 'push.provider.'.length)
    return 'push.provider.<name>';
  if (section.startsWith('chat.') && section.length > 'chat.'.length) return 'chat.<service>';
  if (section.startsWith('service.') && section.length > 'service.'.length) return 'service.<name>';
  return undefined;
}

const byName = new Map<string, OptionSpec[]>();
for (const o of OPTIONS) {
  const list = byName.get(o.name) ?? [];
  list.push(o);
  byName.set(o.name, list);
}

/** Every catalog entry with this key, whatever its section. */
export function optionsNamed(name: string): readonly OptionSpec[] {
  return byName.get(name) ?? [];
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
