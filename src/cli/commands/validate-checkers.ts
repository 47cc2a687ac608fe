/**
 * File checkers that `gmsctl validate` runs besides manifests and GMS INI files. validate may
 * not import src/lb (imports flow validate -> lb), so the cli registers lb's linters here:
 * add an entry whose load() imports the checker module, e.g.
 *   { id: 'nginx', load: async () => [(await import('../../lb/lint/nginx.js')).nginxChecker] },
 * Each FileChecker (src/validate/checker.ts) claims files by name and reports Diagnostics
 * with its own rule ids (registered for SARIF and documented in docs/rules/).
 */
import type { FileChecker } from '../../validate/index.js';

export interface CheckerLoader {
  id: string;
  load: () => Promise<readonly FileChecker[]>;
}

export const FILE_CHECKERS: readonly CheckerLoader[] = [
  { id: 'lb', load: async () => [(await import('../../lb/lint/index.js')).lbConfigChecker] },
];

export async function loadFileCheckers(): Promise<FileChecker[]> {
  const loaded = await Promise.all(FILE_CHECKERS.map((c) => c.load()));
  return loaded.flat();
}
