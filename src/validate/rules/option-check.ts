/**
 * One option entry (`key: value` in a ChatService/PushProvider option map, or `key=value` in an
 * INI section) against the catalog: option-unknown, option-placement, option-type,
 * option-value, version-gate, inline-credential and injection. Shared by the manifest rules
 * and the INI rules, so a key means the same thing in YAML and in gms.ini.
 */
import {
  checkOptionValue,
  checkOptionVersion,
  isCredentialKey,
  looksLikeCredentialKey,
  optionValueString,
  placementOf,
  sectionPatternOf,
  type OptionSpec,
  type Placement,
  type SectionPattern,
} from '../../catalog/index.js';
import { iniKeyProblem, iniValueProblem, printable } from './deps.js';
import type { Severity } from '../diagnostic.js';

export interface OptionProblem {
  rule: string;
  message: string;
  at: 'key' | 'value';
  severity?: Severity;
}

/** A GMS version an entry is judged against, and how to name where it comes from. */
export interface VersionContext {
  version: string;
  /** e.g. `spec.gms.version` or `--gms-version` or `ChatService x (spec.gms.version)`. */
  source: string;
}

export interface OptionSite {
  /** Concrete section the entry lands in: `chat.customer-support`, `push.provider.fcmprod`. */
  section: string;
  /** Where the user should write an option of another section, or undefined to just name it. */
  whereFor: (pattern: SectionPattern) => string | undefined;
  /** Versions to gate by (none: no version gating). */
  versions: readonly VersionContext[];
  /** Whether a credential may appear here (only secrets.ini); otherwise inline-credential. */
  credentialsAllowed: boolean;
  /**
   * Check that the value can be written to INI text (injection). Off for INI files: their
   * values were read from INI text already, and the parser reports control characters.
   */
  checkValueSafety?: boolean;
  /**
   * The memo of entries for this site's section pattern, versions and flags, set on first use
   * (checkOptionEntry); sites made per object can copy it from a site of the same kind.
   */
  verdicts?: VerdictsByKey;
}

/**
 * Catalog look-ups repeat across thousands of manifests (the same keys in every ChatService),
 * so they are memoised; placement depends on the section's pattern, not its concrete name.
 */
const placementCache = new Map<string, Placement>();
const credentialCache = new Map<string, boolean>();

function cachedPlacement(section: string, key: string): Placement {
  const pattern = sectionPatternOf(section);
  if (pattern === undefined) return placementOf(section, key);
  const k = `${pattern}\0${key}`;
  let p = placementCache.get(k);
  if (!p) {
    p = placementOf(section, key);
    if (placementCache.size < 10_000) placementCache.set(k, p);
  }
  return p;
}

function cachedIsCredential(key: string): boolean {
  let c = credentialCache.get(key);
  if (c === undefined) {
    c = isCredentialKey(key);
    if (credentialCache.size < 10_000) credentialCache.set(key, c);
  }
  return c;
}

/**
 * Key names that look like credentials although the catalog does not list them (catalog
 * looksLikeCredentialKey): better to ask for a Secret reference than to render a password into
 * a ConfigMap.
 */
const credentialLike = new Map<string, boolean>();

export function looksLikeCredential(key: string): boolean {
  let v = credentialLike.get(key);
  if (v === undefined) {
    v = looksLikeCredentialKey(key);
    if (credentialLike.size < 10_000) credentialLike.set(key, v);
  }
  return v;
}

const TYPE_OF = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'a list'
      : typeof v === 'object'
        ? 'a mapping'
        : typeof v;

function sectionsText(sections: readonly SectionPattern[]): string {
  return sections.map((s) => `[${s}]`).join(' or ');
}

function whereText(site: OptionSite, sections: readonly SectionPattern[]): string {
  const places = sections.map((s) => site.whereFor(s)).filter((s): s is string => s !== undefined);
  return places.length > 0 ? `; write it under ${[...new Set(places)].join(' or ')}` : '';
}

/**
 * What an entry's key decides, memoised for keys that are fine where they are written (the
 * same options recur in every manifest of a repository): the option, and the values already
 * found clean with it. By everything that decides it: the site's flags, the section's pattern
 * (not its name: manifests make a site per object, named after it), the versions gated by and
 * the key; nested maps on the strings themselves, so no key string is built per entry.
 */
