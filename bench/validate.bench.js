// gmsctl validate at CI scale (issue 2, "Performance"):
//  1. 10,000 generated ChatService/PushProvider documents + 1,000 GMS INI files through the real
//     CLI process: wall time (target < 3 s) and peak RSS (target < 300 MB);
//  2. the same 10,000 documents, side by side with ajv-cli 5 validating them against the same
//     generated JSON Schema (schemas/gms.schema.json), one document per file because ajv-cli
//     cannot read multi-document YAML (domain/load-balancers.md §7): wall time and the ratio.
//     Both are cold CLI processes of the same Node, started alternately (gmsctl, ajv-cli,
//     gmsctl, ...) after one untimed warm-up each, with the same on-disk compile cache setting
//     (gmsctl enables Node's compile cache itself; ajv-cli gets it through NODE_COMPILE_CACHE),
//     stdout to a file for both (ajv-cli loses most of its output into a pipe: see measure),
//     and each run is checked to have read every document (gmsctl's summary, ajv-cli's "valid"
//     lines). Medians of wall and CPU time (user+sys: it counts V8's helper threads too) and
//     every run are printed, so a noisy shared machine shows in the figures;
//  3. `gmsctl --version` cold start over N runs (target < 150 ms).
// Peak RSS is the child's VmHWM from /proc (a high-water mark, so sampling is exact up to the
// last sample) with /usr/bin/time -f %M when it is installed as a cross-check.
//
//   node bench/validate.bench.js      (needs dist/: npm run build)
// Env: GMS_BENCH_DOCS (default 10000), GMS_BENCH_INI (1000), GMS_BENCH_RUNS (9 timed runs,
//      the median is reported: the machine is shared and noisy), GMS_BENCH_VERSION_RUNS (30).
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const GMSCTL = join(ROOT, 'bin/gmsctl.js');
const AJV = join(ROOT, 'node_modules/ajv-cli/dist/index.js');
const SCHEMA = join(ROOT, 'schemas/gms.schema.json');
const DOCS = Number(process.env.GMS_BENCH_DOCS ?? 10_000);
const INI = Number(process.env.GMS_BENCH_INI ?? 1_000);
const RUNS = Number(process.env.GMS_BENCH_RUNS ?? 9);
const VERSION_RUNS = Number(process.env.GMS_BENCH_VERSION_RUNS ?? 30);

const TARGET_WALL_S = 3;
const TARGET_RSS_MB = 300;
const TARGET_COLD_MS = 150;

// ---------------------------------------------------------------------------------------------
// Inputs: ChatServices that each use two PushProviders of their namespace (so references
// resolve), the providers alternating FCM and custom HTTP, every tenth service with an unknown
// option (a warning: the slow path that locates positions runs too), and INI files.

function chatService(i) {
  const ns = `team-${i % 50}`;
  const typo = i % 10 === 0 ? '\n    push_notification_to_active_clinet: false' : '';
  return `apiVersion: gms.chatops.io/v1alpha1
kind: ChatService
metadata:
  name: chat-${i}
  namespace: ${ns}
  labels: { app.kubernetes.io/part-of: contact-center, tier: "${i % 3}" }
spec:
  gms:
    version: "8.5.219.03"
    image: registry.example.com/gms:8.5.219.03
    replicas: ${2 + (i % 3)}
  chatServer:
    version: "8.5.108.02"
    endpoints:
      - { name: cs-1, host: chat-1.${ns}.svc, port: 4125 }
      - { name: cs-2, host: chat-2.${ns}.svc, port: 4125 }
  chat:
    enable_notification_mode: true
  options:
    push_notification_to_active_client: ${i % 2 === 0}${typo}
  push:
    enabled: [comet, fcm, customhttp]
    defaultProvider: fcm${i}
    providers: [fcm${i}, hooks${i}]
    options:
      defaultSubscriptionExpiration: ${60 + (i % 60)}
  auth:
    basic:
      secretRef: { name: chat-basic-auth }
  expose:
    mode: ${['haproxy', 'nginx', 'ingress-nginx', 'apache'][i % 4]}
    host: chat-${i}.example.com
    tls: { secretName: chat-tls }
    affinity: cookie
  rollout:
    strategy: ${i % 2 ? 'DetachReattach' : 'Offline'}
    podReadyTimeout: 10m
`;
}

