/**
 * ChatService spec.sections: the section names themselves, then each section's options like any
 * other option map (manifest-options.ts, option-check.ts).
 *   injection         a name the INI serializer would not write as `[name]` (the same pattern:
 *                     isSafeSectionName; a newline or `]` would open another section)
 *   option-placement  a section with a dedicated field ([chat] -> spec.chat, [gms] ->
 *                     spec.gms.options, ...: src/api/sections.ts, the CRD's CEL rules say the
 *                     same); a Chat Server application section, which GMS does not read (warning)
 *   option-unknown    a section the catalog does not know (warning: passed through unchecked,
 *                     restart-required), with a did-you-mean
 *   schema            a section that is not a map, more sections than the CRD allows (the
 *                     schema rule leaves spec.sections to this rule: OPTION_MAP_PATHS)
 * Options inside are checked against the catalog for the section's pattern ([service.<name>]
 * typed; [log] and [server] options are unknown to the catalog: warnings).
 */
import { SECTION_PATTERNS, sectionPatternOf } from '../../catalog/index.js';
import { MAX_SECTIONS, dedicatedSection, dedicatedSectionMessage } from '../../api/sections.js';
import { printable, sectionNameProblem } from './deps.js';
import type { Emit, ManifestObject } from '../model.js';
import { get, isRecord } from '../model.js';
import { closest } from '../suggest.js';
import { chatServiceWhere, checkMap } from './option-maps.js';
import type { OptionSite } from './option-check.js';

/** Section names a user may have meant: the catalog's, with `<...>` patterns left out. */
const KNOWN_SECTIONS = SECTION_PATTERNS.filter((p) => !p.includes('<'));

function unknownSectionHint(name: string): string {
  const guess = closest(name, KNOWN_SECTIONS);
  if (guess === undefined) return '';
  const d = dedicatedSection(guess);
  return `; did you mean [${guess}]${d ? ` (${d.field})` : ''}?`;
}

export function checkSections(
  cs: ManifestObject,
  base: Omit<OptionSite, 'section'>,
  emit: Emit,
): void {
  const path = ['spec', 'sections'];
  const sections = get(cs.data, path);
  if (!isRecord(sections)) return; // absent, or the schema rule reports a non-mapping
  const names = Object.keys(sections);
  if (names.length > MAX_SECTIONS)
    emit({
      rule: 'schema',
      obj: cs,
      path,
      at: 'key',
      message: `spec.sections holds ${names.length} sections; at most ${MAX_SECTIONS}`,
    });
  for (const name of names) {
    const at = [...path, name];
    const unsafe = sectionNameProblem(name);
    if (unsafe) {
      emit({
        rule: 'injection',
        obj: cs,
        path: at,
        at: 'key',
        message: `spec.sections key "${printable(name)}" cannot be written as a GMS section header: ${unsafe}`,
      });
      continue;
    }
    const dedicated = dedicatedSection(name);
    if (dedicated) {
      emit({
        rule: 'option-placement',
        obj: cs,
        path: at,
        at: 'key',
        message: `${dedicatedSectionMessage(dedicated)}; move the options of spec.sections.${name} there`,
      });
      continue;
    }
    const map = sections[name];
    if (!isRecord(map)) {
      emit({
        rule: 'schema',
        obj: cs,
        path: at,
        message: `spec.sections.${name} must be a map of option names to values, not ${map === null ? 'null' : Array.isArray(map) ? 'a list' : typeof map}`,
      });
      continue;
    }
    const pattern = sectionPatternOf(name);
    if (pattern === undefined) {
      const count = Object.keys(map).length;
      emit({
        rule: 'option-unknown',
        obj: cs,
        path: at,
        at: 'key',
        message: `unknown section [${name}]${unknownSectionHint(name)} (its ${count} option(s) are passed through to GMS unchecked and treated as restart-required)`,
      });
    } else if (pattern === 'client-file-transfer' || pattern === 'settings') {
      emit({
        rule: 'option-placement',
        severity: 'warning',
        obj: cs,
        path: at,
        at: 'key',
        message: `[${name}] is a Chat Server application section (domain/gms.md §1.6, §1.7): GMS nodes do not read it; set it in the Chat Server's configuration`,
      });
    }
    checkMap(cs, at, { ...base, section: name, whereFor: chatServiceWhere }, emit);
  }
}
