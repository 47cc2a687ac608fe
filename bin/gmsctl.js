#!/usr/bin/env node
// Thin launcher for gmsctl. The CLI is compiled to dist/ by `npm run build` (run by `npm ci`
// through `prepare`). gmsctl needs Node >= 22; the project pins Node 24 LTS as the `node`
// devDependency, so when an older node starts this file (a machine's Node 20, say) and the
// pinned one is installed, re-run on it instead of failing on a missing API halfway through.

const MIN_MAJOR = 22;
const major = Number(process.versions.node.split('.')[0]);

if (major < MIN_MAJOR) {
  // Loaded only on this path: a normal start should not pay for child_process.
  const { spawn } = await import('node:child_process');
  const { existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (existsSync(pinned) && process.env.GMSCTL_REEXEC !== '1') {
    const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, GMSCTL_REEXEC: '1' },
    });
    // Not spawnSync: a signal to this process (kill PID, a supervisor, CI) ended it and left the
    // child running (an orphaned `gmsctl operator` kept its Lease and ports). SIGTERM and SIGHUP
    // are passed on; Ctrl-C reaches both processes from the terminal already, so SIGINT is only
    // absorbed here (passing it on would count as a second Ctrl-C: "exiting now").
    for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
    process.on('SIGINT', () => {});
    const code = await new Promise((resolve) => {
      child.on('error', (err) => {
        process.stderr.write(`gmsctl: cannot run ${pinned}: ${err.message}\n`);
        resolve(2);
      });
      child.on('exit', (status, signal) => {
        if (signal) {
          process.removeAllListeners(signal);
          process.kill(process.pid, signal);
        }
        resolve(status ?? 1);
      });
    });
    process.exit(code);
  }
  process.stderr.write(
    `gmsctl: Node ${process.versions.node} is too old (need >= ${MIN_MAJOR}); run \`npm ci\` in the project to install the pinned Node 24\n`,
  );
  process.exit(2);
}

// No `module.enableCompileCache()` here: Node 24.21 loading cometd/Client.js from that cache
// fails from the second start on ("TypeError: Receiver must be class #configure" or a
// segfault; reproduced with a fresh cache dir). 30 ms of start-up is not worth that risk.

import('../dist/cli/main.js').then(
  (m) => m.main(process.argv.slice(2)),
  (err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli')) {
      process.stderr.write('gmsctl: not built yet; run `npm ci` (or `npm run build`) first\n');
      process.exit(2);
    }
    throw err;
  },
);
