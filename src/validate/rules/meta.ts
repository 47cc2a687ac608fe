/**
 * Every rule gmsctl validate reports, with its default severity and a one-line summary. The id
 * is stable (users suppress and search by it) and each has a page at docs/rules/<id>.md with
 * why, an example and the fix; test/unit/validate/rule-docs.test.ts keeps the two in step.
 */
import type { Severity } from '../diagnostic.js';

export interface RuleMeta {
  id: string;
  severity: Severity;
  summary: string;
}

const RULES: readonly RuleMeta[] = [
  // Reading the input
  {
    id: 'file-encoding',
    severity: 'error',
    summary: 'The file is binary, UTF-16 or not valid UTF-8.',
  },
  {
    id: 'file-too-large',
    severity: 'error',
    summary: 'The file is larger than the size cap (--max-file-size).',
  },
  {
    id: 'file-empty',
    severity: 'warning',
    summary: 'The file holds no YAML document or INI section.',
  },
  // YAML
  { id: 'yaml-syntax', severity: 'error', summary: 'The YAML cannot be parsed.' },
  { id: 'yaml-duplicate-key', severity: 'error', summary: 'A mapping has the same key twice.' },
  {
    id: 'yaml-alias-limit',
    severity: 'error',
    summary: 'The document expands too many aliases (a "billion laughs" document).',
  },
  // Manifests
  {
    id: 'schema',
    severity: 'error',
    summary: 'The object does not match the ChatService or PushProvider JSON Schema.',
  },
  {
    id: 'duplicate-object',
    severity: 'error',
    summary: 'The same kind, namespace and name appears twice.',
  },
  {
    id: 'reference',
    severity: 'error',
    summary: 'A ChatService names a PushProvider (or Secret) that the given files do not define.',
  },
  {
    id: 'provider-name',
    severity: 'error',
    summary:
      'A PushProvider name cannot be used as [push.provider.<name>] (short, letters and digits).',
  },
  {
    id: 'inline-credential',
    severity: 'error',
    summary: 'A credential is written inline instead of through a Secret reference.',
  },
  {
    id: 'injection',
    severity: 'error',
    summary: 'A value would break the INI or load-balancer text it is rendered into.',
  },
  {
    id: 'expose-mode',
    severity: 'error',
    summary: 'A spec.expose setting the load balancer of spec.expose.mode cannot carry out.',
  },
  // Options (manifests and INI files)
  {
    id: 'option-unknown',
    severity: 'warning',
    summary: 'The option is not in the catalog (typo?); it is passed through as restart-required.',
  },
  { id: 'option-placement', severity: 'error', summary: 'The option belongs in another section.' },
  {
    id: 'option-type',
    severity: 'error',
    summary: 'The option value has the wrong type (e.g. not true/false, not an integer).',
  },
  {
    id: 'option-value',
    severity: 'error',
    summary: 'The option value is outside its valid values or range.',
  },
  // Versions
  {
    id: 'version-gate',
    severity: 'error',
    summary: 'An option or feature needs a newer GMS than spec.gms.version (or --gms-version).',
  },
  {
    id: 'chat-server-version',
    severity: 'error',
    summary: 'The CometD API needs Chat Server 8.5.108+ and GMS 8.5.109.05+.',
  },
  {
    id: 'push-enabled-comet',
    severity: 'warning',
    summary: 'From GMS 8.5.103.10, pushEnabled must include comet.',
  },
  // INI files (problems found by the positional parser of src/config)
  {
    id: 'ini-syntax',
    severity: 'error',
    summary: 'A line is not a [section], key=value, comment or blank line.',
  },
  {
    id: 'ini-duplicate-key',
    severity: 'error',
    summary: 'A key appears twice in the same section.',
  },
  {
    id: 'ini-duplicate-section',
    severity: 'warning',
    summary: 'A [section] header appears twice.',
  },
  {
    id: 'ini-encoding',
    severity: 'error',
    summary: 'The INI text holds control characters or is not UTF-8.',
  },
];

const BY_ID = new Map<string, RuleMeta>(RULES.map((r) => [r.id, r]));

/** Extra rules registered at run time (file checkers from the cli layer, e.g. nginx lint). */
const extra = new Map<string, RuleMeta>();

export function registerRules(rules: readonly RuleMeta[]): void {
  for (const r of rules) if (!BY_ID.has(r.id)) extra.set(r.id, r);
}

export function allRules(): readonly RuleMeta[] {
  return [...RULES, ...extra.values()];
}

export function builtinRules(): readonly RuleMeta[] {
  return RULES;
}

export function ruleMeta(id: string): RuleMeta | undefined {
  return BY_ID.get(id) ?? extra.get(id);
}

export function ruleSeverity(id: string): Severity {
  return ruleMeta(id)?.severity ?? 'error';
}

/**
 * The page of a rule under `baseUrl` (where docs/rules/ is published, ending in `/`), for
 * SARIF `helpUri`; undefined without a base. There is no built-in default: SARIF allows
 * helpUri to be absent, and a guessed URL would send users to a page that does not exist. The
 * cli picks the base (--rules-base-url, GMSCTL_RULES_BASE_URL, package.json `repository`:
 * format/rules-base-url.ts).
 */
export function ruleDocsUrl(id: string, baseUrl: string | undefined): string | undefined {
  return baseUrl === undefined ? undefined : `${baseUrl}${encodeURIComponent(id)}.md`;
}
