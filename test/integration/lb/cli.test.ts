/**
 * `gmsctl render --target <lb>` and `gmsctl validate` on LB configs, through the built CLI
 * (bin/gmsctl.js -> dist/; `make test` builds first): the rendered nginx/HAProxy/Apache files
 * pass the servers' own checks, bad input is refused with the field named, and hand-written
 * configs get file:line:col diagnostics and exit 1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfig, freePort, tempDir, type RunnableTarget } from './harness.js';

function gmsctl(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/gmsctl.js', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const MANIFEST = `apiVersion: gms.chatops.io/v1alpha1
kind: ChatService
metadata: { name: support, namespace: cc }
spec:
  gms: { version: "8.5.219.03", replicas: 3 }
  chatServer: { version: "8.5.108.02", endpoints: [{ name: cs-1, host: chat-1.cc.svc, port: 4125 }] }
  expose: { mode: nginx, host: chat.example.com, affinity: cookie, gateway: { name: public-gw, experimental: true } }
`;

describe('gmsctl render --target', () => {
  it.each(['nginx', 'haproxy', 'apache'] as const)(
    '%s with --backend writes a config the server accepts',
    async (target: RunnableTarget) => {
      const port = await freePort();
      const dir = tempDir(`cli-${target}`);
      writeFileSync(join(dir, 'cs.yaml'), MANIFEST);
      const out = join(dir, 'out');
      const r = gmsctl([
        'render',
        '-f',
        join(dir, 'cs.yaml'),
        '--target',
        target,
        '--backend',
        '127.0.0.1:18081',
        '--backend',
        '127.0.0.1:18082',
        '-o',
        out,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const base = join(out, 'cc', 'support');
      expect(r.stdout).toContain(`wrote ${base}/`);
      const conf =
        target === 'nginx'
          ? 'nginx/nginx.conf'
          : target === 'haproxy'
            ? 'haproxy/haproxy.cfg'
            : 'apache/httpd.conf';
      expect(readFileSync(join(base, conf), 'utf8')).toContain('127.0.0.1:18082');
      if (target === 'apache') {
        // the standalone httpd.conf keeps its runtime files under /run/gms-lb by default
        const text = readFileSync(join(base, conf), 'utf8').replaceAll(
          '/run/gms-lb',
          join(base, 'run'),
        );
        writeFileSync(
          join(base, conf),
          text
            .replace(/^Listen .*$/gm, `Listen 127.0.0.1:${port}`)
            .replace(/<VirtualHost \*:80>/, `<VirtualHost *:${port}>`),
        );
        spawnSync('mkdir', ['-p', join(base, 'run')]);
      } else if (target === 'nginx') {
        writeFileSync(
          join(base, conf),
          readFileSync(join(base, conf), 'utf8').replace(/listen 80;/, `listen 127.0.0.1:${port};`),
        );
      }
      const check = checkConfig(target, base, join(base, conf));
      expect(check.code, check.output).toBe(0);
    },
  );

  it('ingress-nginx and gateway-api print YAML; without an output dir the main file goes to stdout', () => {
    const dir = tempDir('cli-k8s');
    writeFileSync(join(dir, 'cs.yaml'), MANIFEST);
    const ing = gmsctl(['render', '-f', join(dir, 'cs.yaml'), '--target', 'ingress-nginx']);
    expect(ing.code, ing.stderr).toBe(0);
    expect(ing.stdout).toContain('kind: Ingress');
    const gw = gmsctl(['render', '-f', join(dir, 'cs.yaml'), '--target', 'gateway-api']);
    expect(gw.code, gw.stderr).toBe(0);
    expect(gw.stdout).toContain('kind: HTTPRoute');
    expect(gw.stdout).toContain('sessionPersistence');
  });

  it('refuses an injected --backend host (exit 2) and an unusable expose field (exit 1), writing nothing', () => {
    const dir = tempDir('cli-bad');
    writeFileSync(
      join(dir, 'cs.yaml'),
      MANIFEST.replace('affinity: cookie', 'affinity: source-ip'),
    );
    const out = join(dir, 'out');
    const bad = gmsctl([
      'render',
      '-f',
      join(dir, 'cs.yaml'),
      '--target',
      'nginx',
      '--backend',
      'a;b:80',
      '-o',
      out,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--backend');
    const apache = gmsctl(['render', '-f', join(dir, 'cs.yaml'), '--target', 'apache', '-o', out]);
    expect(apache.code).toBe(1);
    expect(apache.stderr).toContain('spec.expose.affinity');
    expect(existsSync(out)).toBe(false);
  });
});

describe('gmsctl validate on load-balancer configs', () => {
  it('reports the GMS HAProxy sample at file:line:col and exits 1', () => {
    const r = gmsctl(['validate', 'test/unit/lb/fixtures/gms-sample.haproxy.cfg']);
    expect(r.code).toBe(1);
    const all = r.stdout + r.stderr;
    expect(all).toContain('gms-sample.haproxy.cfg:11:5');
    expect(all).toContain('lb-read-timeout');
  });
});
