/**
 * The positional INI model: every section, key and value keeps its 1-based line and column,
 * so validation diagnostics point at the exact token (DESIGN.md, "config").
 */
export interface Position {
  line: number;
  column: number;
}

export interface IniEntry {
  /** Section the entry belongs to ('' for entries before any section header). */
  section: string;
  key: string;
  /** Value with surrounding whitespace trimmed; quotes are kept as written. */
  value: string;
  keyPos: Position;
  valuePos: Position;
}

export interface IniSection {
  name: string;
  /** Position of the section name (after the `[`). */
  pos: Position;
  entries: IniEntry[];
}

export type IniProblemRule =
  'ini-syntax' | 'ini-duplicate-key' | 'ini-duplicate-section' | 'ini-encoding';

/**
 * A problem the parser found. Severities (docs/config.md, "Parser"): `ini-syntax`,
 * `ini-duplicate-key` and `ini-encoding` are errors; `ini-duplicate-section` is a warning (the
 * keys of both headers merge into one section, which readers agree on).
 */
export interface IniProblem {
  rule: IniProblemRule;
  severity: 'error' | 'warning';
  message: string;
  line: number;
  column: number;
}

export interface IniDocument {
  /** Entries written before any `[section]` header (GMS ignores them; the validator reports them). */
  preamble: IniEntry[];
  /** Sections in file order; a duplicated section appears once per header (and is reported). */
  sections: IniSection[];
  problems: IniProblem[];
}
