/**
 * The local setup of the end-to-end tests: gmsctl renders the config from examples/ (a
 * loopback variant), three `gmsctl gateway` processes read it, the Chat Server simulator and a
 * push receiver run in this process, real HAProxy and nginx (Debian packages) balance.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster } from '../../src/gateway/local/cluster.js';
import { findBinary } from '../../src/gateway/local/load-balancer.js';
import { silentLogger } from '../../src/gateway/util/log.js';

export const ROOT = join(import.meta.dirname, '../..');
export const GMSCTL = join(ROOT, 'bin/gmsctl.js');

export async function startCluster(opts: {
  lbs: ('haproxy' | 'nginx')[];
}): Promise<{ cluster: LocalCluster; cleanup: () => Promise<void>; workDir: string }> {
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    throw new Error('dist/ is not built: run `make e2e` (it builds first) or `npm run build`');
  for (const lb of opts.lbs)
    if (!findBinary(lb))
      throw new Error(
        `${lb} is not installed: flock /tmp/gms-apt.lock apt-get install -y nginx haproxy (.ci/run does this)`,
      );
  const workDir = await mkdtemp(join(tmpdir(), 'gms-e2e-'));
  const cluster = await LocalCluster.start({
    examplesDir: join(ROOT, 'examples'),
    workDir,
    gmsctl: GMSCTL,
    nodes: 3,
    lbs: opts.lbs.map((kind) => ({ kind })),
    log: silentLogger(),
  });
  return {
    cluster,
    workDir,
    cleanup: async () => {
      await cluster.stop();
      if (!process.env.GMS_E2E_KEEP) await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** Basic-auth credentials of examples/secrets.yaml (Secret chat-basic-auth). */
export const EXAMPLE_AUTH = { username: 'example-user', password: 'not-a-real-password' };

export async function agentCall(
  csUrl: string,
  path: string,
  body: unknown = {},
): Promise<Record<string, unknown>> {
  const res = await fetch(`${csUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`agent API ${path}: HTTP ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function until(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
