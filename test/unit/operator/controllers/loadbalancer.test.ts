/**
 * The ChatService reconciler and the load balancer it runs (expose.mode nginx | haproxy |
 * apache), against the in-memory API server: applied once then zero writes, pruning of what
 * is no longer wanted (mode switch, nodes scaled away) by label and owner only, and a renewed
 * TLS certificate rolling the LB pods. The same on a real API server:
 * test/integration/k8s/operator-lb.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Caches } from '../../../../src/operator/caches.js';
import { ANNOTATION_LB_TLS_HASH } from '../../../../src/manifests/index.js';
import { RESOURCES } from '../../../../src/operator/runtime/kube/resources.js';
import type { KubeObject } from '../../../../src/operator/runtime/kube/types.js';
import type { FakeKube } from '../fakes/fake-kube.js';
import { startReconciler } from '../fakes/reconciler-harness.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const NS = 'cc';
let caches: Caches | undefined;

afterEach(async () => {
  await caches?.stop();
  caches = undefined;
});

function chatService(expose: Record<string, unknown>, replicas = 2): KubeObject {
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name: 'support', namespace: NS },
    spec: {
      gms: { version: '8.5.219.03', image: 'registry.example.com/gms:8.5.219.03', replicas },
      chatServer: {
        version: '8.5.108.02',
        endpoints: [{ name: 'cs-1', host: 'chat-1', port: 4125 }],
      },
      expose,
    },
  };
}

async function setup() {
  const h = await startReconciler(NS, 'support');
  caches = h.caches;
  const { kube, reconcile } = h;
  const names = (kind: string) =>
    [...kube.objects.values()]
      .filter((o) => o.kind === kind)
      .map((o) => o.metadata.name)
      .sort();
  return { kube, reconcile, names };
}

const applied = (kube: FakeKube) =>
  kube
    .writes()
    .filter((w) => w.verb === 'apply' && !w.subresource)
    .map((w) => `${w.kind}/${w.name}`);
const deleted = (kube: FakeKube) =>
  kube
    .writes()
    .filter((w) => w.verb === 'delete')
    .map((w) => `${w.kind}/${w.name}`);

describe('ChatServiceReconciler with an operator-run load balancer', () => {
  it('applies the LB objects once; the next pass writes nothing', async () => {
    const { kube, reconcile } = await setup();
    kube.seed(chatService({ mode: 'haproxy', host: 'chat.example.com' }));
    await reconcile();
    expect(applied(kube)).toEqual(
      expect.arrayContaining([
        'ConfigMap/support-lb',
        'Deployment/support-lb',
        'Service/support-lb',
        'PodDisruptionBudget/support-lb',
      ]),
    );
    kube.requests.length = 0;
    await reconcile();
    expect(kube.writes()).toEqual([]);
  });

  it('prunes what is no longer wanted: nodes scaled away, then every LB object on mode none', async () => {
    const { kube, reconcile, names } = await setup();
    kube.seed(chatService({ mode: 'nginx' }, 3));
    await reconcile();
    expect(names('Service')).toEqual([
      'support',
      'support-lb',
      'support-node-0',
      'support-node-1',
      'support-node-2',
      'support-nodes',
    ]);
    // An object with the same label that the ChatService does not own is never touched.
    kube.seed({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'support-node-9',
        namespace: NS,
        labels: {
          'app.kubernetes.io/managed-by': 'gms-operator',
          'app.kubernetes.io/component': 'load-balancer',
          'gms.chatops.io/chatservice': 'support',
        },
      },
      spec: {},
    });

    kube.requests.length = 0;
    kube.seed(chatService({ mode: 'nginx' }, 2));
    await reconcile();
    expect(deleted(kube)).toEqual(['Service/support-node-2']);
    expect(applied(kube)).toContain('Deployment/support-lb'); // new config hash: the pods roll

    kube.requests.length = 0;
    kube.seed(chatService({ mode: 'none' }, 2));
    await reconcile();
    const gone = deleted(kube);
    expect([...gone].sort()).toEqual([
      'ConfigMap/support-lb',
      'Deployment/support-lb',
      'PodDisruptionBudget/support-lb',
      'Service/support-lb',
      'Service/support-node-0',
      'Service/support-node-1',
    ]);
    // The workload goes first, the config it mounts last.
    expect(gone[0]).toBe('Deployment/support-lb');
    expect(gone.at(-1)).toBe('ConfigMap/support-lb');
    expect(names('Service')).toEqual(['support', 'support-node-9', 'support-nodes']);
    expect(names('Deployment')).toEqual([]);
    expect(names('PodDisruptionBudget')).toEqual(['support']);
    expect(names('StatefulSet')).toEqual(['support']);
  });

  it('switching haproxy -> apache replaces the config and adds the per-node Services', async () => {
    const { kube, reconcile, names } = await setup();
    kube.seed(chatService({ mode: 'haproxy' }));
    await reconcile();
    kube.requests.length = 0;
    kube.seed(chatService({ mode: 'apache' }));
    await reconcile();
    expect(deleted(kube)).toEqual([]);
    const cm = await kube.get<Loose>(RESOURCES.ConfigMap, NS, 'support-lb');
    // (The fake merges applies; on a real API server server-side apply also drops the
    // haproxy.cfg key the operator no longer sets: operator-lb.test.ts.)
    expect(Object.keys(cm.data)).toContain('httpd.conf');
    const dep = await kube.get<Loose>(RESOURCES.Deployment, NS, 'support-lb');
    expect(dep.spec.template.spec.containers[0].image).toBe('httpd:2.4');
    expect(names('Service')).toContain('support-node-1');
  });

  it('a renewed TLS certificate rolls the LB pods (new hash on the pod template)', async () => {
    const { kube, reconcile } = await setup();
    const tls = (crt: string): KubeObject =>
      ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'chat-tls', namespace: NS },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': Buffer.from(crt).toString('base64'), 'tls.key': 'a2V5' },
      }) as KubeObject;
    kube.seed(tls('cert-1'));
    kube.seed(chatService({ mode: 'haproxy', tls: { secretName: 'chat-tls' } }));
    await reconcile();
    const hash = async () =>
      (await kube.get<Loose>(RESOURCES.Deployment, NS, 'support-lb')).spec.template.metadata
        .annotations[ANNOTATION_LB_TLS_HASH] as string;
    const first = await hash();
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    kube.requests.length = 0;
    await reconcile();
    expect(kube.writes()).toEqual([]);
    kube.seed(tls('cert-2'));
    await reconcile();
    expect(applied(kube)).toEqual(['Deployment/support-lb']);
    expect(await hash()).not.toBe(first);
  });
});
