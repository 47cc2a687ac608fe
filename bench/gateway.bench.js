// The GMS gateway under load (issue 7), in one run:
//  1. concurrent CometD long-poll sessions held by one gateway node, each with a chat
//     (target: 10,000 sessions under 1 GB RSS), versus a plain faye server holding as many
//     subscribed long-poll sessions;
//  2. message round trip client -> agent -> client (p50/p99): gateway direct, gateway through
//     HAProxy (rendered by src/lb), and a plain faye server doing the same publish/deliver work.
//
//   npm run bench -- gateway        (bench/run.js; `make bench` builds dist/ first)
//   node bench/gateway.bench.js     (alone; needs `npm run build` and Debian haproxy)
//
// Env: GMS_GW_BENCH_SESSIONS (default 10000), GMS_GW_BENCH_RTT_CLIENTS (default 20),
//      GMS_GW_BENCH_RTT_MESSAGES (default 50 per client).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const GMSCTL = join(ROOT, 'bin/gmsctl.js');
const SESSIONS = Number(process.env.GMS_GW_BENCH_SESSIONS ?? 10_000);
const RTT_CLIENTS = Number(process.env.GMS_GW_BENCH_RTT_CLIENTS ?? 20);
const RTT_MESSAGES = Number(process.env.GMS_GW_BENCH_RTT_MESSAGES ?? 50);
const RSS_TARGET_MB = 1024;
const SERVICE = 'bench';

const { GmsChatClient } = await import(join(ROOT, 'dist/gateway/client/chat-client.js'));
const { startLoadBalancer, findBinary } = await import(
  join(ROOT, 'dist/gateway/local/load-balancer.js')
);

const work = mkdtempSync(join(tmpdir(), 'gms-gw-bench-'));
const children = [];

function start(args, ready) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, GMS_LOG_LEVEL: 'error' },
    });
    children.push(p);
    let out = '';
    p.stdout.on('data', (d) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) resolve({ proc: p, match: m });
    });
    p.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

async function chatServer(agent) {
  const args = [GMSCTL, 'chat-server', '--port', '0', '--log-level', 'error'];
  if (agent) args.push('--auto-agent', 'Agent', '--auto-agent-delay', '0');
  const { proc, match } = await start(args, /listening on 127\.0\.0\.1:(\d+)/);
  return { proc, port: Number(match[1]) };
}

async function gateway(csPort) {
  const ini = join(work, `gms-${csPort}.ini`);
  writeFileSync(
    ini,
    `[chat]\nenable_notification_mode=true\n\n[chat.${SERVICE}]\n\n[connections]\nchatserver.cs-1=127.0.0.1:${csPort}\n`,
  );
  const { proc, match } = await start(
    [GMSCTL, 'gateway', '--config', ini, '--port', '0', '--log-level', 'error', '--no-watch'],
    /CometD (http:\/\/\S+)\/genesys\/cometd/,
  );
  const url = match[1];
  for (let i = 0; i < 100; i++) {
    const r = await fetch(`${url}/readyz`).catch(() => null);
    if (r?.status === 200) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  return { proc, url };
}

async function fayeServer() {
  const { proc, match } = await start(
    [join(ROOT, 'bench/gateway-faye-server.js')],
    /listening (\d+)/,
  );
  return { proc, url: `http://127.0.0.1:${match[1]}` };
}

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function stop(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
    setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
  });
}

// ---------------------------------------------------------------------------------------------
// 1. Sessions: raw Bayeux over HTTP/1.1 keep-alive, one socket per session.
// ---------------------------------------------------------------------------------------------

