// Operator scale (issue 4): 1,000 ChatServices applied at once on a local control plane
// (etcd + kube-apiserver, hack/cluster.sh; no kube-controller-manager, so StatefulSets get no
// pods: this measures the operator, not kwok). Prints:
//
//   - time from the first apply until every ChatService has its objects (StatefulSet, static
//     and dynamic ConfigMaps) and status.observedGeneration == metadata.generation;
//   - the operator's peak RSS (VmHWM of the `gmsctl operator` process; target < 200 MB);
//   - reconcile p50/p99 (from controller_runtime_reconcile_time_seconds, interpolated in its
//     buckets as Prometheus' histogram_quantile does);
//   - API requests per ChatService for the create, and for one no-op resync of all of them
//     (target: 0 writes; reads come from the informer caches).
//
//   npm run bench -- operator        (bench/run.js; `make bench` builds dist/ first)
//   node bench/operator.bench.js     (needs dist/ and `make tools`)
//
// Env: GMS_OPERATOR_BENCH_N (default 1000), GMS_OPERATOR_BENCH_QPS (client QPS, default 200),
//      GMS_OPERATOR_BENCH_CONCURRENCY (default 4, the chart's), KUBECONFIG (use that cluster instead),
//      GMS_OPERATOR_BENCH_NODE_OPTIONS (V8 flags of the operator process; default the ones
//      docs/operator.md recommends for ~1,000 ChatServices, "" for Node's defaults).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.GMS_OPERATOR_BENCH_N ?? 1000);
const QPS = Number(process.env.GMS_OPERATOR_BENCH_QPS ?? 200);
const CONCURRENCY = Number(process.env.GMS_OPERATOR_BENCH_CONCURRENCY ?? 4);
const RESYNC_S = 60;
const NODE_OPTIONS =
  process.env.GMS_OPERATOR_BENCH_NODE_OPTIONS ?? '--max-semi-space-size=2 --max-old-space-size=128';
// glibc's per-thread malloc arenas keep freed memory resident; the chart sets the same.
const MALLOC_ARENA_MAX = process.env.GMS_OPERATOR_BENCH_MALLOC_ARENA_MAX ?? '2';
const NS = 'operator-bench';
const run = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const { KubeConfig } = await import('@kubernetes/client-node');
const { parseAllDocuments } = await import('yaml');
const { HttpKubeClient } = await import(join(ROOT, 'dist/operator/runtime/kube/client.js'));
const { KubeTransport } = await import(join(ROOT, 'dist/operator/runtime/kube/transport.js'));
const { RESOURCES } = await import(join(ROOT, 'dist/operator/runtime/kube/resources.js'));

let clusterDir;
let kubeconfig = process.env.KUBECONFIG;
let operator;

async function cleanup() {
  if (operator && operator.exitCode === null) {
    operator.kill('SIGTERM');
    await new Promise((r) => operator.once('exit', r));
  }
  if (clusterDir) {
    await run(join(ROOT, 'hack/cluster.sh'), ['down', '--dir', clusterDir]).catch(() => undefined);
    rmSync(clusterDir, { recursive: true, force: true });
  }
}

function metricsText(port) {
  return fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
}

function counter(text, name, filter = () => true) {
  let sum = 0;
  const re = new RegExp(`^${name}\\{([^}]*)\\} ([0-9.e+]+)$`, 'gm');
  for (const m of text.matchAll(re)) {
    const labels = Object.fromEntries(
      [...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (filter(labels)) sum += Number(m[2]);
  }
  return sum;
}

/** histogram_quantile over controller_runtime_reconcile_time_seconds. */
function quantile(text, q) {
  const buckets = [];
  for (const m of text.matchAll(
    /^controller_runtime_reconcile_time_seconds_bucket\{le="([^"]+)",controller="chatservice"\} (\d+)$/gm,
  )) {
    buckets.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
  }
  buckets.sort((a, b) => a[0] - b[0]);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1, count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

function requestsByKind(text) {
  const reads = counter(
    text,
    'rest_client_requests_total',
    (l) => l.verb === 'get' || l.verb === 'list',
  );
  const writes = counter(text, 'rest_client_requests_total', (l) =>
    ['create', 'update', 'patch', 'apply', 'delete'].includes(l.verb),
  );
  return { reads, writes };
}

function chatService(i) {
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name: `cs-${String(i).padStart(4, '0')}`, namespace: NS },
    spec: {
      gms: { version: '8.5.219.03', image: 'registry.example.com/gms:8.5.219.03', replicas: 2 },
      chatServer: {
        version: '8.5.108.02',
        endpoints: [{ name: 'cs-1', host: 'chat-1.contact-center.svc', port: 4125 }],
      },
      chat: { enable_notification_mode: true },
      options: { push_notification_include_payload: i % 2 === 0 },
    },
  };
}