interface KeyVerdict {
  option: OptionSpec | undefined;
  cleanValues: Set<string | number | boolean>;
}

export type VerdictsByKey = Map<string, KeyVerdict>;
const verdicts = [
  new Map<string, Map<string, VerdictsByKey>>(),
  new Map<string, Map<string, VerdictsByKey>>(),
  new Map<string, Map<string, VerdictsByKey>>(),
  new Map<string, Map<string, VerdictsByKey>>(),
];
/** Bounds: a long-running operator validates many objects over its lifetime. */
let verdictCount = 0;
let cleanValueCount = 0;
const MAX_VERDICTS = 10_000;
const MAX_CLEAN_VALUES = 50_000;

function versionsKey(site: OptionSite): string {
  const v = site.versions;
  return v.length === 0 ? '' : v.length === 1 ? v[0]!.version : v.map((x) => x.version).join(',');
}

/** The memo of a site's keys (kept on the site), or undefined for a section without a pattern. */
export function verdictsFor(site: OptionSite): VerdictsByKey | undefined {
  if (site.verdicts !== undefined) return site.verdicts;
  const pattern = sectionPatternOf(site.section);
  if (pattern === undefined) return undefined;
  const byPattern =
    verdicts[(site.credentialsAllowed ? 2 : 0) + (site.checkValueSafety === false ? 1 : 0)]!;
  let byVersions = byPattern.get(pattern);
  if (!byVersions) byPattern.set(pattern, (byVersions = new Map()));
  const versions = versionsKey(site);
  let byKey = byVersions.get(versions);
  if (!byKey) byVersions.set(versions, (byKey = new Map()));
  site.verdicts = byKey;
  return byKey;
}

/**
 * checkOptionVersion, memoised by option and version for options whose gate does not depend on
 * the value (no per-value `valueIntroduced`): thousands of entries share a few versions.
 */
const optionGates = new WeakMap<OptionSpec, Map<string, ReturnType<typeof checkOptionVersion>>>();
function optionVersionGates(
  option: OptionSpec,
  value: string | number | boolean,
  version: string,
): ReturnType<typeof checkOptionVersion> {
  if (option.valueIntroduced) return checkOptionVersion(option, value, version);
  let byVersion = optionGates.get(option);
  if (!byVersion) optionGates.set(option, (byVersion = new Map()));
  let gates = byVersion.get(version);
  if (!gates) {
    gates = checkOptionVersion(option, value, version);
    if (byVersion.size < 1_000) byVersion.set(version, gates);
  }
  return gates;
}

/** Everything wrong with one entry; empty when it is fine. */
export function checkOptionEntry(site: OptionSite, key: string, value: unknown): OptionProblem[] {
  const problems: OptionProblem[] = [];
  const memo = verdictsFor(site);
  let known = memo?.get(key);
  if (!known) {
    const option = checkKey(site, key, problems);
    if (option === STOP) return problems;
    if (!memo || problems.length > 0 || verdictCount >= MAX_VERDICTS) {
      checkValue(site, key, value, option, problems);
      return problems;
    }
    verdictCount++;
    memo.set(key, (known = { option, cleanValues: new Set() }));
  }
  // The key is fine here: only the value is left to check.
  const scalar =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
  if (scalar && known.cleanValues.has(value)) return problems;
  checkValue(site, key, value, known.option, problems);
  if (scalar && problems.length === 0 && cleanValueCount < MAX_CLEAN_VALUES) {
    cleanValueCount++;
    known.cleanValues.add(value);
  }
  return problems;
}

const STOP = Symbol('stop');

/**
 * What the key alone says (problems pushed): STOP when the value is not to be looked at, else
 * the catalog option (undefined for an unknown one).
 */
