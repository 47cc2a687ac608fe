/**
 * Runs the built gmsctl (bin/gmsctl.js -> dist/) as a child process, the way users and CI run
 * it. Builds dist/ first when it is missing or older than the sources it is made from.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = join(ROOT, 'bin/gmsctl.js');
const NODE_BIN = join(ROOT, 'node_modules/.bin');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.ts'))
      newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

export function ensureBuilt(): void {
  const marker = join(ROOT, 'dist/cli/commands/validate.js');
  const sources = Math.max(
    ...['validate', 'cli', 'config', 'catalog', 'api'].map((d) =>
      newestMtime(join(ROOT, 'src', d)),
    ),
  );
  if (existsSync(marker) && statSync(marker).mtimeMs >= sources) return;
  // Test files run in parallel: one build at a time (flock), and a build that finished while
  // this one waited is not repeated.
  const script = `[ -f ${marker} ] && [ $(stat -c %Y ${marker}) -ge ${Math.floor(sources / 1000)} ] || ${join(NODE_BIN, 'tsc')} -p tsconfig.build.json`;
  const r = spawnSync('flock', ['/tmp/gmsctl-test-build.lock', 'sh', '-c', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  // Type errors elsewhere in the tree do not stop tsc from emitting; a missing CLI does.
  if (!existsSync(marker)) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function gmsctl(
  args: string[],
  opts: { input?: string | Buffer; cwd?: string; env?: Record<string, string | undefined> } = {},
): CliResult {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PATH: `${NODE_BIN}:${process.env.PATH}`,
    NO_COLOR: '1',
    GITHUB_ACTIONS: undefined,
    FORCE_COLOR: undefined,
    ...opts.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(join(NODE_BIN, 'node'), [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: env as NodeJS.ProcessEnv,
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A stack trace in output means an exception escaped. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+:\d+:\d+\)?$/m.test(text) || /\bError: .*\n\s+at /.test(text);
}
