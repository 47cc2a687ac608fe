/**
 * The deterministic serializer: one GmsConfig always gives the same bytes, whatever the
 * insertion order, so the hash of static.ini names its immutable ConfigMap (DESIGN.md, "Rules
 * that carry the weight") and golden files stay stable.
 *
 * Format: optional `# header` lines and a blank line; then sections in canonical order
 * (chat, chat.<service>..., push, push.provider.<name>..., connections, then the others
 * alphabetically), each `[name]` followed by its keys sorted, written `key=value`; a blank line
 * between sections; LF line ends and a trailing newline. Keys and section names sort by UTF-16
 * code unit (never locale-dependent).
 *
 * Nothing is escaped: a section name, key or value that the guards in ./safety.ts reject makes
 * the serializer throw IniSafetyError (DESIGN.md: "a validation error, not an escaped surprise").
 */
import type { GmsConfig } from '../model.js';
import {
  IniSafetyError,
  headerLineProblem,
  iniKeyProblem,
  iniValueProblem,
  sectionNameProblem,
} from './safety.js';

export interface SerializeOptions {
  /** Comment written at the top, one `# ` line per line of the text. */
  header?: string;
}

function sectionRank(name: string): number {
  if (name === 'chat') return 0;
  if (name.startsWith('chat.')) return 1;
  if (name === 'push') return 2;
  if (name.startsWith('push.provider.')) return 3;
  if (name === 'connections') return 4;
  return 5;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical section order (see the module comment). */
export function compareSectionNames(a: string, b: string): number {
  return sectionRank(a) - sectionRank(b) || byCodeUnit(a, b);
}

/** Canonical key order within a section. */
export function compareKeys(a: string, b: string): number {
  return byCodeUnit(a, b);
}

/** Section names of `config` in canonical order. */
export function orderedSections(config: GmsConfig): string[] {
  return [...config.keys()].sort(compareSectionNames);
}

/** Serialize `config` to INI text; throws IniSafetyError on anything unsafe. */
export function serializeIni(config: GmsConfig, options: SerializeOptions = {}): string {
  const out: string[] = [];
  if (options.header !== undefined) {
    for (const line of options.header.split('\n')) {
      const problem = headerLineProblem(line);
      if (problem) throw new IniSafetyError('header', '', undefined, problem);
      out.push(line.length > 0 ? `# ${line}` : '#');
    }
  }
  for (const name of orderedSections(config)) {
    const sectionProblem = sectionNameProblem(name);
    if (sectionProblem) throw new IniSafetyError('section', name, undefined, sectionProblem);
    if (out.length > 0) out.push('');
    out.push(`[${name}]`);
    const entries = config.get(name)!;
    for (const key of [...entries.keys()].sort(compareKeys)) {
      const value = entries.get(key)!;
      const keyProblem = iniKeyProblem(key);
      if (keyProblem) throw new IniSafetyError('key', name, key, keyProblem);
      const valueProblem = iniValueProblem(value);
      if (valueProblem) throw new IniSafetyError('value', name, key, valueProblem);
      out.push(`${key}=${value}`);
    }
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
