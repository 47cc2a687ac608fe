/**
 * What `gmsctl validate` loads (issue 2, "Performance"): the schemas come precompiled
 * (ADR 0015), so ajv's compiler is never loaded for the API's own schemas, and the report is
 * the same as always.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, gmsctl, ROOT } from './run-cli.js';

/** Runs main() of the built CLI in a fresh process; returns the CommonJS modules it loaded. */
function loadedModules(args: string[]): { code: number | null; stdout: string; cjs: string[] } {
  const main = pathToFileURL(join(ROOT, 'dist/cli/main.js')).href;
  const script = `
    import { createRequire } from 'node:module';
    const { main } = await import(${JSON.stringify(main)});
    await main(${JSON.stringify(args)});
    const cache = Object.keys(createRequire(import.meta.url).cache);
    process.stderr.write('\\nCJS ' + JSON.stringify(cache) + '\\n');
  `;
  const r = spawnSync(join(ROOT, 'node_modules/.bin/node'), ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  const m = /\nCJS (.*)\n/.exec(r.stderr);
  if (!m) throw new Error(`no module list:\n${r.stderr}`);
  return { code: r.status, stdout: r.stdout, cjs: JSON.parse(m[1]!) as string[] };
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
});
