/**
 * The test control plane itself (hack/cluster.sh up --full via test/cluster/global-setup.ts):
 * what the operator and rollout tests rely on is proven here, so a failure there is never a
 * control-plane surprise. domain/test-control-plane.md §3-§5.
 */
import { AppsV1Api, CoreV1Api, VersionApi, type V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';

import {
  clusterHasNodes,
  deleteNamespace,
  kubectlOk,
  readManifests,
  useTestNamespace,
  waitFor,
} from '../../cluster/kube.js';

const ns = useTestNamespace('control-plane');

function ready(pod: V1Pod): boolean {
  return (
    pod.status?.phase === 'Running' &&
    pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true
  );
}

describe('test control plane', () => {
  it('serves the pinned Kubernetes version over TLS with the admin client certificate', async () => {
    const info = await ns.kc.makeApiClient(VersionApi).getCode();
    const expected = /^KUBE_VERSION=(v\S+)$/m.exec(
      (await import('node:fs')).readFileSync(
        new URL('../../../hack/versions.env', import.meta.url),
        'utf8',
      ),
    )![1];
    if (process.env.GMS_CLUSTER_MODE !== 'external') expect(info.gitVersion).toBe(expected);
    const server = ns.kc.getCurrentCluster()!.server;
    if (process.env.GMS_CLUSTER_MODE !== 'external')
      expect(server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    // RBAC is on: the admin is system:masters, so it may do anything.
    expect((await kubectlOk(['auth', 'can-i', '*', '*', '--all-namespaces'])).trim()).toBe('yes');
  });

  it.runIf(clusterHasNodes())('has Ready, schedulable kwok nodes', async () => {
    const nodes = await ns.kc.makeApiClient(CoreV1Api).listNode({ labelSelector: 'type=kwok' });
    expect(nodes.items.length).toBeGreaterThanOrEqual(1);
    for (const n of nodes.items) {
      expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(n.spec?.taints ?? []).toEqual([]);
    }
  });

  it.runIf(clusterHasNodes())(
    'runs a StatefulSet with OnDelete updates: pods become Ready, a deleted pod comes back on the new template',
    async () => {
      const [sts] = readManifests(new URL('./fixtures/statefulset.yaml', import.meta.url).pathname);
      const apps = ns.kc.makeApiClient(AppsV1Api);
      const core = ns.kc.makeApiClient(CoreV1Api);
      await apps.createNamespacedStatefulSet({ namespace: ns.name, body: sts as never });
      await waitFor(
        'StatefulSet pods Ready',
        async () => {
          const s = await apps.readNamespacedStatefulSet({ name: 'gms', namespace: ns.name });
          return s.status?.readyReplicas === 3 ? s : undefined;
        },
        60_000,
      );
      const pods = await core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=gms' });
      expect(pods.items.map((p) => p.metadata!.name).sort()).toEqual(['gms-0', 'gms-1', 'gms-2']);
      expect(pods.items.every(ready)).toBe(true);
      expect(new Set(pods.items.map((p) => p.status?.podIP)).size).toBe(3);

      // Change the template: with OnDelete nothing restarts until a pod is deleted.
      await apps.patchNamespacedStatefulSet({
        name: 'gms',
        namespace: ns.name,
        body: [
          {
            op: 'replace',
            path: '/spec/template/metadata/annotations',
            value: { 'gms.chatops.io/static-hash': 'b' },
          },
        ],
      });
      const updated = await waitFor('a new controller revision', async () => {
        const s = await apps.readNamespacedStatefulSet({ name: 'gms', namespace: ns.name });
        return s.status?.updateRevision && s.status.updateRevision !== s.status.currentRevision
          ? s
          : undefined;
      });
      const old = await core.readNamespacedPod({ name: 'gms-1', namespace: ns.name });
      expect(old.metadata?.labels?.['controller-revision-hash']).not.toBe(
        updated.status!.updateRevision,
      );

      await core.deleteNamespacedPod({ name: 'gms-1', namespace: ns.name });
      const fresh = await waitFor('gms-1 recreated and Ready', async () => {
        const p = await core.readNamespacedPod({ name: 'gms-1', namespace: ns.name });
        return p.metadata?.uid !== old.metadata?.uid && ready(p) ? p : undefined;
      });
      expect(fresh.metadata?.labels?.['controller-revision-hash']).toBe(
        updated.status!.updateRevision,
      );
      expect(fresh.metadata?.annotations?.['gms.chatops.io/static-hash']).toBe('b');
      // The others were not touched.
      const gms0 = await core.readNamespacedPod({ name: 'gms-0', namespace: ns.name });
      expect(gms0.metadata?.labels?.['controller-revision-hash']).toBe(
        updated.status!.currentRevision,
      );
    },
  );

  it.runIf(clusterHasNodes())(
    'gives Services EndpointSlices of Ready pods and deletes namespaces to the end',
    async () => {
      const other = `${ns.name}-gone`;
      const core = ns.kc.makeApiClient(CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: other } } });
      await waitFor('default ServiceAccount', () =>
        core.readNamespacedServiceAccount({ name: 'default', namespace: other }),
      );
      await kubectlOk([
        '-n',
        other,
        'create',
        'deployment',
        'web',
        '--image=registry.example.com/web:1',
        '--replicas=2',
      ]);
      await kubectlOk(['-n', other, 'expose', 'deployment', 'web', '--port=8080']);
      const ips = await waitFor('EndpointSlice with two ready endpoints', async () => {
        const out = await kubectlOk([
          '-n',
          other,
          'get',
          'endpointslices',
          '-l',
          'kubernetes.io/service-name=web',
          '-o',
          'jsonpath={.items[*].endpoints[?(@.conditions.ready==true)].addresses[0]}',
        ]);
        const list = out.trim().split(/\s+/).filter(Boolean);
        return list.length === 2 ? list : undefined;
      });
      expect(ips.every((ip) => ip.startsWith('10.244.'))).toBe(true);
      await deleteNamespace(ns.kc, other, true);
    },
  );
});
