/**
 * What `gmsctl validate` loads (issue 2, "Performance"): the schemas come precompiled
 * (ADR 0015), so ajv's compiler is never loaded for the API's own schemas; plain command lines
 * are read without yargs (src/cli/quick-args.ts), and --help still goes through yargs. Also the
 * SARIF helpUri base: --rules-base-url, GMSCTL_RULES_BASE_URL, package.json repository.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, gmsctl, ROOT } from './run-cli.js';

/**
 * Runs main() of the built CLI in a fresh process; returns its output and the modules it loaded
 * (ES modules through a load hook, CommonJS from the require cache).
 */
function loadedModules(args: string[]): {
  code: number | null;
  stdout: string;
  esm: string[];
  cjs: string[];
} {
  const main = pathToFileURL(join(ROOT, 'dist/cli/main.js')).href;
  const script = `
    import { createRequire, registerHooks } from 'node:module';
    const esm = [];
    registerHooks({ load(url, context, next) { esm.push(url); return next(url, context); } });
    const { main } = await import(${JSON.stringify(main)});
    await main(${JSON.stringify(args)});
    const cjs = Object.keys(createRequire(import.meta.url).cache);
    process.stderr.write('\\nMODULES ' + JSON.stringify({ esm, cjs }) + '\\n');
  `;
  const r = spawnSync(join(ROOT, 'node_modules/.bin/node'), ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  const m = /\nMODULES (.*)\n/.exec(r.stderr);
  if (!m) throw new Error(`no module list:\n${r.stderr}`);
  const { esm, cjs } = JSON.parse(m[1]!) as { esm: string[]; cjs: string[] };
  return { code: r.status, stdout: r.stdout, esm, cjs };
}

describe('gmsctl validate start-up', () => {
  beforeAll(() => ensureBuilt());

  it('never loads the ajv compiler, clean inputs or not', () => {
    for (const paths of [['examples'], ['examples/bad/schema.yaml']]) {
      const r = loadedModules(['validate', '--format', 'json', ...paths]);
      const report = JSON.parse(r.stdout) as { summary: { documents: number; errors: number } };
      expect(report.summary.documents).toBeGreaterThan(0);
      const ajv = r.cjs.filter((p) => p.includes('/node_modules/ajv/'));
      // Only ajv's tiny runtime helpers (ucs2length for maxLength) are required by the
      // generated code; core.js / compile/ are the compiler.
      expect(ajv.length).toBeGreaterThan(0);
      expect(ajv.every((p) => p.includes('/node_modules/ajv/dist/runtime/'))).toBe(true);
    }
  });

  it('reports schema errors from the precompiled validators with did-you-mean', () => {
    const r = gmsctl(['validate', '--format', 'json', 'examples/bad/schema.yaml']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { diagnostics: { rule: string; message: string }[] };
    expect(report.diagnostics.filter((d) => d.rule === 'schema').map((d) => d.message)).toEqual([
      'spec.expose.mode must be one of "ingress-nginx", "nginx", "haproxy", "apache", "gateway-api", "none", not "haproxi"; did you mean haproxy?',
    ]);
  });

  it('reads a plain command line without loading yargs, and --help with it', () => {
    const plain = loadedModules(['validate', '--format', 'json', '--strict', 'examples']);
    expect(JSON.parse(plain.stdout).summary.documents).toBeGreaterThan(0);
    expect(plain.esm.filter((u) => u.includes('/node_modules/yargs'))).toEqual([]);
    const help = loadedModules(['validate', '--help']);
    expect(help.esm.some((u) => u.includes('/node_modules/yargs/'))).toBe(true);
    expect(help.stdout).toContain('--rules-base-url');
    expect(help.stdout).toContain('--format');
  });
});

describe('SARIF helpUri base', () => {
  beforeAll(() => ensureBuilt());
  const helpUris = (stdout: string): (string | undefined)[] =>
    (
      JSON.parse(stdout) as { runs: { tool: { driver: { rules: { helpUri?: string }[] } } }[] }
    ).runs[0]!.tool.driver.rules.map((r) => r.helpUri);
  const args = ['validate', '--format', 'sarif', 'examples/bad/schema.yaml'];

  it('is left out by default (package.json has no repository): no made-up URL', () => {
    const r = gmsctl(args, { env: { GMSCTL_RULES_BASE_URL: undefined } });
    expect(r.code).toBe(1);
    expect(helpUris(r.stdout).every((u) => u === undefined)).toBe(true);
  });

  it('comes from --rules-base-url, before GMSCTL_RULES_BASE_URL', () => {
    const env = { GMSCTL_RULES_BASE_URL: 'https://env.example.com/gmsctl/rules' };
    const fromEnv = helpUris(gmsctl(args, { env }).stdout);
    expect(fromEnv).toContain('https://env.example.com/gmsctl/rules/schema.md');
    const fromFlag = helpUris(
      gmsctl([...args, '--rules-base-url', 'https://docs.example.com/rules/'], { env }).stdout,
    );
    expect(fromFlag).toContain('https://docs.example.com/rules/schema.md');
    expect(fromFlag.every((u) => u?.startsWith('https://docs.example.com/rules/'))).toBe(true);
    // An empty flag switches it off.
    const off = helpUris(gmsctl([...args, '--rules-base-url='], { env }).stdout);
    expect(off.every((u) => u === undefined)).toBe(true);
  });

  it('a malformed base is a usage error (exit 2, one line), a malformed variable only for SARIF', () => {
    const r = gmsctl([...args, '--rules-base-url', 'docs/rules']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      'gmsctl validate: --rules-base-url "docs/rules" is not an absolute URL (e.g. https://github.com/org/repo/blob/main/docs/rules/)',
    );
    const env = { GMSCTL_RULES_BASE_URL: 'not a url' };
    expect(gmsctl(args, { env }).code).toBe(2);
    expect(gmsctl(['validate', '--format', 'json', 'examples/bad/schema.yaml'], { env }).code).toBe(
      1,
    );
  });
});
