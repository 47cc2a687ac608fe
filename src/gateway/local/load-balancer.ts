/**
 * Running a rendered HAProxy or nginx config (src/lb, the functions gmsctl render uses) on
 * loopback in front of local gateway nodes, as the unprivileged user (load-balancers.md §2.6,
 * §3.5: relative pid/temp paths, `-p` prefix, foreground).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ChatService } from '../../api/types.js';
import { renderLoadBalancer, type LbBackend } from '../../lb/index.js';
import { startChild, waitHttp, type Child } from './processes.js';

export type LbKind = 'haproxy' | 'nginx';

/** The binary of an LB if installed (PATH, then /usr/sbin). */
export function findBinary(kind: LbKind): string | undefined {
  for (const candidate of [kind, `/usr/sbin/${kind}`]) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export interface RunningLb {
  kind: LbKind;
  url: string;
  child: Child;
  configFile: string;
  stop(): Promise<void>;
}

export async function startLoadBalancer(
  kind: LbKind,
  cs: ChatService,
  backends: LbBackend[],
  port: number,
  dir: string,
): Promise<RunningLb> {
  const bin = findBinary(kind);
  if (!bin) throw new Error(`${kind} is not installed (Debian: apt-get install ${kind})`);
  const runDir = join(dir, kind, 'run');
  await mkdir(runDir, { recursive: true });
  const files = renderLoadBalancer(kind, cs, {
    backends,
    listen: { address: '127.0.0.1', httpPort: port },
    runDir,
  });
  let main = '';
  for (const f of files) {
    const full = join(dir, f.path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, f.content);
    if (/(^|\/)(haproxy\.cfg|nginx\.conf)$/.test(f.path)) main = full;
  }
  if (!main) throw new Error(`${kind}: the renderer produced no main config file`);
  const log = join(dir, `${kind}.log`);
  const child =
    kind === 'haproxy'
      ? startChild('haproxy', bin, ['-db', '-f', main], log)
      : startChild(
          'nginx',
          bin,
          ['-p', `${dirname(main)}/`, '-c', main, '-e', 'stderr', '-g', 'daemon off;'],
          log,
        );
  const url = `http://127.0.0.1:${port}`;
  // Any HTTP answer means the LB listens (the CometD path answers 400 to a bare GET).
  await Promise.race([
    waitHttp(`${url}/genesys/cometd`, 15_000, 400),
    child.exited.then((code) => {
      throw new Error(`${kind} exited with code ${code}; see ${log}`);
    }),
  ]);
  return { kind, url, child, configFile: main, stop: () => child.stop() };
}