function post(agent, url, messages) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(messages);
    const req = request(
      `${url}/genesys/cometd`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (e) {
            reject(e);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function holdSessions(url, n, kind) {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  let running = true;
  let established = 0;
  let failures = 0;
  let chatsOk = 0;
  const loops = [];
  const one = async (i) => {
    const [hs] = await post(agent, url, [
      {
        channel: '/meta/handshake',
        version: '1.0',
        supportedConnectionTypes: ['long-polling'],
        id: '1',
      },
    ]);
    const clientId = hs.clientId;
    const second =
      kind === 'gms'
        ? {
            channel: `/service/chatV2/${SERVICE}`,
            clientId,
            id: '3',
            data: { operation: 'requestChat', nickname: `bench-${i}` },
          }
        : { channel: '/meta/subscribe', clientId, id: '3', subscription: `/chat/out/${i}` };
    const first = await post(agent, url, [
      {
        channel: '/meta/connect',
        clientId,
        connectionType: 'long-polling',
        advice: { timeout: 0 },
        id: '2',
      },
      second,
    ]);
    if (!first.every((m) => m.successful !== false)) throw new Error(JSON.stringify(first));
    established++;
    for (const m of first) if (m.data?.statusCode === 0 && m.data?.secureKey) chatsOk++;
    let id = 4;
    const loop = (async () => {
      while (running) {
        const r = await post(agent, url, [
          { channel: '/meta/connect', clientId, connectionType: 'long-polling', id: String(id++) },
        ]).catch(() => null);
        if (!r) {
          if (running) failures++;
          break;
        }
        for (const m of r) if (m.data?.statusCode === 0 && m.data?.secureKey) chatsOk++;
      }
    })();
    loops.push(loop);
  };
  const started = performance.now();
  let next = 0;
  const workers = Array.from({ length: 100 }, async () => {
    while (next < n) {
      const i = next++;
      await one(i).catch(() => failures++);
    }
  });
  await Promise.all(workers);
  const setupSec = (performance.now() - started) / 1000;
  return {
    established: () => established,
    failures: () => failures,
    chatsOk: () => chatsOk,
    setupSec,
    async stop() {
      running = false;
      agent.destroy();
      await Promise.allSettled(loops);
    },
  };
}

async function sessionsScenario(kind) {
  let server;
  let cs;
  if (kind === 'gms') {
    cs = await chatServer(false);
    server = await gateway(cs.port);
  } else server = await fayeServer();
  const baseRss = rssMb(server.proc.pid);
  const load = await holdSessions(server.url, SESSIONS, kind);
  // Let the requestChat answers arrive and the long polls settle.
  const deadline = Date.now() + 30_000;
  while (kind === 'gms' && load.chatsOk() < load.established() && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 250));
  await new Promise((r) => setTimeout(r, 2000));
  const rss = rssMb(server.proc.pid);
  let serverSessions = NaN;
  if (kind === 'gms') {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    serverSessions = Number(/^gms_cometd_sessions (\d+)/m.exec(text)?.[1]);
  }
  const result = {
    kind,
    held: load.established(),
    serverSessions,
    chats: kind === 'gms' ? load.chatsOk() : undefined,
    failures: load.failures(),
    setupSec: load.setupSec,
    baseRss,
    rss,
  };
  await load.stop();
  await stop(server.proc);
  if (cs) await stop(cs.proc);
  return result;
}

// ---------------------------------------------------------------------------------------------
// 2. Round trip client -> agent -> client.
// ---------------------------------------------------------------------------------------------

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function rttGateway(url) {
  const samples = [];
  await Promise.all(
    Array.from({ length: RTT_CLIENTS }, async (_, i) => {
      const c = await GmsChatClient.connect({ url: `${url}/genesys/cometd`, service: SERVICE });
      await c.requestChat({ nickname: `rtt-${i}` });
      await c.waitForEvent((e) => e.from.type === 'Agent' && e.type === 'Message');
      for (let m = 0; m < RTT_MESSAGES; m++) {
        const text = `m${i}-${m}`;
        const t0 = performance.now();
        const answered = c.waitForEvent(
          (e) => e.from.type === 'Agent' && e.text === `You wrote: ${text}`,
          20_000,
        );
        await c.send('sendMessage', { message: text });
        await answered;
        samples.push(performance.now() - t0);
      }
      await c.send('disconnect');
      await c.close();
    }),
  );
  return samples.sort((a, b) => a - b);
}

async function rttFaye(url) {
  const { CometD } = await import('cometd');
  const samples = [];
  await Promise.all(
    Array.from({ length: RTT_CLIENTS }, async (_, i) => {
      const cometd = new CometD();
      cometd.unregisterTransport('websocket');
      cometd.configure({ url: `${url}/genesys/cometd`, logLevel: 'warn' });
      await new Promise((res, rej) =>
        cometd.handshake((m) => (m.successful ? res() : rej(new Error(m.error)))),
      );
      let waiting;
      await new Promise((res) =>
        cometd.subscribe(
          `/chat/out/${i}`,
          (m) => waiting?.(m.data),
          () => res(),
        ),
      );
      for (let m = 0; m < RTT_MESSAGES; m++) {
        const text = `m${i}-${m}`;
        const t0 = performance.now();
        await new Promise((res) => {
          waiting = (d) => d.text === `You wrote: ${text}` && res();
          cometd.publish(`/chat/in/${i}`, { id: i, text });
        });
        samples.push(performance.now() - t0);
      }
      await new Promise((res) => cometd.disconnect(() => res()));
    }),
  );
  return samples.sort((a, b) => a - b);
}

function chatService(csPort) {
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name: SERVICE, namespace: 'default' },
    spec: {
      gms: { version: '8.5.219.03' },
      chatServer: {
        version: '8.5.108.02',
        endpoints: [{ name: 'cs-1', host: '127.0.0.1', port: csPort }],
      },
      expose: { mode: 'haproxy', affinity: 'cookie' },
    },
  };
}

