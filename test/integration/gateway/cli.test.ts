/**
 * gmsctl gateway / chat-server as processes (dist/ must be built: `make test` builds first):
 * a bad config stops the gateway with file:line:col messages and exit 2, no stack trace; a good
 * one serves until SIGTERM, going OFFLINE first.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const GMSCTL = join(import.meta.dirname, '../../../bin/gmsctl.js');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gms-cli-it-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  kill: () => void;
  exited: Promise<number | null>;
}

function gmsctl(args: string[], untilStdout?: RegExp): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [GMSCTL, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GMS_LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    const kill = (): void => void p.kill('SIGTERM');
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (untilStdout?.test(stdout)) {
        untilStdout = undefined;
        resolve({ code: null, stdout, stderr, kill, exited });
      }
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => resolve({ code, stdout, stderr, kill, exited }));
  });
}

describe('gmsctl gateway', () => {
  it('refuses a bad config with file:line:col and exit 2', async () => {
    const bad = join(dir, 'bad.ini');
    await writeFile(
      bad,
      '[chat]\nenable_notification_mode=maybe\n\n[connections]\nchatserver.cs-1=chat-1;rm:4125\n',
    );
    const r = await gmsctl(['gateway', '--config', bad, '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${bad}:2:26: [chat] enable_notification_mode=maybe: must be true or false`,
    );
    expect(r.stderr).toContain(
      `${bad}:5:17: [connections] chatserver.cs-1=chat-1;rm:4125: must be <host>:<port>`,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports INI syntax errors and usage errors', async () => {
    const bad = join(dir, 'syntax.ini');
    await writeFile(bad, '[chat\n');
    const r = await gmsctl(['gateway', '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${bad}:1:\\d+: .*\\(ini-syntax\\)`));
    expect((await gmsctl(['gateway'])).stderr).toMatch(
      /exactly one of --config FILE or --config-dir DIR/,
    );
    expect((await gmsctl(['gateway', '--config-dir', join(dir, 'nope')])).stderr).toMatch(
      /static.ini: cannot read: no such file/,
    );
    for (const [args, message] of [
      [
        ['gateway', '--config', bad, '--port', 'abc'],
        '--port must be an integer from 0 to 65535, not a number',
      ],
      [
        ['gateway', '--config', bad, '--port', '70000'],
        '--port must be an integer from 0 to 65535, got 70000',
      ],
      [
        ['chat-server', '--port', 'http'],
        '--port must be an integer from 0 to 65535, not a number',
      ],
    ] as const) {
      const u = await gmsctl([...args]);
      expect(u.code, args.join(' ')).toBe(2);
      expect(u.stderr).toBe(`gmsctl ${args[0]}: ${message}\n`);
    }
  });

  it('serves from --config-dir and stops on SIGTERM with exit 0', async () => {
    const cs = await gmsctl(
      ['chat-server', '--port', '0', '--log-level', 'warn'],
      /listening on 127\.0\.0\.1:(\d+)/,
    );
    const csPort = /listening on 127\.0\.0\.1:(\d+)/.exec(cs.stdout)![1];
    const cfg = join(dir, 'etc-gms');
    await (await import('node:fs/promises')).mkdir(cfg, { recursive: true });
    await writeFile(
      join(cfg, 'static.ini'),
      `[chat]\nenable_notification_mode=true\n[chat.customer-support]\n[connections]\nchatserver.cs-1=127.0.0.1:${csPort}\n`,
    );
    const gw = await gmsctl(
      ['gateway', '--config-dir', cfg, '--port', '0'],
      /CometD (http:\/\/\S+)\/genesys\/cometd/,
    );
    const base = /CometD (http:\/\/\S+)\/genesys\/cometd/.exec(gw.stdout)![1]!;
    let ready = 0;
    for (let i = 0; i < 50 && ready !== 200; i++) {
      ready = (await fetch(`${base}/readyz`)).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(200);
    gw.kill();
    expect(await gw.exited).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    cs.kill();
    expect(await cs.exited).toBe(0);
  });
});
