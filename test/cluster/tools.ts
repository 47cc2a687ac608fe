/**
 * Where the control-plane binaries live: the cache hack/build-tools.sh fills, keyed by the
 * versions in hack/versions.env (domain/test-control-plane.md §0). GMS_KUBECTL / GMS_HELM
 * override; for a cluster we did not start, kubectl/helm from PATH are the fallback.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ToolPaths {
  kubectl: string;
  helm: string;
  binDirs: Record<'KUBE_BIN' | 'ETCD_BIN' | 'HELM_BIN' | 'KWOK_BIN', string>;
}

let cached: ToolPaths | undefined;

export function toolPaths(): ToolPaths {
  if (cached) return cached;
  const out = execFileSync(join(REPO_ROOT, 'hack', 'build-tools.sh'), ['--print'], {
    encoding: 'utf8',
  });
  const dirs = Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => l.split('=', 2) as [string, string]),
  ) as ToolPaths['binDirs'];
  const pick = (envName: string, file: string, fallback: string): string => {
    const fromEnv = process.env[envName];
    if (fromEnv) return fromEnv;
    return existsSync(file) ? file : fallback;
  };
  cached = {
    kubectl: pick('GMS_KUBECTL', join(dirs.KUBE_BIN, 'kubectl'), 'kubectl'),
    helm: pick('GMS_HELM', join(dirs.HELM_BIN, 'helm'), 'helm'),
    binDirs: dirs,
  };
  return cached;
}
