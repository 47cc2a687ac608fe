/** gmsctl render as a process: validates first, writes atomically with the right modes. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, gmsctl, hasStackTrace } from './run-cli.js';

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

  it('usage errors exit 2 without a stack trace', () => {
    for (const args of [
      ['render'],
      ['render', '-f', 'examples/', '--target', 'lighttpd'],
      ['render', '-f', 'examples/', '--backend', 'bad host:80'],
      ['render', '-f', 'examples/', '--backend', 'gms-0:99999'],
      ['render', '-f', 'missing.yaml'],
    ]) {
      const r = gmsctl(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });
});
