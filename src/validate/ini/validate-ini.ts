/**
 * GMS INI files (gms.ini, static.ini, dynamic.ini, secrets.ini, Configuration Server exports):
 * the positional parser of src/config reports syntax, duplicates and encoding; then every
 * entry is checked against the catalog like a manifest option. Versions are gated only when
 * --gms-version is given (an INI file does not say which GMS it is for).
 */
import { basename } from 'node:path';
import { isAtLeast, listMembers, sectionPatternOf, tryParseVersion } from '../../catalog/index.js';
import { parseIni, printable, sectionNameProblem } from '../rules/deps.js';
import type { Diagnostic } from '../diagnostic.js';
import { ruleSeverity } from '../rules/meta.js';
import { checkOptionEntry, type OptionSite } from '../rules/option-check.js';
import { providerNameProblem } from '../rules/provider-name.js';

export interface IniOptions {
  /** Target GMS version (--gms-version); undefined: no version gating. */
  gmsVersion?: string;
}

export interface IniResult {
  diagnostics: Diagnostic[];
  /** No section and no entry at all. */
  empty: boolean;
}

const COMET_REQUIRED_FROM = '8.5.103.10';

export function validateIniText(file: string, text: string, opts: IniOptions = {}): IniResult {
  const doc = parseIni(text);
  const out: Diagnostic[] = [];
  const add = (
    line: number,
    column: number,
    rule: string,
    message: string,
    severity = ruleSeverity(rule),
  ) => out.push({ file, line, column, severity, rule, message });

  for (const p of doc.problems) add(p.line, p.column, p.rule, p.message, p.severity);
  for (const e of doc.preamble) {
    add(
      e.keyPos.line,
      e.keyPos.column,
      'ini-syntax',
      `${printable(e.key)} is outside any [section]; GMS ignores it`,
      'warning',
    );
  }

  const credentialsAllowed = basename(file) === 'secrets.ini';
  const versions =
    opts.gmsVersion && tryParseVersion(opts.gmsVersion)
      ? [{ version: opts.gmsVersion, source: '--gms-version' }]
      : [];

  // Lines the parser already reported (a header with "[" in its name, say): one finding each.
  const problemLines = new Set(doc.problems.map((p) => p.line));
  for (const section of doc.sections) {
    // The serializer's own section-name pattern, as for ChatService spec.sections: a name it
    // would not write (a space, ";", a quote) is no safe [chat.<service>] or channel either.
    const unsafe = problemLines.has(section.pos.line)
      ? undefined
      : sectionNameProblem(section.name);
    if (unsafe)
      add(
        section.pos.line,
        section.pos.column,
        'injection',
        `section [${printable(section.name)}] cannot be written as a GMS section header: ${unsafe}`,
      );
    const pattern = sectionPatternOf(section.name);
    if (!pattern) {
      // Its options are not checked against the catalog, but a credential is still one.
      add(
        section.pos.line,
        section.pos.column,
        'option-unknown',
        `unknown section [${printable(section.name)}]; its ${section.entries.length} option(s) are not checked against the catalog`,
      );
    }
    if (pattern === 'push.provider.<name>') {
      const problem = providerNameProblem(section.name.slice('push.provider.'.length));
      if (problem) add(section.pos.line, section.pos.column, 'provider-name', problem);
    }
    const site: OptionSite = {
      section: section.name,
      whereFor: () => undefined,
      versions,
      credentialsAllowed,
      checkValueSafety: false,
    };
    for (const entry of section.entries) {
      for (const p of checkOptionEntry(site, entry.key, entry.value)) {
        const pos = p.at === 'key' ? entry.keyPos : entry.valuePos;
        add(
          pos.line,
          pos.column,
          p.rule,
          p.rule === 'inline-credential'
            ? `${p.message} (in INI files, only secrets.ini may hold credentials)`
            : p.message,
          p.severity,
        );
      }
      if (section.name === 'push' && entry.key === 'pushEnabled') {
        const members = listMembers(entry.value);
        const gated = versions[0];
        if (
          !members.includes('comet') &&
          (!gated || isAtLeast(gated.version, COMET_REQUIRED_FROM))
        ) {
          add(
            entry.valuePos.line,
            entry.valuePos.column,
            'push-enabled-comet',
            `pushEnabled should include comet: from GMS ${COMET_REQUIRED_FROM} the option requires the default value comet even when push notifications are not used${members.length === 0 ? ', and an empty pushEnabled disables the push service' : ''}`,
          );
        }
      }
    }
  }
  const empty = doc.sections.length === 0 && doc.preamble.length === 0 && doc.problems.length === 0;
  return { diagnostics: out, empty };
}
