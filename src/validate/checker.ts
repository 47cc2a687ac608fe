/**
 * File checkers beyond manifests and GMS INI: the load-balancer linters of src/lb (nginx.conf,
 * haproxy.cfg, Apache httpd conf). validate may not import lb (imports flow validate -> lb), so
 * the cli layer registers them (src/cli/commands/validate-checkers.ts) and passes them in.
 */
import type { Diagnostic } from './diagnostic.js';
import type { RuleMeta } from './rules/meta.js';

export interface FileChecker {
  /** e.g. 'nginx'. */
  id: string;
  /** The rules the checker reports (SARIF rules table, docs/rules). */
  rules: readonly RuleMeta[];
  /**
   * Whether the file is this checker's, by name (`nginx.conf`, `*.haproxy.cfg`). Claimed files
   * are picked up by directory walks too, and win over the INI reading of `.cfg`.
   */
  claims(file: string): boolean;
  /** Diagnostics for the file's text; must not throw (a throw becomes one diagnostic). */
  check(file: string, text: string): Diagnostic[] | Promise<Diagnostic[]>;
}
