/**
 * Start and control GMS-node processes for load-balancer tests and benchmarks. Today the node
 * is ./cometd-backend.ts; when the project's gateway (src/gateway) can run as a process that
 * reports its port the same way, BACKEND_ENTRY is the one line to change.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BACKEND_ENTRY = fileURLToPath(new URL('./cometd-backend.ts', import.meta.url));

export interface BackendHits {
  requests: number;
  handshakes: number;
  connects: number;
  connectGets: number;
  publishes: number;
  wsUpgrades: number;
  wsMessages: number;
  unknownClient: number;
  statusChecks: number;
  chatV2: number;
  status: string;
}

export interface RunningBackend {
  id: string;
  host: string;
  port: number;
  hits(): Promise<BackendHits>;
  reset(): Promise<void>;
  setStatus(status: 'ONLINE' | 'OFFLINE'): Promise<void>;
  /** Kill the process (SIGKILL: a crashed node, connections refused from now on). */
  stop(): Promise<void>;
  readonly stopped: boolean;
}

function ask<T>(child: ChildProcess, cmd: object, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: { type: string }): void => {
      if (m.type === type) {
        child.off('message', onMsg);
        resolve(m as T);
      }
    };
    child.on('message', onMsg);
    if (!child.send(cmd)) reject(new Error('backend IPC closed'));
  });
}

export async function startBackend(
  id: string,
  opts: { timeoutMs?: number } = {},
): Promise<RunningBackend> {
  const child = fork(
    BACKEND_ENTRY,
    ['--id', id, '--timeout-ms', String(opts.timeoutMs ?? 30_000)],
    {
      execPath: process.execPath,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`backend ${id} did not start`)), 15_000);
    child.once('message', (m: { type: string; port: number }) => {
      clearTimeout(timer);
      resolve(m.port);
    });
    child.once('exit', (code) => reject(new Error(`backend ${id} exited with ${code}`)));
  });
  let stopped = false;
  return {
    id,
    host: '127.0.0.1',
    port,
    get stopped() {
      return stopped;
    },
    hits: async () => (await ask<{ hits: BackendHits }>(child, { cmd: 'hits' }, 'hits')).hits,
    reset: async () => {
      await ask(child, { cmd: 'reset' }, 'reset');
    },
    setStatus: async (status) => {
      await ask(child, { cmd: 'status', value: status }, 'status');
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function startBackends(
  n: number,
  opts: { timeoutMs?: number } = {},
): Promise<RunningBackend[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => startBackend(`gms-${i}`, opts)));
}

export async function stopBackends(backends: readonly RunningBackend[]): Promise<void> {
  await Promise.all(backends.map((b) => b.stop()));
}

/** Sum of a counter over all (running) backends. */
export async function totalHits(
  backends: readonly RunningBackend[],
  key: keyof Omit<BackendHits, 'status'>,
): Promise<number> {
  let sum = 0;
  for (const b of backends) if (!b.stopped) sum += (await b.hits())[key];
  return sum;
}
