/** gmsctl render as a process: validates first, writes atomically with the right modes. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, gmsctl, hasStackTrace, ROOT } from './run-cli.js';

let tmp: string;
beforeAll(() => {
  ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'gmsctl-render-'));
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('gmsctl render', () => {
  it('writes the four files of each ChatService, secrets.ini 0600, and says so', () => {
    const out = join(tmp, 'out');
    const r = gmsctl(['render', '-f', 'examples/*.yaml', '-o', out]);
    expect(r.code).toBe(0);
    const dir = join(out, 'contact-center/customer-support');
    expect(readdirSync(dir).sort()).toEqual([
      'dynamic.ini',
      'gms.ini',
      'secrets.ini',
      'static.ini',
    ]);
    expect(statSync(join(dir, 'secrets.ini')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'gms.ini')).mode & 0o077).not.toBe(0);
    expect(r.stdout).toContain(`wrote ${join(dir, 'secrets.ini')} (mode 0600)`);
    expect(readFileSync(join(dir, 'gms.ini'), 'utf8')).not.toContain('FAKE-FCM');
    expect(readFileSync(join(dir, 'secrets.ini'), 'utf8')).toContain(
      'fcm.apiKey=FAKE-FCM-API-KEY-for-examples-only',
    );
    // No temporary files are left behind.
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('without -o prints gms.ini of every ChatService and no credential', () => {
    const r = gmsctl([
      'render',
      '-f',
      'examples/customer-support.yaml',
      '-f',
      'examples/fcmprod.yaml',
      '-f',
      'examples/apnsprod.yaml',
      '-f',
      'examples/hooks.yaml',
      '-f',
      'examples/secrets.yaml',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[chat.customer-support]');
    expect(r.stdout).toContain('[push.provider.hooks]');
    expect(r.stdout).not.toContain('FAKE');
    expect(r.stdout).not.toContain('not-a-real');
  });

  it('refuses to render with errors and writes nothing', () => {
    const out = join(tmp, 'refused');
    const r = gmsctl(['render', '-f', 'examples/bad/option-placement.yaml', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error option-placement/);
    expect(r.stderr).toContain('not rendering');
    expect(existsSync(out)).toBe(false);
  });

  // Runs as root here, so unwritable places are made with a file where a directory must go
  // (ENOTDIR/EEXIST) or a directory where a file must go (EISDIR at rename).
  it.each([
    [
      'a file where the second ChatService directory must go',
      (out: string) => {
        mkdirSync(join(out, 'contact-center'), { recursive: true });
        writeFileSync(join(out, 'contact-center/mobile-chat'), 'in the way\n');
      },
      'contact-center/mobile-chat/gms.ini',
    ],
    [
      'a directory where the last file of the first ChatService must go',
      (out: string) =>
        mkdirSync(join(out, 'contact-center/customer-support/secrets.ini'), { recursive: true }),
      'contact-center/customer-support/secrets.ini',
    ],
  ])('-o: %s: exit 2, names the file, writes nothing at all', (_name, block, failing) => {
    const out = mkdtempSync(join(tmp, 'blocked-'));
    block(out);
    const before = readdirSync(out, { recursive: true }).map(String).sort();
    const r = gmsctl(['render', '-f', 'examples/*.yaml', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write ${join(out, failing)}`);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stdout).not.toContain('wrote');
    // No rendered file, no temporary file, no directory made for them.
    expect(readdirSync(out, { recursive: true }).map(String).sort()).toEqual(before);
  });

  it('reads manifests from stdin', () => {
    const r = gmsctl(['render', '-f', '-'], {
      input: readFileSync('examples/mobile-chat.yaml', 'utf8').replace(
        '    defaultProvider: fcmprod\n    providers: [fcmprod]\n',
        '',
      ),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[chat.mobile-chat]');
  });

  it('--backend takes IPv6 addresses in brackets, as docs/load-balancers.md says', () => {
    const r = gmsctl([
      'render',
      ...['-f', 'examples/customer-support.yaml', '-f', 'examples/fcmprod.yaml'],
      ...['-f', 'examples/apnsprod.yaml', '-f', 'examples/hooks.yaml'],
      ...['--target', 'haproxy', '--backend', '[2001:db8::1]:8080', '--backend', '10.0.0.2:8080'],
    ]);
    expect(r.stderr).not.toContain('expected host:port');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('server gms-0 [2001:db8::1]:8080 cookie gms-0 check');
    expect(r.stdout).toContain('server gms-1 10.0.0.2:8080 cookie gms-1 check');
  });

  it('a --target that cannot carry out spec.expose: file:line:col and the rule, nothing written', () => {
    const dir = mkdtempSync(join(tmp, 'target-'));
    const manifest = join(dir, 'cs.yaml');
    writeFileSync(
      manifest,
      readFileSync('examples/mobile-chat.yaml', 'utf8')
        .replace('    defaultProvider: fcmprod\n    providers: [fcmprod]\n', '')
        .replace('    affinity: cookie\n', '    affinity: source-ip\n'),
    );
    const line = readFileSync(manifest, 'utf8').split('\n').indexOf('    affinity: source-ip') + 1;
    expect(gmsctl(['validate', manifest]).code).toBe(0); // fine for its own mode
    const r = gmsctl(['render', '-f', manifest, '--target', 'apache', '-o', join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${manifest}:${line}:15: error expose-mode: ChatService contact-center/mobile-chat: spec.expose.affinity: Apache`,
    );
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it.each(['ini', 'ingress-nginx', 'gateway-api'])(
    '--backend with the %s target is refused, not silently ignored',
    (target) => {
      const r = gmsctl([
        'render',
        ...['-f', 'examples/mobile-chat.yaml', '-f', 'examples/fcmprod.yaml'],
        ...['--target', target, '--backend', '10.0.0.1:8080'],
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `--backend applies to the nginx, haproxy and apache targets, not ${target}`,
      );
      expect(r.stdout).toBe('');
    },
  );

  it.each([
    [['-o'], '-o needs a value'],
    [['-o', ''], '-o/--output-dir needs a directory'],
    [['--target'], '--target needs a value'],
    [['--target', 'haproxy', '--backend'], '--backend needs a value'],
    [['-o', join('x', 'y'), '--listen'], '--listen needs a value'],
  ])('an option without its value (%j) is a usage error, not a default', (extra, message) => {
    const cwd = mkdtempSync(join(tmp, 'no-value-'));
    const r = gmsctl(['render', '-f', join(ROOT, 'examples/mobile-chat.yaml'), ...extra], {
      cwd,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `gmsctl render: ${message}${message.endsWith('directory') ? ' (use -o . for here)' : ''}\n`,
    );
    expect(r.stdout).toBe('');
    expect(readdirSync(cwd)).toEqual([]); // nothing written where it was run
  });

  it('usage errors exit 2 without a stack trace', () => {
    for (const args of [
      ['render'],
      ['render', '-f', 'examples/', '--target', 'lighttpd'],
      ['render', '-f', 'examples/', '--backend', 'bad host:80'],
      ['render', '-f', 'examples/', '--backend', 'gms-0:99999'],
      ['render', '-f', 'examples/', '--backend', '[::1'],
      ['render', '-f', 'examples/', '--backend', '[zz::1]:8080'],
      ['render', '-f', 'examples/', '--backend', '[fe80::1%eth0]:8080'],
      ['render', '-f', 'examples/', '--backend', '::1:8080'],
      ['render', '-f', 'missing.yaml'],
    ]) {
      const r = gmsctl(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });
});
