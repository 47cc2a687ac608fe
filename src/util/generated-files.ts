/**
 * Checked-in generated files: `npm run generate` (CRDs, JSON Schemas, docs/options.md from
 * src/api and src/catalog) and `npm run generate:validators` (the precompiled ajv validators)
 * write and check them the same way. Each file goes to a temp file first and is then renamed,
 * so a generator killed half-way leaves no half-written file; `--check` lists what differs
 * instead of writing (CI, pre-commit), and the drift tests compare the same way.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Paths of `files` (repository-relative -> content) whose file under `root` differs or is missing. */
export function filesOutOfDate(root: string, files: ReadonlyMap<string, string>): string[] {
  const drifted: string[] = [];
  for (const [path, content] of files) {
    let current: string | undefined;
    try {
      current = readFileSync(join(root, path), 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== content) drifted.push(path);
  }
  return drifted;
}

function writeAtomically(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/**
 * A generator's command line: with `--check`, name every out-of-date file on stderr and
 * return 1 when there is one; otherwise write them all. `command` is what regenerates them.
 */
export function runGenerator(
  argv: string[],
  root: string,
  files: () => ReadonlyMap<string, string>,
  command: string,
): number {
  if (argv.includes('--check')) {
    const drifted = filesOutOfDate(root, files());
    for (const p of drifted)
      process.stderr.write(`generate: ${p} is out of date; run ${command}\n`);
    return drifted.length === 0 ? 0 : 1;
  }
  for (const [path, content] of files()) {
    writeAtomically(join(root, path), content);
    process.stdout.write(`generate: wrote ${path}\n`);
  }
  return 0;
}
