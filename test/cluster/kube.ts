/**
 * Helpers for tests of the `k8s` project (a real kube-apiserver; see test/cluster/global-setup.ts):
 *
 *   const kc = loadKubeConfig();
 *   await applyCrds(kc);                        // crds/*.yaml, server-side apply, Established
 *   const ns = useTestNamespace('operator');    // unique namespace per test file, deleted after
 *   await kubectl(['get', 'pods', '-n', ns.name]);
 *
 * They read KUBECONFIG from the environment (set by the global setup, or by whoever points the
 * tests at an existing cluster), so the same tests run against any cluster.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import {
  ApiextensionsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  loadYaml,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { afterAll, beforeAll } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { REPO_ROOT, toolPaths } from './tools.js';

export { REPO_ROOT, toolPaths };

/** Field manager of objects the tests apply (never the operator's `gms-operator`). */
export const TEST_FIELD_MANAGER = 'gms-tests';
/** Label on every namespace a test creates, so a leftover is easy to find and remove. */
export const TEST_NAMESPACE_LABEL = 'gms.chatops.io/test';

export function kubeconfigPath(): string {
  const path = process.env.KUBECONFIG;
  if (!path) {
    throw new Error(
      'KUBECONFIG is not set: run k8s tests through `vitest --project k8s` (its globalSetup starts a control plane) or point KUBECONFIG at a cluster',
    );
  }
  return path;
}

export function loadKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath());
  return kc;
}

/** True when the cluster runs controllers and kwok nodes (pods get created and become Ready). */
export function clusterHasNodes(): boolean {
  return process.env.GMS_CLUSTER_MODE !== 'minimal';
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

function execTool(
  bin: string,
  args: string[],
  input?: string | Buffer,
  timeoutMs = 120_000,
): Promise<ExecResult> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      bin,
      args,
      {
        env: { ...process.env, KUBECONFIG: kubeconfigPath() },
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        if (err && typeof (err as { code?: unknown }).code !== 'number') {
          reject(err);
          return;
        }
        resolvePromise({ code: err ? Number((err as { code: number }).code) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs the cached kubectl against the test cluster; never throws on a non-zero exit. */
export function kubectl(args: string[], input?: string | Buffer): Promise<ExecResult> {
  return execTool(toolPaths().kubectl, args, input);
}

/** Runs the cached helm against the test cluster; never throws on a non-zero exit. */
export function helm(args: string[], input?: string, timeoutMs?: number): Promise<ExecResult> {
  return execTool(toolPaths().helm, args, input, timeoutMs);
}

/** kubectl that must succeed: returns stdout, throws with stderr otherwise. */
export async function kubectlOk(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Every object of a multi-document YAML file (empty documents skipped). */
export function readManifests(path: string): KubernetesObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null && typeof o === 'object');
}

/** The generated CRD files (crds/*.yaml), sorted. */
export function crdFiles(dir = join(REPO_ROOT, 'crds')): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Server-side apply of a wire-format object (as read from YAML/JSON) with the test field manager
 * (force: tests own what they apply).
 *
 * KubernetesObjectApi serializes built-in kinds through client-node's generated models, which
 * read TypeScript property names: a raw object's `x-kubernetes-int-or-string`, `enum`,
 * `default`, `$ref`, ... have other TypeScript names (`x_kubernetes_int_or_string`, `_enum`,
 * `_default`, `ref`) and are dropped silently (a CRD applied raw lost every enum and
 * x-kubernetes-* marker and failed structural validation). loadYaml maps wire names to model
 * names first (JSON is YAML).
 */
export async function apply<T extends KubernetesObject>(kc: KubeConfig, obj: T): Promise<T> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const typed = loadYaml<T>(JSON.stringify(obj));
  return client.patch(
    typed,
    undefined,
    undefined,
    TEST_FIELD_MANAGER,
    true,
    PatchStrategy.ServerSideApply,
  );
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await sleep(intervalMs);
  }
}

function conditionTrue(crd: V1CustomResourceDefinition, type: string): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** Waits until the CRD is Established (its REST endpoints serve) and its names are accepted. */
export async function waitForCrdEstablished(
  kc: KubeConfig,
  name: string,
  timeoutMs = 60_000,
): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  await waitFor(
    `CRD ${name} to be Established`,
    async () => {
      const crd = await api.readCustomResourceDefinition({ name });
      const refused = (crd.status?.conditions ?? []).find(
        (c) => c.type === 'NamesAccepted' && c.status === 'False',
      );
      if (refused) throw new Error(`CRD ${name} names not accepted: ${refused.message}`);
      return conditionTrue(crd, 'Established') ? true : undefined;
    },
    timeoutMs,
  );
}

