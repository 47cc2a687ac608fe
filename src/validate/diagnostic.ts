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
}