function fcmProvider(i) {
  return `apiVersion: gms.chatops.io/v1alpha1
kind: PushProvider
metadata:
  name: fcm${i}
  namespace: team-${i % 50}
spec:
  type: fcm
  fcm:
    apiKeySecretRef: { name: fcm, key: apiKey }
  events:
    Message: { title: "%s sent new message" }
    IdleAlert: { title: "Chat will close soon", body: "Please use app if you want to continue" }
  options:
    fcm.title: "New message ${i}"
`;
}

function hooksProvider(i) {
  return `apiVersion: gms.chatops.io/v1alpha1
kind: PushProvider
metadata:
  name: hooks${i}
  namespace: team-${i % 50}
spec:
  type: customhttp
  customhttp:
    url: http://push-receiver.team-${i % 50}.svc:8080/gms/push/${i}
  events:
    Message: { body: "%s sent new message" }
`;
}

function ini(i) {
  return `; node ${i}
[chat]
enable_notification_mode=true

[chat.chat-${i}]
push_notification_to_active_client=false
_client_timeout_notification=${30 + (i % 90)}

[push]
pushEnabled=comet,fcm,customhttp
defaultSubscriptionExpiration=60
fcm.title=New message

[push.provider.hooks${i}]
customhttp.url=http://push-receiver.example.com:8080/gms/push/${i}
`;
}

function generate(dir) {
  const yamlDir = join(dir, 'manifests');
  const iniDir = join(dir, 'ini');
  mkdirSync(yamlDir, { recursive: true });
  mkdirSync(iniDir, { recursive: true });
  let n = 0;
  for (let i = 0; n < DOCS; i++) {
    // Providers first: when DOCS cuts a group short, no ChatService is left without them.
    const docs = [fcmProvider(i), hooksProvider(i), chatService(i)];
    for (let k = 0; k < docs.length && n < DOCS; k++, n++)
      writeFileSync(join(yamlDir, `doc-${String(n).padStart(5, '0')}.yaml`), docs[k]);
  }
  for (let i = 0; i < INI; i++)
    writeFileSync(join(iniDir, `node-${String(i).padStart(4, '0')}.ini`), ini(i));
  return { yamlDir, iniDir };
}

// ---------------------------------------------------------------------------------------------
// Measuring a child process: wall time (hrtime) and peak RSS (VmHWM from /proc).

function hasGnuTime() {
  return (
    existsSync('/usr/bin/time') &&
    spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0
  );
}

/**
 * `stdoutFile`: send the child's stdout to this file instead of a pipe (read back afterwards).
 * ajv-cli prints a line per file with console.log and then calls process.exit(): into a pipe
 * from this process most of those lines are still queued at exit and silently dropped, so its
 * output is only complete (and its cost only real) when written to a file.
 */
function measure(cmd, args, env = process.env, stdoutFile = undefined) {
  return new Promise((resolve) => {
    const useTime = hasGnuTime();
    const out = stdoutFile === undefined ? 'pipe' : openSync(stdoutFile, 'w');
    const stdio = ['ignore', out, 'pipe'];
    const started = process.hrtime.bigint();
    const child = useTime
      ? spawn('/usr/bin/time', ['-f', 'GNU_TIME=%U %S %M', cmd, ...args], {
          cwd: ROOT,
          env,
          stdio,
        })
      : spawn(cmd, args, { cwd: ROOT, env, stdio });
    if (typeof out === 'number') closeSync(out);
    let hwmKb = 0;
    const status = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
      } catch {
        // exited between samples
      }
    };
    const timer = useTime ? undefined : setInterval(status, 5);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      if (timer) clearInterval(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const gnu = /GNU_TIME=([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
      const cpuMs = gnu ? (Number(gnu[1]) + Number(gnu[2])) * 1000 : NaN;
      const rssKb = gnu ? Number(gnu[3]) : hwmKb;
      if (stdoutFile !== undefined) stdout = readFileSync(stdoutFile, 'utf8');
      resolve({ code, wallMs, cpuMs, rssMb: rssKb / 1024, stdout, stderr });
    });
  });
}

