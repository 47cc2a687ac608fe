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
        '--listen',
        `127.0.0.1:${port}`,
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
      const text = readFileSync(join(base, conf), 'utf8');
      expect(text).toContain('127.0.0.1:18082');
      // --listen reached the listener, and nothing listens on the default port 80
      expect(text).toContain(
        target === 'nginx'
          ? `listen 127.0.0.1:${port};`
          : target === 'haproxy'
            ? `bind 127.0.0.1:${port}`
            : `Listen 127.0.0.1:${port}`,
      );
      expect(text).not.toMatch(/(listen|bind|Listen) (\S*:)?80\b/);
      if (target === 'apache') {
        // the standalone httpd.conf keeps its runtime files under /run/gms-lb by default
        writeFileSync(join(base, conf), text.replaceAll('/run/gms-lb', join(base, 'run')));
        spawnSync('mkdir', ['-p', join(base, 'run')]);
      }
      // -t binds the port: this proves the checked config really listens there
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

describe('gmsctl render --listen', () => {
  it.each([
    ['localhost:8080', 'expected ADDRESS:PORT'],
    ['127.0.0.1:0', 'port "0" is not 1-65535'],
    ['127.0.0.1:65536', 'port "65536" is not 1-65535'],
    ['256.0.0.1:80', 'expected ADDRESS:PORT'],
    ['127.0.0.1', 'expected ADDRESS:PORT'],
    ['127.0.0.1:80;', 'expected ADDRESS:PORT'],
    ['127.0.0.1:80\nserver{', 'expected ADDRESS:PORT'],
    ['[::1]:80', 'expected ADDRESS:PORT'],
  ])('refuses %j (exit 2, one line, nothing written)', (value, message) => {
    const dir = tempDir('cli-listen');
    writeFileSync(join(dir, 'cs.yaml'), MANIFEST);
    const out = join(dir, 'out');
    const r = gmsctl([
      'render',
      '-f',
      join(dir, 'cs.yaml'),
      '--target',
      'nginx',
      '--listen',
      value,
      '-o',
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--listen');
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
  });

  it('is one listener (not repeatable) and only for the server targets', () => {
    const dir = tempDir('cli-listen2');
    writeFileSync(join(dir, 'cs.yaml'), MANIFEST);
    const twice = gmsctl([
      'render',
      '-f',
      join(dir, 'cs.yaml'),
      '--target',
      'haproxy',
      '--listen',
      '127.0.0.1:8080',
      '--listen',
      '127.0.0.1:8081',
    ]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('--listen given more than once');
    for (const target of ['ini', 'ingress-nginx', 'gateway-api']) {
      const r = gmsctl([
        'render',
        '-f',
        join(dir, 'cs.yaml'),
        '--target',
        target,
        '--listen',
        '*:8080',
      ]);
      expect(r.code, target).toBe(2);
      expect(r.stderr).toContain('apply to the nginx, haproxy and apache targets');
    }
  });

  it('puts HTTPS on --https-port with TLS, on the --listen address', () => {
    const dir = tempDir('cli-listen-tls');
    writeFileSync(
      join(dir, 'cs.yaml'),
      MANIFEST.replace('affinity: cookie', 'affinity: cookie, tls: { secretName: chat-tls }'),
    );
    const r = gmsctl([
      'render',
      '-f',
      join(dir, 'cs.yaml'),
      '--target',
      'haproxy',
      '--backend',
      '127.0.0.1:18081',
      '--listen',
      '10.1.2.3:8080',
      '--https-port',
      '8443',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('bind 10.1.2.3:8080');
    expect(r.stdout).toContain('bind 10.1.2.3:8443 ssl');
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
