// Load-balancer overhead for GMS CometD (issue 6): requests/s and latency of a CometD-shaped
// mix (publish on a /service channel + the /meta/connect long poll that carries the reply, plus
// parked long polls) through nginx, HAProxy and Apache httpd rendered by src/lb, versus straight
// to the nodes, in one run. Prints a table and the overhead ratios.
//
//   npm run bench            (bench/run.js runs every bench; `make bench` builds dist/ first)
//   node bench/lb.bench.js   (this one alone; needs `npm run build` and Debian nginx/haproxy/apache2)
//
// Env: GMS_LB_BENCH_SECONDS (default 5 per target), GMS_LB_BENCH_CLIENTS (default 48),
//      GMS_LB_BENCH_PARKED (default 48 held long polls).
import { fork, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BACKEND = join(ROOT, 'test/support/cometd-backend.ts');
const SECONDS = Number(process.env.GMS_LB_BENCH_SECONDS ?? 5);
const CLIENTS = Number(process.env.GMS_LB_BENCH_CLIENTS ?? 48);
const PARKED = Number(process.env.GMS_LB_BENCH_PARKED ?? 48);
const HOLD_MS = 2000;
const HOST = 'chat.example.com';

const { freePort } = await import(join(ROOT, 'dist/gateway/local/processes.js'));

function waitPort(port, child) {
  const until = Date.now() + 15_000;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`exited ${child.exitCode}`));
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve()));
      s.once(
        'error',
        () => (
          s.destroy(),
          Date.now() > until ? reject(new Error(`port ${port}`)) : setTimeout(attempt, 50)
        ),
      );
    };
    attempt();
  });
}

async function startBackend(id) {
  const child = fork(BACKEND, ['--id', id, '--timeout-ms', String(HOLD_MS)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.port));
    child.once('exit', (c) => reject(new Error(`backend ${id} exited ${c}`)));
  });
  return { id, host: '127.0.0.1', port, stop: () => child.kill('SIGKILL') };
}