async function median(runs, fn) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await fn());
  results.sort((a, b) => a.wallMs - b.wallMs);
  return { ...results[Math.floor(results.length / 2)], all: results };
}

const fmtS = (ms) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ok) => (ok ? 'ok' : 'MISSED');

// ---------------------------------------------------------------------------------------------

async function main() {
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    throw new Error('dist/ missing: run npm run build');
  const dir = mkdtempSync(join(tmpdir(), 'gmsctl-bench-'));
  const missed = [];
  try {
    const { yamlDir, iniDir } = generate(dir);
    console.log(
      `inputs: ${DOCS} documents (${Math.floor(DOCS / 3)} ChatServices, the rest PushProviders, one per file) + ${INI} INI files; ${RUNS} runs each, median shown`,
    );
    console.log(
      `machine: ${(await import('node:os')).cpus().length} cores, load ${(await import('node:os'))
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );

    // 1. The CI case: everything at once.
    const all = await median(RUNS, () =>
      measure(NODE, [GMSCTL, 'validate', '--format', 'json', yamlDir, iniDir]),
    );
    if (all.code !== 0)
      throw new Error(`gmsctl validate failed (${all.code}):\n${all.stderr.slice(0, 2000)}`);
    const summary = JSON.parse(all.stdout).summary;
    console.log(
      `\ngmsctl validate, ${summary.files} files, ${summary.documents} documents: ${summary.errors} errors, ${summary.warnings} warnings`,
    );
    console.log(
      `  wall ${fmtS(all.wallMs)} (target < ${TARGET_WALL_S} s: ${verdict(all.wallMs < TARGET_WALL_S * 1000)})   peak RSS ${all.rssMb.toFixed(0)} MB (target < ${TARGET_RSS_MB} MB: ${verdict(all.rssMb < TARGET_RSS_MB)})`,
    );
    console.log(
      `  runs: ${all.all.map((r) => fmtS(r.wallMs)).join(', ')}; CPU (user+sys) ${fmtS(all.cpuMs)}`,
    );
    if (all.wallMs >= TARGET_WALL_S * 1000) missed.push('validate wall');
    if (all.rssMb >= TARGET_RSS_MB) missed.push('validate RSS');

    // 2. Side by side with ajv-cli on the same YAML documents and the same schema.
    // Interleaved (gmsctl, ajv-cli, gmsctl, ...) so both see the same load on a shared machine;
    // one untimed warm-up each (page cache, compile cache); the same compile-cache setting.
    const ajvArgs = [
      AJV,
      'validate',
      '--spec=draft7',
      '--strict=false',
      '--all-errors',
      '-s',
      SCHEMA,
      '-d',
      `${yamlDir}/*.yaml`,
    ];
    const oursArgs = [GMSCTL, 'validate', '--format', 'json', yamlDir];
    const env = { ...process.env, NODE_COMPILE_CACHE: join(dir, 'node-compile-cache') };
    const checkOurs = (r) => {
      if (r.code !== 0)
        throw new Error(`gmsctl validate failed (${r.code}):\n${r.stderr.slice(0, 2000)}`);
      const docs = JSON.parse(r.stdout).summary.documents;
      if (docs !== DOCS) throw new Error(`gmsctl read ${docs} documents, not ${DOCS}`);
      return r;
    };
    const checkTheirs = (r) => {
      if (r.code !== 0) throw new Error(`ajv-cli failed (${r.code}):\n${r.stderr.slice(0, 2000)}`);
      const valid = r.stdout.split('\n').filter((l) => / valid$/.test(l)).length;
      if (valid !== DOCS) throw new Error(`ajv-cli validated ${valid} documents, not ${DOCS}`);
      return r;
    };
    // Both write their report to a file (see measure): the same kind of stdout for both.
    const oursOut = join(dir, 'gmsctl.out');
    const theirsOut = join(dir, 'ajv-cli.out');
    checkOurs(await measure(NODE, oursArgs, env, oursOut));
    checkTheirs(await measure(NODE, ajvArgs, env, theirsOut));
    const oursRuns = [];
    const theirsRuns = [];
    for (let i = 0; i < RUNS; i++) {
      oursRuns.push(checkOurs(await measure(NODE, oursArgs, env, oursOut)));
      theirsRuns.push(checkTheirs(await measure(NODE, ajvArgs, env, theirsOut)));
    }
    const mid = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const wall = (runs) => mid(runs.map((r) => r.wallMs));
    const cpu = (runs) => mid(runs.map((r) => r.cpuMs));
    const rss = (runs) => Math.max(...runs.map((r) => r.rssMb));
    const list = (runs) => runs.map((r) => (r.wallMs / 1000).toFixed(2)).join(' ');
    console.log(
      `\nsame ${DOCS} documents, schema ${SCHEMA.slice(ROOT.length + 1)}, ${RUNS} interleaved runs:`,
    );
    console.log(
      `  gmsctl validate (schema + every rule + positions): wall ${fmtS(wall(oursRuns))}, CPU ${fmtS(cpu(oursRuns))}, peak ${rss(oursRuns).toFixed(0)} MB   runs: ${list(oursRuns)}`,
    );
    console.log(
      `  ajv-cli 5 (schema only; every document valid):    wall ${fmtS(wall(theirsRuns))}, CPU ${fmtS(cpu(theirsRuns))}, peak ${rss(theirsRuns).toFixed(0)} MB   runs: ${list(theirsRuns)}`,
    );
    const ratio = wall(theirsRuns) / wall(oursRuns);
    const cpuRatio = cpu(theirsRuns) / cpu(oursRuns);
    console.log(
      `  ratio ajv-cli / gmsctl (medians): wall ${ratio.toFixed(2)}x, CPU ${cpuRatio.toFixed(2)}x (${ratio > 1 ? 'gmsctl faster' : 'ajv-cli faster: MISSED'})`,
    );
    if (ratio <= 1) missed.push('faster than ajv-cli');

    // 3. Cold start.
    const times = [];
    for (let i = 0; i < VERSION_RUNS; i++) {
      const t = process.hrtime.bigint();
      const r = spawnSync(NODE, [GMSCTL, '--version'], { cwd: ROOT });
      if (r.status !== 0) throw new Error('gmsctl --version failed');
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor(times.length / 2)];
    const p90 = times[Math.floor(times.length * 0.9)];
    const bare = [];
    for (let i = 0; i < 10; i++) {
      const t = process.hrtime.bigint();
      spawnSync(NODE, ['-e', '0']);
      bare.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    bare.sort((a, b) => a - b);
    console.log(
      `\ngmsctl --version cold start, ${VERSION_RUNS} runs: median ${p50.toFixed(0)} ms, p90 ${p90.toFixed(0)} ms, min ${times[0].toFixed(0)} ms (target < ${TARGET_COLD_MS} ms: ${verdict(p50 < TARGET_COLD_MS)}); bare \`node -e 0\`: ${bare[5].toFixed(0)} ms`,
    );
    if (p50 >= TARGET_COLD_MS) missed.push('cold start');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (missed.length > 0) {
    console.log(`\nmissed targets: ${missed.join(', ')}`);
    if (process.env.BENCH_STRICT === '1') process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
