/**
 * client-node's KubeConfig loaded without its generated API layer (src/operator/runtime/kube/
 * kubeconfig.ts, docs/adr/0018): the redirect must cover exactly what client-node's config.js
 * imports from './gen/index.js', must keep every generated model and API class out of the
 * process, and must leave KubeConfig working (credentials become headers and a dispatcher).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  GEN_INDEX_SPECIFIER,
  GEN_NAMES,
  narrowGenModule,
} from '../../../../src/operator/runtime/kube/kubeconfig.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const CLIENT_NODE_DIST = join(
  dirname(
    createRequire(join(ROOT, 'package.json')).resolve('@kubernetes/client-node/package.json'),
  ),
  'dist',
);
const dir = mkdtempSync(join(tmpdir(), 'gms-kubeconfig-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the narrowed client-node config module', () => {
  it("covers every name client-node's config.js imports from './gen/index.js'", () => {
    const source = readFileSync(join(CLIENT_NODE_DIST, 'config.js'), 'utf8');
    const imports = [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)].filter(
      (m) => m[2] === GEN_INDEX_SPECIFIER,
    );
    expect(imports).toHaveLength(1);
    const names = imports[0]![1]!
      .split(',')
      .map((s) => s.trim().split(/\s+as\s+/)[0]!)
      .filter(Boolean)
      .sort();
    expect(names).toEqual(Object.keys(GEN_NAMES).sort());
    // No default or namespace import of gen/index.js either.
    expect(source).not.toMatch(/import\s+\*\s+as\s+\w+\s+from\s+['"]\.\/gen\/index\.js['"]/);
  });

  it('re-exports each name from the small module that defines it', async () => {
    const configUrl = pathToFileURL(join(CLIENT_NODE_DIST, 'config.js')).href;
    const shim = (await import(narrowGenModule(configUrl))) as Record<string, unknown>;
    const full = (await import(
      pathToFileURL(join(CLIENT_NODE_DIST, 'gen/index.js')).href
    )) as Record<string, unknown>;
    for (const name of Object.keys(GEN_NAMES)) {
      expect(typeof shim[name], name).toBe('function');
      // The very same function or class the full index exports.
      expect(shim[name], name).toBe(full[name]);
    }
  });

  it('loads KubeConfig without any generated model or API class, and it still authenticates', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: c',
        '  cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}',
        'users:',
        '- name: u',
        '  user: {token: "s3cr3t-token"}',
        'contexts:',
        '- name: x',
        '  context: {cluster: c, user: u}',
        'current-context: x',
        '',
      ].join('\n'),
    );
    // A fresh Node process (the test runner itself may have loaded client-node whole), running
    // the TypeScript source directly (Node 24 strips types; kubeconfig.ts has no relative imports).
    const script = `
      import { registerHooks } from 'node:module';
      const urls = [];
      registerHooks({ load(url, ctx, next) { urls.push(url); return next(url, ctx); } });
      const { loadKubeConfig } = await import(${JSON.stringify(
        pathToFileURL(join(ROOT, 'src/operator/runtime/kube/kubeconfig.ts')).href,
      )});
      const kc = await loadKubeConfig(process.argv[1]);
      const { HttpMethod, RequestContext } = await import('@kubernetes/client-node/dist/gen/http/http.js');
      const ctx = new RequestContext(kc.getCurrentCluster().server + '/', HttpMethod.GET);
      await kc.applySecurityAuthentication(ctx);
      process.stdout.write(JSON.stringify({
        urls,
        cluster: kc.getCurrentCluster().server,
        headers: ctx.getHeaders(),
        dispatcher: ctx.getDispatcher()?.constructor.name,
      }));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--no-warnings', '--input-type=module', '-e', script, kubeconfig],
      { cwd: ROOT },
    );
    const out = JSON.parse(stdout) as {
      urls: string[];
      cluster: string;
      headers: Record<string, string>;
      dispatcher: string;
    };
    const clientNode = out.urls.filter((u) => u.includes('/@kubernetes/client-node/dist/'));
    expect(clientNode.some((u) => u.endsWith('/dist/config.js'))).toBe(true);
    expect(
      clientNode.filter((u) => /\/dist\/(index\.js|gen\/(index|models|apis|types)\b)/.test(u)),
    ).toEqual([]);
    expect(out.cluster).toBe('https://127.0.0.1:6443');
    expect(out.headers.Authorization ?? out.headers.authorization).toBe('Bearer s3cr3t-token');
    expect(out.dispatcher).toBe('Agent');
  });

  it('names the problem when there is no usable kubeconfig', async () => {
    const { loadKubeConfig } = await import('../../../../src/operator/runtime/kube/kubeconfig.js');
    await expect(loadKubeConfig(join(dir, 'missing'))).rejects.toThrow(/ENOENT|no such file/);
  });
});
