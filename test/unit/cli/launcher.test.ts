/**
 * bin/gmsctl.js started by a Node older than 22 (a machine's Node 20) re-runs gmsctl on the
 * pinned Node 24 as a child. A signal to the launcher must reach that child: with spawnSync the
 * launcher died on SIGTERM and left the child running (an orphaned `gmsctl operator` kept its
 * Lease and ports). Skipped where no such Node is installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './run-cli.js';

const BIN = join(ROOT, 'bin/gmsctl.js');
const PINNED = join(ROOT, 'node_modules/node/bin/node');

const OLD_NODE = ['/usr/bin/node', '/usr/local/bin/node', '/bin/node'].find((p) => {
  if (!existsSync(p)) return false;
  const r = spawnSync(p, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return r.status === 0 && Number(r.stdout.split('.')[0]) < 22;
});

/** Running and not a zombie (an orphan's parent may reap it late). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = (() => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return '';
    }
  })();
  return !/^\d+ \(.*\) Z/.test(stat);
}

const childrenOf = (pid: number): number[] =>
  spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);

async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(OLD_NODE !== undefined && existsSync(PINNED))(
  `bin/gmsctl.js on an old Node (${OLD_NODE ?? 'none installed'})`,
  () => {
    it('re-runs on the pinned Node and passes the exit code on', () => {
      ensureBuilt();
      const ok = spawnSync(OLD_NODE!, [BIN, '--version'], { encoding: 'utf8' });
      expect(ok.status).toBe(0);
      expect(ok.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
      const bad = spawnSync(OLD_NODE!, [BIN, 'validate', 'examples/bad/option-type.yaml'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(bad.status).toBe(1);
    });

    it('SIGTERM to the launcher stops the gmsctl it runs (no orphan left)', async () => {
      ensureBuilt();
      const launcher = spawn(OLD_NODE!, [BIN, 'chat-server', '--port', '0'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      launcher.stdout.on('data', (b: Buffer) => (out += b.toString()));
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        launcher.on('exit', (code, signal) => resolve({ code, signal })),
      );
      let child: number | undefined;
      try {
        await until('the chat server to listen', () => /listening/.test(out));
        [child] = childrenOf(launcher.pid!);
        expect(child, 'the pinned-Node child').toBeDefined();
        launcher.kill('SIGTERM');
        const res = await exited;
        expect(res.signal ?? res.code).not.toBeNull();
        await until('the child to stop', () => !alive(child!));
      } finally {
        if (child !== undefined && alive(child)) process.kill(child, 'SIGKILL');
        if (launcher.exitCode === null && launcher.signalCode === null) launcher.kill('SIGKILL');
      }
    });
  },
);
