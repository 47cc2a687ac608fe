/**
 * Reading a command's options without loading yargs, for the plain command lines CI runs
 * (`gmsctl validate --format sarif --output x.sarif deploy/`). Loading yargs (with cliui,
 * y18n and string-width) costs about 40 ms of every run, a noticeable share of a 10,000-file
 * `gmsctl validate` (issue 2, "Performance").
 *
 * This parser is deliberately partial: it returns the arguments yargs would produce only when
 * the command line uses nothing but `--long value`, `--long=value`, known booleans and plain
 * positionals; for anything else (help, unknown or repeated options, arrays, negations, short
 * flags, `--`, values yargs would coerce or consume differently) it returns undefined and the
 * caller parses with yargs as before, so errors, help and every edge case stay yargs'.
 * test/unit/cli/quick-args.test.ts compares both parsers on many command lines.
 */

export interface QuickSpec {
  /** `--name value` options (kebab-case, as on the command line). */
  strings: readonly string[];
  /** `--name` flags. */
  booleans: readonly string[];
  /** Allowed values of some string options. */
  choices?: Readonly<Record<string, readonly string[]>>;
  /** Default values (by kebab-case name). */
  defaults?: Readonly<Record<string, string | boolean>>;
}

/** What yargs-parser turns into a number in `_` (its looksLikeNumber, plus 0123 to be safe). */
const NUMBER_LIKE = /^(?:0x[0-9a-f]+|-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)$/i;
const LONG_OPTION = /^--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:=([\s\S]*))?$/;

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * The arguments object yargs would give the command (`_`, kebab-case and camelCase keys,
 * defaults), or undefined when the command line needs yargs.
 */
export function quickArgs(
  argv: readonly string[],
  spec: QuickSpec,
): Record<string, unknown> | undefined {
  const strings = new Set(spec.strings);
  const booleans = new Set(spec.booleans);
  const values = new Map<string, string | boolean>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '-' || !token.startsWith('-')) {
      if (NUMBER_LIKE.test(token)) return undefined;
      positionals.push(token);
      continue;
    }
    const m = LONG_OPTION.exec(token);
    if (!m) return undefined; // --, short flags, camelCase, dots ...
    const name = m[1]!;
    if (values.has(name)) return undefined; // yargs would make an array
    if (booleans.has(name)) {
      if (m[2] !== undefined) return undefined;
      const next = argv[i + 1];
      if (next === 'true' || next === 'false') return undefined; // yargs consumes it
      values.set(name, true);
      continue;
    }
    if (!strings.has(name)) return undefined; // unknown, --help, --no-x, arrays
    let value = m[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) return undefined;
      value = next;
      i++;
    }
    const allowed = spec.choices?.[name];
    if (allowed && !allowed.includes(value)) return undefined;
    values.set(name, value);
  }
  const args: Record<string, unknown> = { _: positionals };
  for (const [name, value] of Object.entries(spec.defaults ?? {}))
    if (!values.has(name)) values.set(name, value);
  for (const [name, value] of values) {
    args[name] = value;
    args[camel(name)] = value;
  }
  return args;
}
