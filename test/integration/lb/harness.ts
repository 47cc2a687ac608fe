/**
 * Run Debian's nginx, HAProxy and Apache httpd on loopback with a rendered config: files under a
 * temp dir, pid and runtime files there too, ports picked free at run time, the server in the
 * foreground as a child of the test so it always dies with it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RenderedFile } from '../../../src/lb/index.js';

export type RunnableTarget = 'nginx' | 'haproxy' | 'apache';
export const RUNNABLE_TARGETS: RunnableTarget[] = ['nginx', 'haproxy', 'apache'];

export const BINARIES: Record<RunnableTarget, string> = {
  nginx: 'nginx',
  haproxy: 'haproxy',
  apache: 'apache2',
};

// The lb tests take freePort from here; it is the local setup's own (gmsctl demo).
export { freePort } from '../../../src/gateway/local/processes.js';

const made: string[] = [];
process.once('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh directory under the OS temp dir, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `gms-lb-${prefix}-`));
  made.push(dir);
  // nginx and Apache workers drop to an unprivileged user when started as root.
  chmodSync(dir, 0o755);
  return dir;
}

export function writeFiles(dir: string, files: readonly RenderedFile[]): void {
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
}

/** The main config file of a target inside `dir`. */
export function mainConfig(target: RunnableTarget, dir: string): string {
  return join(
    dir,
    target === 'nginx'
      ? 'nginx/nginx.conf'
      : target === 'haproxy'
        ? 'haproxy/haproxy.cfg'
        : 'apache/httpd.conf',
  );
}

const asRoot = process.getuid?.() === 0;
/** Apache refuses to run children as root without a User; the rendered file leaves it to the site. */
const APACHE_USER = asRoot ? ['-C', 'User nobody', '-C', 'Group nogroup'] : [];

/** `nginx -t`, `haproxy -c`, `apache2 -t` on a config file: exit code and output. */
export function checkConfig(
  target: RunnableTarget,
  dir: string,
  file = mainConfig(target, dir),
): { code: number; output: string } {
  const args =
    target === 'nginx'
      ? ['-t', '-p', `${dir}/`, '-c', file, '-e', 'stderr']
      : target === 'haproxy'
        ? ['-c', '-f', file]
        : ['-t', ...APACHE_USER, '-f', file];
  // stdout/stderr to a file: Node's pipes are socketpairs, and nginx/Apache cannot open
  // /dev/stdout when it is a socket (ENXIO); in a container it is a pipe or a file.
  const out = join(dir, `${target}-check.log`);
  const fd = openSync(out, 'w');
  try {
    const r = spawnSync(BINARIES[target], args, { stdio: ['ignore', fd, fd], timeout: 30_000 });
    return { code: r.status ?? -1, output: readFileSync(out, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

function waitForPort(
  port: number,
  child: ChildProcess,
  log: () => string,
  timeoutMs = 15_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null)
        return reject(new Error(`server exited ${child.exitCode}: ${log()}`));
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > until) reject(new Error(`port ${port} not listening: ${log()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export interface RunningLb {
  target: RunnableTarget;
  url: string;
  port: number;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

/** Write `files` under a fresh dir and run the target in the foreground on `port`. */
export async function startLb(
  target: RunnableTarget,
  files: readonly RenderedFile[],
  port: number,
  dir = tempDir(target),
): Promise<RunningLb> {
  writeFiles(dir, files);
  mkdirSync(join(dir, 'run'), { recursive: true });
  chmodSync(join(dir, 'run'), 0o777);
  const file = mainConfig(target, dir);
  const args =
    target === 'nginx'
      ? ['-p', `${dir}/`, '-c', file, '-e', 'stderr', '-g', 'daemon off;']
      : target === 'haproxy'
        ? ['-db', '-f', file]
        : ['-D', 'FOREGROUND', ...APACHE_USER, '-f', file];
  const logFile = join(dir, `${target}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(BINARIES[target], args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const log = (): string =>
    existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-20_000) : '';
  await waitForPort(port, child, log);
  return {
    target,
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    log,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        // Graceful stop for each: nginx QUIT waits for held long polls, so TERM (fast shutdown).
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether a server binary is installed (.ci/run installs all three). */
export function haveBinary(target: RunnableTarget): boolean {
  return spawnSync('sh', ['-c', `command -v ${BINARIES[target]}`]).status === 0;
}
