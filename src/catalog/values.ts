/**
 * Checks one option value against its catalog entry: type, valid values, bounds, pattern, and
 * the version gates of the option and of list members (pushEnabled=fcm needs 8.5.112.05).
 * Values arrive as YAML gives them (boolean, number, string) and are judged as GMS reads
 * them: as strings.
 */
import type { OptionSpec } from './types.js';
import { isAtLeast, tryParseVersion } from './versions.js';

export type RawOptionValue = string | number | boolean;

/** How GMS receives a value: YAML `true` and `"true"` are the same option value. */
export function optionValueString(value: RawOptionValue): string {
  return typeof value === 'string' ? value : String(value);
}

const INTEGER = /^-?[0-9]+$/;

/** List members as written, trimmed (`comet, fcm` -> [comet, fcm]); empty string -> []. */
export function listMembers(value: string): string[] {
  if (value.trim() === '') return [];
  return value.split(',').map((m) => m.trim());
}

function quote(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/**
 * A problem with the value, as a message without the option name (the caller adds file, line
 * and key), or undefined when the value is valid.
 */
export function checkOptionValue(option: OptionSpec, raw: RawOptionValue): string | undefined {
  if (typeof raw === 'number' && !Number.isFinite(raw))
    return `${raw} is not a number GMS can read`;
  const value = optionValueString(raw);
  // domain rule (DESIGN.md "Rendering is injection-proof"): one INI line per option.
  if (/[\r\n\0]/.test(value)) return 'a value cannot contain a line break or NUL character';
  switch (option.type) {
    case 'boolean':
      if (value !== 'true' && value !== 'false')
        return `expected true or false, got ${JSON.stringify(value)}`;
      return undefined;
    case 'integer': {
      if (!INTEGER.test(value)) return `expected an integer, got ${JSON.stringify(value)}`;
      const n = Number(value);
      if (option.min !== undefined && n < option.min)
        return `${value} is below the minimum ${option.min}${option.unit ? ` ${option.unit}` : ''}`;
      if (option.max !== undefined && n > option.max)
        return `${value} is above the maximum ${option.max}${option.unit ? ` ${option.unit}` : ''}`;
      return undefined;
    }
    case 'enum':
      if (!option.validValues?.includes(value))
        return `${JSON.stringify(value)} is not one of ${quote(option.validValues ?? [])}`;
      return undefined;
    case 'list': {
      const bad = listMembers(value).filter((m) => !option.validValues?.includes(m));
      if (bad.length > 0)
        return `${quote(bad)} ${bad.length === 1 ? 'is' : 'are'} not valid here; expected a comma-separated list of ${quote(option.validValues ?? [])}`;
      return undefined;
    }
    case 'url': {
      if (value === '') return undefined;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return `${JSON.stringify(value)} is not a valid URL`;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        return `${JSON.stringify(value)} is not an http or https URL`;
      return undefined;
    }
    case 'string':
      if (option.pattern && value !== '' && !new RegExp(option.pattern).test(value))
        return `${JSON.stringify(value)} does not match ${option.patternHint ?? option.pattern}`;
      return undefined;
  }
}

export interface VersionGateProblem {
  /** The option itself, or one member of a list value. */
  subject: string;
  required: string;
  message: string;
}

/**
 * Version gates the value misses on a GMS version: the option's `introduced`, and per-member
 * `valueIntroduced` of enum/list values. Chat Server options are never gated by GMS versions;
 * a malformed `gmsVersion` yields nothing (the version rule reports it).
 */
export function checkOptionVersion(
  option: OptionSpec,
  raw: RawOptionValue,
  gmsVersion: string,
): VersionGateProblem[] {
  if (option.application === 'chat-server' || !tryParseVersion(gmsVersion)) return [];
  const problems: VersionGateProblem[] = [];
  if (option.introduced && !isAtLeast(gmsVersion, option.introduced)) {
    problems.push({
      subject: option.name,
      required: option.introduced,
      message: `${option.name} was introduced in GMS ${option.introduced}; the target version is ${gmsVersion}`,
    });
  }
  if (option.valueIntroduced) {
    const value = optionValueString(raw);
    const members = option.type === 'list' ? listMembers(value) : [value];
    for (const m of members) {
      const required = option.valueIntroduced[m];
      if (required && !isAtLeast(gmsVersion, required)) {
        problems.push({
          subject: `${option.name}=${m}`,
          required,
          message: `${option.name} value ${m} needs GMS ${required}+; the target version is ${gmsVersion}`,
        });
      }
    }
  }
  return problems;
}