function fmt(n, digits = 1) {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

try {
  console.log(
    `gateway bench: ${SESSIONS} long-poll sessions; round trip ${RTT_CLIENTS} clients x ${RTT_MESSAGES} messages`,
  );
  const sessions = [];
  for (const kind of ['gms', 'faye']) sessions.push(await sessionsScenario(kind));
  console.log('\nconcurrent long-poll sessions held by one node');
  console.log(
    'server               sessions  chats   failures  setup s   RSS idle MB  RSS loaded MB  KB/session',
  );
  for (const s of sessions)
    console.log(
      `${(s.kind === 'gms' ? 'GMS gateway' : 'plain faye').padEnd(20)} ${String(s.held).padStart(8)}  ${String(s.chats ?? '-').padStart(6)}  ${String(s.failures).padStart(8)}  ${fmt(s.setupSec).padStart(7)}  ${fmt(s.baseRss).padStart(11)}  ${fmt(s.rss).padStart(13)}  ${fmt(((s.rss - s.baseRss) * 1024) / Math.max(1, s.held)).padStart(10)}`,
    );
  const gw = sessions[0];
  const met = gw.held >= SESSIONS && gw.serverSessions >= SESSIONS && gw.rss < RSS_TARGET_MB;
  console.log(
    `target ${SESSIONS} sessions under ${RSS_TARGET_MB} MB RSS: ${met ? 'met' : 'MISSED'} (${gw.serverSessions} sessions on the node, ${fmt(gw.rss)} MB)`,
  );

  // Round trips: one gateway node + Chat Server with an instant agent, direct and via HAProxy.
  const cs = await chatServer(true);
  const node = await gateway(cs.port);
  const rows = [];
  rows.push(['GMS gateway, direct', await rttGateway(node.url)]);
  if (findBinary('haproxy')) {
    const { freePort } = await import(join(ROOT, 'dist/gateway/local/processes.js'));
    // The HAProxy config as a user renders it: gmsctl render --target haproxy --listen ...
    const manifestDir = join(work, 'lb-manifests');
    mkdirSync(manifestDir, { recursive: true });
    writeFileSync(join(manifestDir, 'chatservice.yaml'), JSON.stringify(chatService(cs.port)));
    const lb = await startLoadBalancer(
      'haproxy',
      { gmsctl: GMSCTL, manifestDir, namespace: 'default', name: SERVICE },
      [{ host: '127.0.0.1', port: Number(new URL(node.url).port) }],
      await freePort(),
      join(work, 'lb'),
    );
    rows.push(['GMS gateway, HAProxy', await rttGateway(lb.url)]);
    await lb.stop();
  } else console.log('(haproxy not installed: no HAProxy round trip)');
  const plain = await fayeServer();
  rows.push(['plain faye, direct', await rttFaye(plain.url)]);
  console.log('\nround trip client -> agent -> client (ms)');
  console.log('path                   samples    p50    p90    p99    max');
  for (const [name, s] of rows)
    console.log(
      `${name.padEnd(22)} ${String(s.length).padStart(7)} ${fmt(percentile(s, 50), 2).padStart(6)} ${fmt(percentile(s, 90), 2).padStart(6)} ${fmt(percentile(s, 99), 2).padStart(6)} ${fmt(s[s.length - 1], 2).padStart(6)}`,
    );
  await stop(plain.proc);
  await stop(node.proc);
  await stop(cs.proc);
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
