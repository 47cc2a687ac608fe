/**
 * The importer's working state: notes (every option it could not place is one, never dropped
 * silently), the Secrets users must create for credentials found in the INI file (their values
 * are never copied into YAML or notes), and value typing from the catalog.
 */
import { findOption } from '../catalog/index.js';
import type { OptionValue } from '../api/types.js';
import type { IniEntry, Position } from './ini/types.js';
import { printable } from './ini/safety.js';

export type ImportRule =
  | 'import-ini'
  | 'import-unplaced'
  | 'import-service'
  | 'import-secret'
  | 'import-renamed'
  | 'import-version'
  | 'import-provider'
  | 'import-push-enabled'
  | 'import-section';

export interface ImportNote {
  /** `error`: something was not placed (the command exits 1); `warning`/`info`: placed, read this. */
  severity: 'error' | 'warning' | 'info';
  rule: ImportRule;
  message: string;
  line: number;
  column: number;
  section?: string;
  key?: string;
}

/** A Secret key the user must create, because the INI held a credential that is not copied. */
export interface SecretToCreate {
  secretName: string;
  key: string;
  /** Where the value is in the INI file. */
  section: string;
  option: string;
  line: number;
  column: number;
  /** The Secret key is a file's content: the INI value is the file's path (Apple keystores). */
  fromFile?: string;
  /** The value may be shown (not a credential, e.g. the basic-auth user name). */
  literal?: string;
}

export class ImportContext {
  readonly notes: ImportNote[] = [];
  readonly secrets: SecretToCreate[] = [];

  note(
    severity: ImportNote['severity'],
    rule: ImportRule,
    at: Position,
    message: string,
    section?: string,
    key?: string,
  ): void {
    const n: ImportNote = { severity, rule, message, line: at.line, column: at.column };
    if (section !== undefined) n.section = section;
    if (key !== undefined) n.key = key;
    this.notes.push(n);
  }

  /** An option with no place in the API: an error note at its key. */
  unplaced(e: IniEntry, why: string): void {
    this.note(
      'error',
      'import-unplaced',
      e.keyPos,
      `${e.section === '' ? '' : `[${printable(e.section)}] `}${printable(e.key)} was not imported: ${why}`,
      e.section,
      e.key,
    );
  }

  /** Record the Secret key a credential must go to, with a note saying so. */
  secret(
    e: IniEntry,
    secretName: string,
    key: string,
    field: string,
    extra: Partial<SecretToCreate> = {},
  ): void {
    this.secrets.push({
      secretName,
      key,
      section: e.section,
      option: e.key,
      line: e.valuePos.line,
      column: e.valuePos.column,
      ...extra,
    });
    const how = extra.fromFile
      ? `from the file ${printable(extra.fromFile)}`
      : extra.literal !== undefined
        ? `with the value "${printable(extra.literal)}"`
        : `with the value at line ${e.valuePos.line}, column ${e.valuePos.column}`;
    const what =
      extra.literal !== undefined
        ? 'comes from a Secret'
        : 'is a credential and is not copied into the YAML';
    this.note(
      'warning',
      'import-secret',
      e.keyPos,
      `[${printable(e.section)}] ${e.key} ${what}: ${field} refers to Secret ${secretName} key ${key}; create it ${how}`,
      e.section,
      e.key,
    );
  }
}

const INTEGER_RE = /^-?(?:0|[1-9][0-9]{0,15})$/;

/**
 * The YAML value of an INI option: a boolean or a number when the catalog types it so and the
 * text is the canonical form (render gives back exactly the same string), else the string.
 */
export function typedValue(section: string, key: string, value: string): OptionValue {
  const type = findOption(section, key)?.type;
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  if (type === 'integer' && INTEGER_RE.test(value) && Number.isSafeInteger(Number(value)))
    return Number(value);
  return value;
}

/** A Kubernetes object name (DNS-1123 label) made from any text; '' when nothing is left. */
export function toDnsLabel(text: string, max = 63): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, max)
    .replace(/^-+/, '')
    .replace(/-+$/, '');
}

/** A provider name: lower-case letters and digits (PushProvider name and section name). */
export function toProviderName(text: string, max = 32): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, max);
}
