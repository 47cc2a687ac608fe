// Rollout performance (issue 5): a 10-node DetachReattach roll through the whole operator on a
// real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler) whose pods
// run on a kwok node that makes each pod Ready 5 s after it starts. Prints:
//
//   - the operator's own overhead per node: from the moment the restarted pod is Ready to the
//     moment the next node is detached (POST changestatus/OFFLINE). Target: under 2 s.
//   - the whole roll's duration against the bound 10 x (5 s + drain bound + 2 s).
//
//   npm run bench              (bench/run.js runs every bench; `make bench` builds dist/ first)
//   node bench/rollout.bench.js   (needs `npm run build` and `make tools`)
//
// Env: GMS_ROLLOUT_BENCH_NODES (default 10), GMS_ROLLOUT_BENCH_READY_MS (default 5000),
//      GMS_ROLLOUT_BENCH_DRAIN (default 1s), GMS_ROLLOUT_BENCH_CRD_DIR (default crds/).
//
// kwok pods run no GMS, so the node API is the operator's recording double (in-process): it
// records every detach and reattach with its time, which is what the overhead is measured on.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODES = Number(process.env.GMS_ROLLOUT_BENCH_NODES ?? 10);
const READY_MS = Number(process.env.GMS_ROLLOUT_BENCH_READY_MS ?? 5000);
const DRAIN = process.env.GMS_ROLLOUT_BENCH_DRAIN ?? '1s';
const CRD_DIR = process.env.GMS_ROLLOUT_BENCH_CRD_DIR ?? join(ROOT, 'crds');
const NS = 'rollout-bench';
const NAME = 'bench';
const run = promisify(execFile);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

function pct(values, p) {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
}

/** The kwok stages the test cluster uses, with pod readiness delayed by READY_MS. */
function slowStages(kwokBin) {
  const text = readFileSync(join(kwokBin, 'stages.yaml'), 'utf8');
  const marker = 'name: pod-ready\nspec:\n';
  if (!text.includes(marker)) throw new Error(`no pod-ready stage in ${kwokBin}/stages.yaml`);
  return text.replace(marker, `${marker}  delay:\n    durationMilliseconds: ${READY_MS}\n`);
}