/**
 * Applies crds/*.yaml (or the given files) and waits until each is Established. Safe to call
 * from several test files: server-side apply of identical content is a no-op.
 */
export async function applyCrds(kc: KubeConfig, files: string[] = crdFiles()): Promise<string[]> {
  const names: string[] = [];
  for (const file of files) {
    for (const obj of readManifests(file)) {
      if (obj.kind !== 'CustomResourceDefinition') continue;
      await apply(kc, obj);
      names.push(obj.metadata!.name!);
    }
  }
  for (const name of names) await waitForCrdEstablished(kc, name);
  return names;
}

/** A fresh namespace `<prefix>-<random>` labelled as a test namespace. */
export async function createTestNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const name = `${clean || 'test'}-${randomBytes(4).toString('hex')}`;
  await kc.makeApiClient(CoreV1Api).createNamespace({
    body: { metadata: { name, labels: { [TEST_NAMESPACE_LABEL]: 'true' } } },
  });
  if (clusterHasNodes()) {
    // Pods need the namespace's `default` ServiceAccount (ServiceAccount admission is on when
    // kube-controller-manager runs); its serviceaccount controller creates it within moments.
    const core = kc.makeApiClient(CoreV1Api);
    await waitFor(`ServiceAccount default in ${name}`, async () => {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: name });
      return true;
    });
  }
  return name;
}

/**
 * Deletes a namespace. With kube-controller-manager running, `wait` blocks until it is gone
 * (its namespace controller empties it); on a minimal control plane it would stay Terminating.
 */
export async function deleteNamespace(
  kc: KubeConfig,
  name: string,
  wait = false,
  timeoutMs = 120_000,
): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  try {
    await core.deleteNamespace({ name, propagationPolicy: 'Foreground' });
  } catch (err) {
    if ((err as { code?: number }).code === 404) return;
    throw err;
  }
  if (!wait) return;
  await waitFor(
    `namespace ${name} to be deleted`,
    async () => {
      try {
        await core.readNamespace({ name });
        return undefined;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return true;
        throw err;
      }
    },
    timeoutMs,
    500,
  );
}

/**
 * Registers beforeAll/afterAll hooks: a unique namespace for this test file, deleted after it
 * (set GMS_KEEP_TEST_NAMESPACES=1 to keep it for debugging).
 */
export function useTestNamespace(prefix: string): {
  readonly name: string;
  readonly kc: KubeConfig;
} {
  let name: string | undefined;
  let kc: KubeConfig | undefined;
  beforeAll(async () => {
    kc = loadKubeConfig();
    name = await createTestNamespace(kc, prefix);
  });
  afterAll(async () => {
    if (kc && name && process.env.GMS_KEEP_TEST_NAMESPACES !== '1') await deleteNamespace(kc, name);
  });
  return {
    get name(): string {
      if (!name)
        throw new Error('the test namespace exists only inside tests/hooks (after beforeAll)');
      return name;
    },
    get kc(): KubeConfig {
      if (!kc) throw new Error('the kubeconfig is loaded in beforeAll');
      return kc;
    },
  };
}
