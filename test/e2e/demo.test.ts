/**
 * `gmsctl demo --once` (`make demo` runs `gmsctl demo`, which behaves the same when CI=true or
 * stdin is not a terminal), as a new user runs it on a fresh clone: the built CLI starts the
 * whole local setup from examples/, runs one scripted chat end to end through the load
 * balancer with the official cometd client, prints the CometD URL, a one-line client command
 * and PASS, stops everything and exits 0; afterwards no process of it is left and nothing
 * listens on any port it printed.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findBinary } from '../../src/gateway/local/load-balancer.js';
import { GMSCTL, ROOT } from './setup.js';

function demo(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GMSCTL, 'demo', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Processes whose command line mentions `needle` (the demo's work directory). */
function processesMentioning(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(needle)) found.push(`${pid}: ${cmd}`);
    } catch {
      /* gone */
    }
  }
  return found;
}

async function expectNothingLeft(stdout: string): Promise<void> {
  const ports = [...stdout.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  expect(ports.length).toBeGreaterThanOrEqual(5); // LB or node 1, 3 nodes, agent API
  for (const port of new Set(ports)) expect(await listening(port), `port ${port}`).toBe(false);
  const workDir = /config\s+(\/\S+?)\/rendered\//.exec(stdout)?.[1];
  expect(workDir).toMatch(/gms-demo-/);
  expect(existsSync(workDir!)).toBe(false);
  expect(processesMentioning(workDir!)).toEqual([]);
}

const lbs = (['haproxy', 'nginx'] as const).filter((lb) => findBinary(lb));

describe('gmsctl demo --once', () => {
  it.each(lbs)(
    'through %s: starts, chats end to end, prints how to connect and PASS, stops cleanly, exit 0',
    async (lb) => {
      const r = await demo(['--once', '--port', '0', '--lb', lb]);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`behind ${lb}`);
      expect(r.stdout).toMatch(/CometD URL\s+http:\/\/127\.0\.0\.1:\d+\/genesys\/cometd/);
      for (const step of [
        'handshake and subscribe',
        'requestChat',
        'agent joins and replies',
        'sendMessage',
        'disconnect',
        'transcript',
      ])
        expect(r.stdout).toMatch(new RegExp(`ok\\s+${step}`));
      expect(r.stdout).toMatch(/^PASS: /m);
      expect(r.stdout).toMatch(
        /demo client --url http:\/\/127\.0\.0\.1:\d+\/genesys\/cometd --user \S+ --password \S+ --service customer-support/,
      );
      expect(r.stdout).toMatch(/demo: PASS\s*$/);
      await expectNothingLeft(r.stdout);
    },
  );

  it('is the default without a terminal (CI=true), and works without a load balancer', async () => {
    const r = await demo(['--port', '0', '--lb', 'none'], { CI: 'true' });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('no load balancer');
    expect(r.stdout).toMatch(/^PASS: /m);
    await expectNothingLeft(r.stdout);
  });

  it('without --once: the same self-check, then keeps serving until Ctrl-C (SIGINT), then stops cleanly', async () => {
    const child = spawn(process.execPath, [GMSCTL, 'demo', '--no-once', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const deadline = Date.now() + 60_000;
    while (!stdout.includes('Ctrl-C stops everything.') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toMatch(/^PASS: /m);
    const url = /CometD URL\s+(\S+)/.exec(stdout)![1]!;
    // Still serving after the self-check: a new client can handshake.
    await new Promise((r) => setTimeout(r, 1000));
    expect(child.exitCode).toBe(null);
    const hs = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
      ]),
    });
    expect(((await hs.json()) as { successful: boolean }[])[0]!.successful).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expectNothingLeft(stdout);
  });

  it('stops cleanly when its stdout reader goes away (gmsctl demo | head): no stack trace, nothing left', async () => {
    const child = spawn(process.execPath, [GMSCTL, 'demo', '--no-once', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        // Once the ports and the work directory are printed, close the pipe like `head` does:
        // the demo's next line fails with EPIPE.
        if (/config\s+\/\S+\/rendered\//.test(stdout)) {
          child.stdout.destroy();
          resolve();
        }
      });
    });
    const code = await Promise.race([
      exited,
      new Promise<string>((r) => setTimeout(() => r('still running after 60 s'), 60_000)),
    ]);
    expect([0, 130]).toContain(code);
    expect(stderr).not.toMatch(/\n\s+at |EPIPE/);
    await expectNothingLeft(stdout);
  });

  it('refuses a --port another program holds: one clear line, exit 2, nothing started', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    onTestFinished(() => new Promise<void>((r) => busy.close(() => r())));
    const port = (busy.address() as { port: number }).port;
    const r = await demo(['--once', '--port', String(port)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`127.0.0.1:${port} is in use by another program`);
    expect(r.stderr).toContain('--port 0');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).not.toContain('CometD URL');
  });
});