async function startLb(target, render, backends) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `gms-lb-bench-${target}-`));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'run'), { recursive: true, mode: 0o777 });
  const files = render(target, backends, port, dir);
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    // access logs off for the benchmark: they measure the disk, not the proxy
    writeFileSync(
      join(dir, f.path),
      f.content
        .replace(/access_log \/dev\/stdout;/, 'access_log off;')
        .replace(/^CustomLog .*$/m, ''),
    );
  }
  const conf = {
    nginx: 'nginx/nginx.conf',
    haproxy: 'haproxy/haproxy.cfg',
    apache: 'apache/httpd.conf',
  }[target];
  const root = process.getuid?.() === 0;
  const args = {
    nginx: ['-p', `${dir}/`, '-c', join(dir, conf), '-e', 'stderr', '-g', 'daemon off;'],
    haproxy: ['-db', '-f', join(dir, conf)],
    apache: [
      '-D',
      'FOREGROUND',
      ...(root ? ['-C', 'User nobody', '-C', 'Group nogroup'] : []),
      '-f',
      join(dir, conf),
    ],
  }[target];
  const fd = openSync(join(dir, 'server.log'), 'w');
  const child = spawn({ nginx: 'nginx', haproxy: 'haproxy', apache: 'apache2' }[target], args, {
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  await waitPort(port, child);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      if (process.env.GMS_LB_BENCH_DEBUG)
        console.error(readFileSync(join(dir, 'server.log'), 'utf8').slice(-3000));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One browser: cookie jar + keep-alive agent (one socket for the long poll, one for publishes). */
class Client {
  constructor(url) {
    this.url = new URL(url);
    this.cookies = new Map();
    this.agent = new Agent({ keepAlive: true, maxSockets: 2 });
    this.seq = 0;
  }
  post(path, messages) {
    const body = JSON.stringify(messages);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const headers = {
        host: HOST,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      };
      if (this.cookies.size)
        headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const req = request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path,
          method: 'POST',
          headers,
          agent: this.agent,
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            for (const c of [].concat(res.headers['set-cookie'] ?? [])) {
              const [pair] = c.split(';');
              const i = pair.indexOf('=');
              this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
            }
            let msgs = [];
            try {
              msgs = JSON.parse(Buffer.concat(chunks).toString());
            } catch {
              /* non-Bayeux reply */
            }
            resolve({ status: res.statusCode, msgs, ms: performance.now() - started });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  async handshake() {
    const r = await this.post('/genesys/cometd/handshake', [
      {
        channel: '/meta/handshake',
        version: '1.0',
        supportedConnectionTypes: ['long-polling'],
        id: '0',
      },
    ]);
    this.clientId = r.msgs[0]?.clientId;
    if (!this.clientId) throw new Error(`handshake failed: ${r.status}`);
  }
  connect() {
    return this.post('/genesys/cometd/connect', [
      {
        channel: '/meta/connect',
        clientId: this.clientId,
        connectionType: 'long-polling',
        id: String(++this.seq),
      },
    ]);
  }
  publish(data) {
    return this.post('/genesys/cometd', [
      {
        channel: '/service/chatV2/customer-support',
        data,
        clientId: this.clientId,
        id: String(++this.seq),
      },
    ]);
  }
  close() {
    this.agent.destroy();
  }
}

function pct(sorted, p) {
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
    : NaN;
}

/** The mix: each active client publishes, then its long poll returns with the echo. */
async function workload(urls, seconds = SECONDS) {
  const active = Array.from({ length: CLIENTS }, (_, i) => new Client(urls[i % urls.length]));
  const parked = Array.from({ length: PARKED }, (_, i) => new Client(urls[i % urls.length]));
  await Promise.all([...active, ...parked].map((c) => c.handshake()));
  const latencies = [];
  let errors = 0;
  let stop = false;
  // Parked sessions: long polls held by the nodes for HOLD_MS, renewed, all the time.
  const parkedLoops = parked.map(async (c) => {
    while (!stop) {
      const r = await c.connect().catch(() => ({ status: 0 }));
      if (r.status !== 200) errors++;
    }
  });
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const activeLoops = active.map(async (c, i) => {
    let n = 0;
    while (performance.now() < deadline) {
      const failed = (err) => ({ status: 0, msgs: [], ms: 0, err });
      const poll = c.connect().catch(failed);
      const pub = await c.publish({ n: n++, from: i }).catch(failed);
      const got = await poll;
      if (process.env.GMS_LB_BENCH_DEBUG && (pub.err || got.err)) console.error(pub.err ?? got.err);
      for (const r of [pub, got]) {
        if (r.status !== 200 || r.msgs.some((m) => m.successful === false)) {
          errors++;
          if (process.env.GMS_LB_BENCH_DEBUG)
            console.error(
              'bad reply',
              r.status,
              r.err?.code ?? '',
              JSON.stringify(r.msgs).slice(0, 120),
            );
        } else latencies.push(r.ms);
      }
    }
  });
  await Promise.all(activeLoops);
  const elapsed = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(parkedLoops);
  for (const c of [...active, ...parked]) c.close();
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / elapsed,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    requests: latencies.length,
    errors,
  };
}

export async function run() {
  const { renderLoadBalancer } = await import(join(ROOT, 'dist/lb/index.js'));
  const cs = {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name: 'customer-support', namespace: 'contact-center' },
    spec: {
      gms: { version: '8.5.219.03', replicas: 3 },
      chatServer: { version: '8.5.108.02', endpoints: [] },
      expose: { host: HOST, affinity: 'cookie' },
    },
  };
  const render = (target, backends, port, dir) =>
    renderLoadBalancer(target, cs, {
      backends: backends.map((b) => ({ name: b.id, host: b.host, port: b.port })),
      listen: { address: '127.0.0.1', httpPort: port },
      runDir: join(dir, 'run'),
      cometd: { timeoutMs: HOLD_MS, maxNetworkDelayMs: 1000 },
    });
  const available = ['nginx', 'haproxy', 'apache'].filter(
    (t) =>
      spawnSync('sh', [
        '-c',
        `command -v ${{ nginx: 'nginx', haproxy: 'haproxy', apache: 'apache2' }[t]}`,
      ]).status === 0,
  );
  const backends = await Promise.all(['gms-0', 'gms-1', 'gms-2'].map(startBackend));
  const rows = [];
  try {
    const directUrls = backends.map((b) => `http://${b.host}:${b.port}`);
    await workload(directUrls, 1); // warm-up (JIT, sockets), not reported
    rows.push({ target: 'direct', ...(await workload(directUrls)) });
    for (const target of available) {
      const lb = await startLb(target, render, backends);
      try {
        rows.push({ target, ...(await workload([lb.url])) });
      } finally {
        await lb.stop();
      }
    }
  } finally {
    backends.forEach((b) => b.stop());
  }
  const direct = rows[0];
  console.log(
    `\nLB overhead, CometD mix: ${CLIENTS} active clients (publish + long poll), ${PARKED} parked long polls (${HOLD_MS} ms hold), ${SECONDS} s per target, 3 nodes`,
  );
  console.log('target    req/s     p50 ms   p99 ms   requests  errors  rps ratio  p99 ratio');
  for (const r of rows) {
    console.log(
      `${r.target.padEnd(9)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(2).padStart(9)} ${r.p99.toFixed(2).padStart(8)} ${String(r.requests).padStart(10)} ${String(r.errors).padStart(7)}  ${(r.rps / direct.rps).toFixed(2).padStart(9)}  ${(r.p99 / direct.p99).toFixed(2).padStart(9)}`,
    );
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