async function main() {
  const dist = join(ROOT, 'dist');
  const { KubeConfig } = await import('@kubernetes/client-node');
  const { default: pino } = await import('pino');
  const { Operator } = await import(join(dist, 'operator/manager.js'));
  const { RolloutExecutor } = await import(join(dist, 'operator/rollout/executor.js'));
  const { RecordingNodeApi } = await import(join(dist, 'operator/nodeapi/index.js'));
  const { HttpKubeClient } = await import(join(dist, 'operator/runtime/kube/client.js'));
  const { KubeTransport } = await import(join(dist, 'operator/runtime/kube/transport.js'));
  const { RESOURCES } = await import(join(dist, 'operator/runtime/kube/resources.js'));
  const { ANNOTATION_STATIC_HASH } = await import(join(dist, 'manifests/index.js'));
  const { freePort } = await import(join(dist, 'gateway/local/processes.js'));

  const tools = Object.fromEntries(
    (await run(join(ROOT, 'hack/build-tools.sh'), ['--print'])).stdout
      .trim()
      .split('\n')
      .map((l) => l.split('=')),
  );
  const dir = mkdtempSync(join(tmpdir(), 'gms-rollout-bench-'));
  const cleanup = [];
  const started = Date.now();
  try {
    await run(
      join(ROOT, 'hack/cluster.sh'),
      ['up', '--full', '--nodes', '1', '--dir', dir, '--owner-pid', String(process.pid)],
      {
        maxBuffer: 16 << 20,
      },
    );
    cleanup.push(() =>
      run(join(ROOT, 'hack/cluster.sh'), ['down', '--dir', dir]).catch(() => undefined),
    );
    const kubeconfig = join(dir, 'kubeconfig');
    const kubectl = (args, input) =>
      new Promise((resolve, reject) => {
        const p = execFile(
          join(tools.KUBE_BIN, 'kubectl'),
          ['--kubeconfig', kubeconfig, ...args],
          (err, stdout, stderr) =>
            err ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
        );
        if (input) p.stdin.end(input);
      });
    console.error(`[bench] control plane up in ${fmt(Date.now() - started)}`);

    // A second kwok that fakes one "slow" node: its pods become Ready READY_MS after they start.
    const stages = join(dir, 'slow-stages.yaml');
    writeFileSync(stages, slowStages(tools.KWOK_BIN));
    const kwokPort = await freePort();
    const kwok = spawn(
      join(tools.KWOK_BIN, 'kwok'),
      [
        `--kubeconfig=${kubeconfig}`,
        '--manage-all-nodes=false',
        '--manage-nodes-with-annotation-selector=gms.chatops.io/bench-node=slow',
        '--cidr=10.246.0.0/16',
        '--node-ip=10.241.0.1',
        '--node-lease-duration-seconds=40',
        `--server-address=127.0.0.1:${kwokPort}`,
        `--config=${stages}`,
      ],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    cleanup.push(async () => kwok.kill('SIGTERM'));
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Node
metadata:
  name: slow-node-0
  annotations: {node.alpha.kubernetes.io/ttl: '0', gms.chatops.io/bench-node: slow}
  labels: {kubernetes.io/hostname: slow-node-0, kubernetes.io/os: linux, type: slow}
status:
  allocatable: {cpu: '64', memory: 256Gi, pods: '110'}
  capacity: {cpu: '64', memory: 256Gi, pods: '110'}
`,
    );
    await kubectl(['wait', '--for=condition=Ready', 'node/slow-node-0', '--timeout=60s']);
    await kubectl(['cordon', 'kwok-node-0']);
    for (let i = 0; i < 300; i++) {
      const taints = await kubectl(['get', 'node', 'slow-node-0', '-o', 'jsonpath={.spec.taints}']);
      if (!taints.trim()) break;
      await sleep(100);
    }
    for (const f of readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml')))
      await kubectl(['apply', '--server-side', '-f', join(CRD_DIR, f)]);
    await kubectl([
      'wait',
      '--for=condition=Established',
      'crd/chatservices.gms.chatops.io',
      '--timeout=60s',
    ]);
    await kubectl(['create', 'namespace', NS]);
    for (let i = 0; i < 100; i++) {
      if (
        (
          await kubectl([
            'get',
            'serviceaccount',
            'default',
            '-n',
            NS,
            '--ignore-not-found',
            '-o',
            'name',
          ])
        ).trim()
      )
        break;
      await sleep(100);
    }

    // The operator, in-process, with the recording node API.
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const client = new HttpKubeClient(new KubeTransport(kc, { userAgent: 'rollout-bench' }));
    const api = new RecordingNodeApi();
    const operator = new Operator(
      {
        namespaces: [NS],
        concurrency: 4,
        bindAddress: '127.0.0.1',
        metricsPort: 0,
        healthPort: 0,
        leaderElect: false,
        leaderElectionNamespace: NS,
        leaderElectionId: 'bench',
        resyncPeriodMs: 600_000,
        shutdownGraceMs: 2000,
        kubeApiQps: 50,
        kubeApiBurst: 100,
      },
      {
        kubeConfig: kc,
        logger: pino({ level: 'silent' }),
        rollout: (c, events) => new RolloutExecutor({ client: c, nodeApi: api, events }),
      },
    );
    await operator.start();
    cleanup.unshift(() => operator.stop());

    const spec = (activeClient) => ({
      apiVersion: 'gms.chatops.io/v1alpha1',
      kind: 'ChatService',
      metadata: { name: NAME, namespace: NS },
      spec: {
        gms: {
          version: '8.5.219.03',
          image: 'registry.example.com/gms:8.5.219.03',
          replicas: NODES,
        },
        chatServer: {
          version: '8.5.108.02',
          endpoints: [{ name: 'cs-1', host: 'chat-1', port: 4125 }],
        },
        chat: { enable_notification_mode: true },
        options: { push_notification_to_active_client: activeClient },
        rollout: { drainTimeout: DRAIN, podReadyTimeout: '2m' },
      },
    });
    const applyCs = (o) => client.apply(o, { fieldManager: 'rollout-bench', force: true });
    const templateHash = async () =>
      (await client.get(RESOURCES.StatefulSet, NS, NAME))?.spec?.template?.metadata?.annotations?.[
        ANNOTATION_STATIC_HASH
      ];
    const settled = async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const cs = await client.get(RESOURCES.ChatService, NS, NAME);
        const hash = await templateHash();
        const pods = (await client.list(RESOURCES.Pod, { namespace: NS })).items;
        const ready = (p) =>
          p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        if (
          cs?.status?.observedGeneration === cs?.metadata.generation &&
          (cs?.status?.rollout?.phase ?? 'Idle') === 'Idle' &&
          pods.length === NODES &&
          pods.every(
            (p) =>
              ready(p) &&
              !p.metadata.deletionTimestamp &&
              p.metadata.annotations?.[ANNOTATION_STATIC_HASH] === hash,
          )
        )
          return;
        if (Date.now() > deadline) throw new Error('the ChatService did not settle in time');
        await sleep(100);
      }
    };

    await applyCs(spec(true));
    await settled(180_000);
    console.error(`[bench] ${NODES} nodes Ready; rolling`);

    // Ready moments of every pod, from a watch in this process.
    const readyAt = new Map(); // uid -> ms
    const podOf = new Map(); // uid -> name
    const abort = new AbortController();
    const list = await client.list(RESOURCES.Pod, { namespace: NS });
    const watching = client
      .watch(
        RESOURCES.Pod,
        {
          namespace: NS,
          resourceVersion: list.metadata.resourceVersion,
          timeoutSeconds: 600,
          stallTimeoutMs: 600_000,
          signal: abort.signal,
        },
        (ev) => {
          const p = ev.object;
          podOf.set(p.metadata.uid, p.metadata.name);
          const ready = p.status?.conditions?.some(
            (c) => c.type === 'Ready' && c.status === 'True',
          );
          if (ready && !readyAt.has(p.metadata.uid)) readyAt.set(p.metadata.uid, Date.now());
        },
      )
      .catch(() => undefined);
    for (const p of list.items) readyAt.set(p.metadata.uid, 0);

    const t0 = Date.now();
    await applyCs(spec(false));
    await settled(30 * 60_000);
    const t1 = Date.now();
    abort.abort();
    await watching;
    await operator.stop();
    cleanup.shift();

    // Per node: detach, new pod Ready, reattach, next detach.
    const changes = api.calls.filter((c) => c.op === 'changestatus' && c.ok);
    const detaches = changes.filter((c) => c.status === 'OFFLINE');
    const newReady = new Map(); // node -> first Ready of a pod created after its detach
    for (const [uid, at] of readyAt) {
      if (!at) continue;
      const node = podOf.get(uid);
      const detach = detaches.find((d) => d.node === node);
      if (detach && at > detach.at && (!newReady.has(node) || at < newReady.get(node)))
        newReady.set(node, at);
    }
    const rows = [];
    const overhead = [];
    for (let i = 0; i < detaches.length; i++) {
      const d = detaches[i];
      const ready = newReady.get(d.node);
      const reattach = changes.find(
        (c) => c.status === 'ONLINE' && c.node === d.node && c.at >= d.at,
      );
      const next = detaches[i + 1];
      const o = next && ready ? next.at - ready : undefined;
      if (o !== undefined) overhead.push(o);
      rows.push({
        node: d.node,
        detachToReady: ready ? ready - d.at : NaN,
        readyToReattach: ready && reattach ? reattach.at - ready : NaN,
        readyToNextDetach: o,
      });
    }
    const drainMs = Number(/^(\d+(?:\.\d+)?)s$/.exec(DRAIN)?.[1] ?? 0) * 1000;
    const bound = NODES * (READY_MS + drainMs + 2000);
    const total = t1 - t0;

    console.log(
      `Rollout benchmark: ${NODES} nodes, pods Ready ${READY_MS} ms after start, drain bound ${DRAIN}`,
    );
    console.log('');
    console.log(
      'node          detach->Ready  Ready->reattach  Ready->next detach (operator overhead)',
    );
    for (const r of rows)
      console.log(
        `${r.node.padEnd(13)} ${fmt(r.detachToReady).padStart(13)}  ${fmt(r.readyToReattach).padStart(15)}  ${r.readyToNextDetach === undefined ? '(last node)' : fmt(r.readyToNextDetach).padStart(10)}`,
      );
    console.log('');
    console.log(
      `operator overhead per node restart: p50 ${fmt(pct(overhead, 50))}, p90 ${fmt(pct(overhead, 90))}, max ${fmt(Math.max(...overhead))} (target < 2 s: ${Math.max(...overhead) < 2000 ? 'met' : 'MISSED'})`,
    );
    console.log(
      `whole roll: ${fmt(total)} (bound ${NODES} x (${READY_MS / 1000} s + ${DRAIN} + 2 s) = ${fmt(bound)}: ${total <= bound ? 'met' : 'MISSED'})`,
    );
    console.log(
      `detaches: ${detaches.length}, reattaches: ${changes.filter((c) => c.status === 'ONLINE').length}, nodes: ${NODES}`,
    );
  } finally {
    for (const f of cleanup) await f();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`rollout bench failed: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
