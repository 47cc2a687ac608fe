// `npm run bench`: runs every bench/*.bench.js and bench/*.bench.ts, one after the other (they
// measure wall time and memory, so never in parallel), each as its own Node process, and
// prints their figures. A new benchmark only needs to be a file named <name>.bench.js|ts here.
//
//   npm run bench                 every benchmark
//   npm run bench -- validate lb  only those whose name contains "validate" or "lb"
//
// dist/ is built first when it is missing (`make bench` always builds). Exit code 1 when a
// benchmark fails to run; missed targets are printed, not failed (timing belongs here, not
// in tests), unless BENCH_STRICT=1.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const NODE_BIN = join(ROOT, 'node_modules/.bin');
const filters = process.argv.slice(2);

const benches = readdirSync(BENCH)
  .filter((f) => /\.bench\.(js|ts)$/.test(f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (benches.length === 0) {
  console.error(`no benchmark matches ${filters.join(' ')}`);
  process.exit(1);
}

if (!existsSync(join(ROOT, 'dist/cli/main.js'))) {
  console.log('building dist/ ...');
  const b = spawnSync(join(NODE_BIN, 'tsc'), ['-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) process.exit(b.status ?? 1);
}

const env = { ...process.env, PATH: `${NODE_BIN}:${process.env.PATH}` };
const failed = [];
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const started = process.hrtime.bigint();
  const r = spawnSync(join(NODE_BIN, 'node'), [join(BENCH, file)], {
    cwd: ROOT,
    stdio: 'inherit',
    env,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `=== ${file}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status ?? r.signal})`} in ${seconds.toFixed(1)} s`,
  );
  if (r.status !== 0) failed.push(file);
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
