/**
 * Running HAProxy or nginx on loopback in front of local gateway nodes, with the config
 * rendered by the product path: `gmsctl render --target haproxy|nginx --backend ... --listen
 * 127.0.0.1:<port>` on the manifests of the local setup, exactly as a user would run it. The LB
 * runs as the unprivileged user (load-balancers.md §2.6, §3.5: relative pid/temp paths, `-p`
 * prefix, foreground).
 */
import { execFile, execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { startChild, waitHttp, type Child } from './processes.js';

const run = promisify(execFile);

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

export interface LbRenderInput {
  /** bin/gmsctl.js that renders the config. */
  gmsctl: string;
  /** Manifests directory (the ChatService, its PushProviders and Secrets). */
  manifestDir: string;
  namespace: string;
  name: string;
}

/** A GMS node the LB sends traffic to, in `--backend` order (named gms-0, gms-1, ...). */
export interface LbNode {
  host: string;
  port: number;
}

export async function startLoadBalancer(
  kind: LbKind,
  input: LbRenderInput,
  backends: LbNode[],
  port: number,
  dir: string,
): Promise<RunningLb> {
  const bin = findBinary(kind);
  if (!bin) throw new Error(`${kind} is not installed (Debian: apt-get install ${kind})`);
  const outDir = join(dir, kind);
  const args = [
    input.gmsctl,
    'render',
    '-f',
    input.manifestDir,
    '--target',
    kind,
    ...backends.flatMap((b) => ['--backend', `${b.host}:${b.port}`]),
    '--listen',
    `127.0.0.1:${port}`,
    '-o',
    outDir,
  ];
  try {
    await run(process.execPath, args, { env: process.env });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`gmsctl render --target ${kind} failed:\n${err.stderr ?? err.message}`, {
      cause: e,
    });
  }
  const base = join(outDir, input.namespace, input.name);
  const main = join(base, kind === 'haproxy' ? 'haproxy/haproxy.cfg' : 'nginx/nginx.conf');
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
