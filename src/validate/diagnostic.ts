/**
 * One finding of `gmsctl validate` (and of the operator's admission webhook and ConfigValid
 * condition, which run the same rules). Line and column are 1-based; `file` is the path as the
 * user gave it ("-" for stdin, or the object reference inside the operator).
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  /** Stable rule id, documented at docs/rules/<rule>.md. */
  rule: string;
  message: string;
  endLine?: number;
  endColumn?: number;
  /**
   * The field the finding is about, as a dotted path (`spec.push.providers[1]`), when it comes
   * from a manifest. Objects validated in memory (the operator) have no line numbers, so this is
   * what tells the user where to look; formats that have a fixed shape (json) leave it out.
   */
  path?: string;
}

/** Counts printed by every output format. */
export interface ValidationSummary {
  /** Inputs read (files, and stdin when given). */
  files: number;
  /** YAML documents (including skipped kinds) plus INI files. */
  documents: number;
  errors: number;
  warnings: number;
  /** Documents of kinds gmsctl does not validate (Deployment, ConfigMap, ...), by kind. */
  skipped?: Record<string, number>;
}

/** Sort key: file order as given, then position, then rule. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.line - b.line ||
    a.column - b.column ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}

export function countSeverities(diagnostics: readonly Diagnostic[]): {
  errors: number;
  warnings: number;
} {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings };
}
