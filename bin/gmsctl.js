#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm ci` via prepare).
import('../dist/cli/main.js').then(
  (m) => m.main(process.argv.slice(2)),
  (err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write('gmsctl: not built yet; run `npm ci` (or `npm run build`) first\n');
      process.exit(2);
    }
    throw err;
  },
);
