import type { Diagnostic, ValidationSummary } from '../diagnostic.js';
import type { RuleMeta } from '../rules/meta.js';

export interface Report {
  diagnostics: readonly Diagnostic[];
  summary: ValidationSummary;
}

export interface FormatOptions {
  /** Source text by file, for code frames (text format). */
  sources?: ReadonlyMap<string, string>;
  /** ANSI colors (text format); callers decide from TTY and NO_COLOR / FORCE_COLOR. */
  color?: boolean;
  /** Rules for the SARIF rules table (default: every known rule). */
  rules?: readonly RuleMeta[];
  /** gmsctl version for SARIF tool.driver.version. */
  toolVersion?: string;
  /**
   * Where docs/rules/ is published (absolute, ending in `/`), for SARIF helpUri and
   * informationUri; both are left out without it (see rules-base-url.ts).
   */
  rulesBaseUrl?: string;
  /**
   * Paths that could not be read (the command exits 2 and names them on stderr): the text
   * summary then never shows the all-clear mark.
   */
  unreadable?: readonly string[];
}

export const FORMATS = ['text', 'json', 'sarif', 'github', 'junit'] as const;
export type FormatName = (typeof FORMATS)[number];