function checkKey(
  site: OptionSite,
  key: string,
  problems: OptionProblem[],
): OptionSpec | undefined | typeof STOP {
  const keyProblem = iniKeyProblem(key);
  if (keyProblem) {
    problems.push({
      rule: 'injection',
      at: 'key',
      message: `option key "${printable(key)}" cannot be written to [${site.section}]: ${keyProblem}`,
    });
    return STOP;
  }

  const placement = cachedPlacement(site.section, key);
  // An unknown key, or any key of an unknown section ([server] ssl.keystorePassword), that looks
  // like a credential is treated as one.
  const credential =
    cachedIsCredential(key) ||
    ((placement.status === 'unknown' || placement.status === 'unknown-section') &&
      looksLikeCredential(key));
  if (credential && !site.credentialsAllowed) {
    problems.push({
      rule: 'inline-credential',
      at: 'key',
      message: `${key} is a credential and must not be written inline; ${credentialHint(key)}`,
    });
    return STOP;
  }

  switch (placement.status) {
    case 'ok':
      return placement.option;
    case 'forbidden':
      problems.push({
        rule: 'option-placement',
        at: 'key',
        message: `${key} cannot be set in [${site.section}]: ${placement.reason}${/spec\./.test(placement.reason) ? '' : whereText(site, placement.option.sections)}`,
      });
      return undefined;
    case 'misplaced':
      problems.push({
        rule: 'option-placement',
        at: 'key',
        message: `${key} belongs in ${sectionsText(placement.sections)}, not [${site.section}]${whereText(site, placement.sections)}`,
      });
      return undefined;
    case 'unknown-section':
      // Reported once for the whole section by the INI rules.
      return undefined;
    case 'unknown': {
      const s = placement.suggestion;
      const hint = s
        ? `; did you mean ${s.name}${s.inSection ? '' : ` (in ${sectionsText(s.sections)})`}?`
        : '';
      problems.push({
        rule: 'option-unknown',
        at: 'key',
        message: `unknown option ${key} in [${site.section}]${hint} (it is passed through to GMS and treated as restart-required)`,
      });
      return undefined;
    }
  }
}

/** What the value says, given the key's option (undefined: unknown, only its safety). */
function checkValue(
  site: OptionSite,
  key: string,
  value: unknown,
  option: OptionSpec | undefined,
  problems: OptionProblem[],
): void {
  if (value === null || typeof value === 'object') {
    problems.push({
      rule: 'option-type',
      at: 'value',
      message: `${key} must be a string, number or boolean, not ${TYPE_OF(value)}${value === null ? " (write '' for an empty value, or remove the key)" : ''}`,
    });
    return;
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return;

  const text = optionValueString(value);
  const valueProblem = site.checkValueSafety === false ? undefined : iniValueProblem(text);
  if (valueProblem) {
    problems.push({ rule: 'injection', at: 'value', message: `${key}: ${valueProblem}` });
    return;
  }
  if (!option) return;

  const typeProblem = checkType(option, text);
  if (typeProblem) {
    problems.push({ rule: 'option-type', at: 'value', message: `${key}: ${typeProblem}` });
    return;
  }
  const valueMessage = checkOptionValue(option, value);
  if (valueMessage) {
    problems.push({ rule: 'option-value', at: 'value', message: `${key}: ${valueMessage}` });
    return;
  }
  for (const v of site.versions) {
    for (const gate of optionVersionGates(option, value, v.version)) {
      problems.push({
        rule: 'version-gate',
        at: gate.subject === option.name || gate.subject === key ? 'key' : 'value',
        message: `${gate.subject === option.name ? key : gate.subject} needs GMS ${gate.required}+, but ${v.source} is ${v.version}`,
      });
    }
  }
}

function checkType(option: OptionSpec, text: string): string | undefined {
  if (option.type === 'boolean' && text !== 'true' && text !== 'false')
    return `expected true or false, got ${JSON.stringify(printable(text))}`;
  if (option.type === 'integer' && !/^-?[0-9]+$/.test(text))
    return `expected an integer, got ${JSON.stringify(printable(text))}`;
  return undefined;
}

function credentialHint(key: string): string {
  if (/^(debug\.)?fcm\.apiKey$/.test(key))
    return 'reference a Secret from the PushProvider (spec.fcm.apiKeySecretRef / debugApiKeySecretRef)';
  if (/^apple\.keystore/.test(key))
    return 'reference Secrets from the PushProvider (spec.apple.keystoreSecretRef, keystorePasswordSecretRef)';
  if (/^auth\.basic\./.test(key))
    return 'reference a Secret from the ChatService (spec.auth.basic.secretRef)';
  return 'keep it in a Secret and reference it (credentials never go into a ConfigMap)';
}