async function main() {
  if (!kubeconfig) {
    clusterDir = mkdtempSync(join(tmpdir(), 'gms-operator-bench-'));
    console.log('starting a control plane (etcd + kube-apiserver) ...');
    await run(
      join(ROOT, 'hack/cluster.sh'),
      ['up', '--dir', clusterDir, '--owner-pid', String(process.pid)],
      { cwd: ROOT, maxBuffer: 1 << 24 },
    );
    kubeconfig = join(clusterDir, 'kubeconfig');
  }
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const client = new HttpKubeClient(new KubeTransport(kc, { userAgent: 'gms-operator-bench' }));
  for (const f of readdirSync(join(ROOT, 'crds')).filter((f) => f.endsWith('.yaml'))) {
    for (const d of parseAllDocuments(readFileSync(join(ROOT, 'crds', f), 'utf8'))) {
      const o = d.toJS();
      if (o?.kind === 'CustomResourceDefinition')
        await client.apply(o, { fieldManager: 'bench', force: true });
    }
  }
  await sleep(3000); // CRDs Established
  // hack/cluster.sh serves Services from 10.96.0.0/16: room for the 1,000 client Services of
  // 1,000 ChatServices (headless ones take no ClusterIP); no extra ServiceCIDR needed.
  await client.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    { fieldManager: 'bench', force: true },
  );

  operator = spawn(
    join(ROOT, 'node_modules/.bin/node'),
    [
      join(ROOT, 'bin/gmsctl.js'),
      'operator',
      `--kubeconfig=${kubeconfig}`,
      `--namespaces=${NS}`,
      '--metrics-port=0',
      '--health-port=0',
      '--bind-address=127.0.0.1',
      '--log-level=info',
      `--kube-api-qps=${QPS}`,
      `--kube-api-burst=${QPS * 2}`,
      `--concurrency=${CONCURRENCY}`,
      `--resync-period=${RESYNC_S}s`,
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_OPTIONS, ...(MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX } : {}) },
    },
  );
  let port;
  let buf = '';
  operator.stdout.on('data', (c) => {
    buf += c.toString();
    for (const line of buf.split('\n').slice(0, -1)) {
      if (/"level":"(warn|error|fatal)"/.test(line)) console.error(line.slice(0, 300));
      const m = /"metricsPort":(\d+)/.exec(line);
      if (m) port = Number(m[1]);
    }
    buf = buf.slice(buf.lastIndexOf('\n') + 1);
  });
  for (let i = 0; i < 300 && !port; i++) await sleep(100);
  if (!port) throw new Error('operator did not start');
  // Wait for the caches to sync (readyz).
  for (let i = 0; i < 300; i++) {
    const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (r?.status === 200) break;
    await sleep(100);
  }
  const base = requestsByKind(await metricsText(port));
  // VmHWM alone can lag the kernel's RSS counters; sample VmRSS too and keep the maximum.
  let sampledPeak = 0;
  let anonPeak = 0;
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${operator.pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      if (m) sampledPeak = Math.max(sampledPeak, Number(m[1]) / 1024);
      // RSS minus file-backed pages (the node binary's text, shared with every node process).
      const a = /RssAnon:\s+(\d+) kB/.exec(status);
      if (a) anonPeak = Math.max(anonPeak, Number(a[1]) / 1024);
    } catch {
      // the process is gone
    }
  }, 200);

  console.log(`applying ${N} ChatServices ...`);
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < N) {
        const i = next++;
        await client.create(chatService(i));
      }
    }),
  );
  const applied = Date.now();
  let done = 0;
  let done_at;
  while (Date.now() - started < 30 * 60_000) {
    const list = await client.list(RESOURCES.ChatService, { namespace: NS });
    const current = list.items.filter(
      (o) =>
        o.status?.observedGeneration === o.metadata.generation &&
        o.status?.conditions?.some((c) => c.type === 'ConfigValid' && c.status === 'True'),
    );
    done = current.length;
    if (done === N) {
      const sts = (
        await client.list(RESOURCES.StatefulSet, {
          namespace: NS,
          labelSelector: 'app.kubernetes.io/managed-by=gms-operator',
        })
      ).items.length;
      const cms = (
        await client.list(RESOURCES.ConfigMap, {
          namespace: NS,
          labelSelector: 'app.kubernetes.io/managed-by=gms-operator',
        })
      ).items.length;
      if (sts === N && cms >= 2 * N) {
        done_at = Date.now();
        break;
      }
    }
    await sleep(1000);
  }
  if (!done_at) throw new Error(`only ${done}/${N} ChatServices converged in 30 min`);
  await sleep(3000); // let the last status-driven reconciles finish
  const afterCreate = await metricsText(port);
  const created = requestsByKind(afterCreate);
  const reconcilesAfterCreate = counter(afterCreate, 'controller_runtime_reconcile_total');

  // One no-op resync of everything: wait until N more reconciles have run.
  console.log(`waiting for a resync (period ${RESYNC_S} s) ...`);
  let resync;
  let resyncText = afterCreate;
  for (let i = 0; i < 3 * RESYNC_S; i++) {
    await sleep(1000);
    resyncText = await metricsText(port);
    if (counter(resyncText, 'controller_runtime_reconcile_total') - reconcilesAfterCreate >= N) {
      await sleep(2000);
      resyncText = await metricsText(port);
      break;
    }
  }
  resync = requestsByKind(resyncText);
  const resyncReconciles =
    counter(resyncText, 'controller_runtime_reconcile_total') - reconcilesAfterCreate;
  clearInterval(sampler);
  const hwm = Math.max(peakRssMb(operator.pid), sampledPeak);
  const gauge = (name) =>
    Number(new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(resyncText)?.[1] ?? NaN) / 1e6;
  const heap = `heap used ${gauge('nodejs_heap_size_used_bytes').toFixed(0)} MB of ${gauge('nodejs_heap_size_total_bytes').toFixed(0)} MB, external ${gauge('nodejs_external_memory_bytes').toFixed(0)} MB, RSS now ${gauge('process_resident_memory_bytes').toFixed(0)} MB`;

  const perCs = (a, b) => ((a - b) / N).toFixed(2);
  console.log(
    `ChatServices:                        ${N} (client QPS ${QPS}, concurrency ${CONCURRENCY})`,
  );
  console.log(`applied in:                          ${((applied - started) / 1000).toFixed(1)} s`);
  console.log(`all objects + observedGeneration in: ${((done_at - started) / 1000).toFixed(1)} s`);
  console.log(
    `operator peak RSS:                   ${hwm.toFixed(0)} MiB = ${((hwm * 1048576) / 1e6).toFixed(0)} MB (target < 200 MB)${(hwm * 1048576) / 1e6 < 200 ? '' : '  MISSED'}`,
  );
  console.log(
    `operator peak anonymous RSS:         ${anonPeak.toFixed(0)} MiB = ${((anonPeak * 1048576) / 1e6).toFixed(0)} MB (RSS without the node binary's shared file pages)`,
  );
  console.log(`operator memory at the end:          ${heap}`);
  console.log(
    `reconcile p50 / p99:                 ${(quantile(afterCreate, 0.5) * 1000).toFixed(1)} ms / ${(quantile(afterCreate, 0.99) * 1000).toFixed(1)} ms`,
  );
  console.log(
    `API requests per ChatService, create: ${perCs(created.writes, base.writes)} writes, ${perCs(created.reads, base.reads)} reads`,
  );
  console.log(
    `no-op resync (${resyncReconciles} reconciles): ${perCs(resync.writes, created.writes)} writes, ${perCs(resync.reads, created.reads)} reads per ChatService${resync.writes === created.writes ? '' : '  (target 0 writes MISSED)'}`,
  );
}

function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

try {
  await main();
} catch (err) {
  console.error(`operator bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
