/**
 * The ChatService reconciler against the in-memory API server (fake-kube): what it applies,
 * that a pass with nothing to change writes nothing, what it garbage-collects, and that an
 * invalid spec applies nothing. The same behaviours run on a real API server in
 * test/integration/k8s/operator.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Caches } from '../../../../src/operator/caches.js';
import { KEEP_PREVIOUS_CONFIGS } from '../../../../src/operator/controllers/chatservice.js';
import { RESOURCES } from '../../../../src/operator/runtime/kube/resources.js';
import type { KubeObject } from '../../../../src/operator/runtime/kube/types.js';
import type * as Manifests from '../../../../src/manifests/index.js';
import type { FakeKube } from '../fakes/fake-kube.js';
import { startReconciler } from '../fakes/reconciler-harness.js';

// desiredState passes through unless a test makes it refuse (as a renderer does on a spec the
// validator let through).
const refusal = vi.hoisted(() => ({ message: undefined as string | undefined }));
vi.mock('../../../../src/manifests/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof Manifests>();
  return {
    ...real,
    desiredState: (input: Parameters<typeof real.desiredState>[0]) => {
      if (refusal.message) throw new Error(refusal.message);
      return real.desiredState(input);
    },
  };
});

const NS = 'cc';
let caches: Caches | undefined;

afterEach(async () => {
  refusal.message = undefined;
  await caches?.stop();
  caches = undefined;
});

function chatService(
  chat: Record<string, unknown> = { enable_notification_mode: true },
): KubeObject {
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name: 'support', namespace: NS },
    spec: {
      gms: { version: '8.5.219.03', image: 'registry.example.com/gms:8.5.219.03', replicas: 2 },
      chatServer: {
        version: '8.5.108.02',
        endpoints: [{ name: 'cs-1', host: 'chat-1', port: 4125 }],
      },
      chat,
    },
  };
}

async function setup() {
  const h = await startReconciler(NS, 'support');
  caches = h.caches;
  return { kube: h.kube, reconcile: h.reconcile };
}

const staticConfigMaps = (kube: FakeKube) =>
  [...kube.objects.values()].filter(
    (o) => o.kind === 'ConfigMap' && o.metadata.labels?.['gms.chatops.io/config-role'] === 'static',
  );

describe('ChatServiceReconciler', () => {
  it('applies the desired objects once; the next pass writes nothing', async () => {
    const { kube, reconcile } = await setup();
    kube.seed(chatService());
    await reconcile();
    const first = kube.writes();
    expect(first.filter((w) => w.verb === 'apply' && !w.subresource).map((w) => w.kind)).toEqual([
      'ConfigMap',
      'ConfigMap',
      'Service',
      'Service',
      'StatefulSet',
      'PodDisruptionBudget',
    ]);
    expect(first.filter((w) => w.subresource === 'status')).toHaveLength(1);
    kube.requests.length = 0;
    await reconcile();
    expect(kube.writes()).toEqual([]);
    expect(kube.requests).toEqual([]); // everything came from the caches
  });

  it(`keeps the current static ConfigMap, the ${KEEP_PREVIOUS_CONFIGS} newest superseded ones, and any a pod mounts`, async () => {
    const { kube, reconcile } = await setup();
    kube.seed(chatService({ enable_notification_mode: true }));
    await reconcile();
    const original = staticConfigMaps(kube)[0]!.metadata.name;
    // A pod still runs on the original config.
    kube.seed({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'support-0',
        namespace: NS,
        labels: {
          'app.kubernetes.io/managed-by': 'gms-operator',
          'gms.chatops.io/chatservice': 'support',
        },
      },
      spec: {
        volumes: [
          { name: 'gms-config', projected: { sources: [{ configMap: { name: original } }] } },
        ],
      },
    });
    for (let i = 1; i <= 6; i++) {
      kube.seed(chatService({ enable_notification_mode: true, 'x-custom-option': `v${i}` }));
      await reconcile();
    }
    const names = staticConfigMaps(kube).map((c) => c.metadata.name);
    // current + 3 previous + the mounted original
    expect(names).toHaveLength(1 + KEEP_PREVIOUS_CONFIGS + 1);
    expect(names).toContain(original);
    const deletes = kube.writes().filter((w) => w.verb === 'delete');
    expect(deletes.length).toBe(7 - names.length);
    expect(deletes.every((d) => d.kind === 'ConfigMap')).toBe(true);
  });

  it('an invalid spec writes only status, with ConfigValid=False', async () => {
    const { kube, reconcile } = await setup();
    kube.seed(chatService({ enable_notification_mode: 'maybe' }));
    await reconcile();
    expect(kube.writes().map((w) => `${w.verb} ${w.kind} ${w.subresource ?? ''}`.trim())).toEqual([
      'apply ChatService status',
    ]);
    const cs = await kube.get<
      KubeObject & { status: { conditions: { type: string; status: string; reason: string }[] } }
    >(RESOURCES.ChatService, NS, 'support');
    expect(cs!.status.conditions.find((c) => c.type === 'ConfigValid')).toMatchObject({
      status: 'False',
      reason: 'ConfigInvalid',
    });
    expect(cs!.status.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ConfigInvalid',
    });
  });

  it('a spec the manifest renderer refuses is ConfigValid=False with its reason; the last good objects stay', async () => {
    const { kube, reconcile } = await setup();
    kube.seed(chatService());
    await reconcile();
    const before = kube.writes().length;
    const applied = [...kube.objects.values()].filter((o) => o.kind !== 'ChatService').length;
    refusal.message = 'spec.expose.gateway.name "x y" must be a DNS-1123 subdomain';
    kube.seed(chatService({ enable_notification_mode: false }));
    await reconcile(); // resolves: a refusal is a finding, not a failing reconcile
    expect(
      kube
        .writes()
        .slice(before)
        .map((w) => `${w.verb} ${w.kind} ${w.subresource ?? ''}`.trim()),
    ).toEqual(['apply ChatService status']);
    expect([...kube.objects.values()].filter((o) => o.kind !== 'ChatService')).toHaveLength(
      applied,
    );
    const got = await kube.get<
      KubeObject & {
        status: { conditions: { type: string; status: string; reason: string; message: string }[] };
      }
    >(RESOURCES.ChatService, NS, 'support');
    expect(got!.status.conditions.find((x) => x.type === 'ConfigValid')).toMatchObject({
      status: 'False',
      reason: 'ConfigInvalid',
    });
    expect(got!.status.conditions.find((x) => x.type === 'ConfigValid')?.message).toContain(
      'must be a DNS-1123 subdomain',
    );
  });

  it('a referenced Secret that does not exist is ConfigValid=False, nothing applied', async () => {
    const { kube, reconcile } = await setup();
    const cs = chatService();
    (cs.spec as Record<string, unknown>).auth = {
      basic: { secretRef: { name: 'chat-basic-auth' } },
    };
    kube.seed(cs);
    await reconcile();
    expect(kube.writes().map((w) => `${w.verb} ${w.kind} ${w.subresource ?? ''}`.trim())).toEqual([
      'apply ChatService status',
    ]);
    const got = await kube.get<
      KubeObject & { status: { conditions: { type: string; status: string; message: string }[] } }
    >(RESOURCES.ChatService, NS, 'support');
    const c = got!.status.conditions.find((x) => x.type === 'ConfigValid');
    expect(c?.status).toBe('False');
    expect(c?.message).toContain('chat-basic-auth');
  });
});
