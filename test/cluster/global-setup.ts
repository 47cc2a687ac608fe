/**
 * vitest globalSetup of the `k8s` project: one real control plane per run.
 *
 * - If KUBECONFIG is set (or GMS_TEST_USE_EXISTING_CLUSTER=1, which falls back to
 *   ~/.kube/config), the tests run unchanged against that cluster and nothing is started.
 * - Otherwise `hack/cluster.sh up --full` starts etcd, kube-apiserver, kube-controller-manager,
 *   kube-scheduler and kwok with fake nodes in a fresh temporary directory on free loopback
 *   ports (domain/test-control-plane.md §3-§5), KUBECONFIG is exported to the test workers, and
 *   the returned teardown stops it all, whether the tests passed or failed. The script's
 *   watchdog (--owner-pid) also stops it if this vitest process dies without a teardown
 *   (SIGKILL, a crash), so no run leaves processes or ports behind.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

import { REPO_ROOT, toolPaths } from './tools.js';

const run = promisify(execFile);

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    kubectl: string;
    helm: string;
    /** `full` (KCM, scheduler, kwok nodes), `minimal` or `external` (a cluster we did not start). */
    clusterMode: 'full' | 'minimal' | 'external';
  }
}

function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const existing =
    process.env.KUBECONFIG ??
    (process.env.GMS_TEST_USE_EXISTING_CLUSTER === '1'
      ? join(homedir(), '.kube', 'config')
      : undefined);
  if (existing) {
    const tools = toolPaths();
    process.env.KUBECONFIG = existing;
    process.env.GMS_KUBECTL = tools.kubectl;
    process.env.GMS_HELM = tools.helm;
    process.env.GMS_CLUSTER_MODE = process.env.GMS_CLUSTER_MODE ?? 'external';
    project.provide('kubeconfig', existing);
    project.provide('kubectl', tools.kubectl);
    project.provide('helm', tools.helm);
    project.provide('clusterMode', 'external');
    console.log(`[k8s] using the existing cluster of KUBECONFIG=${existing}`);
    return;
  }

  const dir = mkdtempSync(join(tmpdir(), 'gms-cluster-'));
  const script = join(REPO_ROOT, 'hack', 'cluster.sh');
  const keepLogs = process.env.GMS_KEEP_CLUSTER_LOGS === '1';
  const down = async (): Promise<void> => {
    await run(script, ['down', '--dir', dir, ...(keepLogs ? [] : ['--purge'])], { cwd: REPO_ROOT });
  };
  const started = Date.now();
  try {
    // --owner-pid: the script's watchdog tears it down if this process dies without teardown.
    const owner = ['--owner-pid', String(process.pid), ...(keepLogs ? [] : ['--ephemeral'])];
    await run(script, ['up', '--full', '--dir', dir, ...owner], {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    // cluster.sh already tore down what it started; its stderr carries the failing log tail.
    await down().catch(() => undefined);
    throw new Error(`the test control plane did not start:\n${e.stderr ?? e.message}`, {
      cause: err,
    });
  }
  const state = parseEnvFile(readFileSync(join(dir, 'state.env'), 'utf8'));
  const kubeconfig = state.KUBECONFIG!;
  // Test workers are started after globalSetup and inherit this environment; `inject` is the
  // documented channel, the environment serves child processes (kubectl, helm, gmsctl).
  process.env.KUBECONFIG = kubeconfig;
  process.env.GMS_KUBECTL = state.GMS_KUBECTL!;
  process.env.GMS_HELM = state.GMS_HELM!;
  process.env.GMS_CLUSTER_MODE = 'full';
  project.provide('kubeconfig', kubeconfig);
  project.provide('kubectl', state.GMS_KUBECTL!);
  project.provide('helm', state.GMS_HELM!);
  project.provide('clusterMode', 'full');
  console.log(
    `[k8s] control plane up in ${((Date.now() - started) / 1000).toFixed(1)}s at ${state.GMS_API_SERVER} (KUBECONFIG=${kubeconfig})`,
  );

  return async () => {
    await down();
    delete process.env.KUBECONFIG;
  };
}
