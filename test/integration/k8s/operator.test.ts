/**
 * The operator on the real control plane (kube-apiserver + etcd; KCM, scheduler and kwok in
 * full mode, so StatefulSet pods exist and become Ready, and owner references are garbage
 * collected). One in-process operator watches this file's namespace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANNOTATION_STATIC_HASH, names } from '../../../src/manifests/index.js';
import type { HttpKubeClient } from '../../../src/operator/runtime/kube/client.js';
import { RESOURCES } from '../../../src/operator/runtime/kube/resources.js';
import type { KubeObject } from '../../../src/operator/runtime/kube/types.js';
import {
  applyCrds,
  clusterHasNodes,
  kubectl,
  useTestNamespace,
  waitFor,
} from '../../cluster/kube.js';
import type { RunningOperator } from './operator-support.js';
import {
  applyAsUser,
  chatService,
  condition,
  fcmProvider,
  secret,
  settle,
  sleep,
  startOperator,
  testClient,
} from './operator-support.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const ns = useTestNamespace('operator');
let client: HttpKubeClient;
let running: RunningOperator;

beforeAll(async () => {
  await applyCrds(ns.kc);
  client = testClient(ns.kc);
  running = await startOperator(ns.kc, ns.name);
});

afterAll(async () => {
  await running?.stop();
});

const cs = (name: string) => client.get<KubeObject>(RESOURCES.ChatService, ns.name, name);
const configMaps = async (name: string) =>
  (
    await client.list<KubeObject>(RESOURCES.ConfigMap, {
      namespace: ns.name,
      labelSelector: `gms.chatops.io/chatservice=${name}`,
    })
  ).items;

async function converged(name: string, generation?: number): Promise<KubeObject> {
  return waitFor(
    `ChatService ${name} to be reconciled`,
    async () => {
      const o = await cs(name);
      const g = generation ?? o?.metadata.generation;
      const st = (o as { status?: { observedGeneration?: number } } | undefined)?.status;
      return o && st?.observedGeneration === g && condition(o, 'ConfigValid') ? o : undefined;
    },
    60_000,
  );
}

describe('gms-operator on a real API server', () => {
  it('creates what a ChatService becomes, owned by it, and reports status', async () => {
    await applyAsUser(client, chatService(ns.name, 'alpha'));
    const o = await converged('alpha');
    const status = (o as Loose).status;
    expect(status.channel).toBe('/service/chatV2/alpha');
    expect(status.cometdUrl).toBe(`http://alpha.${ns.name}.svc:8080/genesys/cometd`);
    expect(condition(o, 'ConfigValid')).toMatchObject({
      status: 'True',
      reason: 'Valid',
      observedGeneration: 1,
    });
    const sts = await client.get<KubeObject & { spec: Loose }>(
      RESOURCES.StatefulSet,
      ns.name,
      'alpha',
    );
    expect(sts?.spec.updateStrategy.type).toBe('OnDelete');
    expect(sts?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'ChatService',
      name: 'alpha',
      uid: o.metadata.uid,
      controller: true,
    });
    expect(
      sts?.metadata.managedFields?.some(
        (m) => m.manager === 'gms-operator' && m.operation === 'Apply',
      ),
    ).toBe(true);
    for (const name of ['alpha-nodes', 'alpha'])
      expect(await client.get(RESOURCES.Service, ns.name, name)).toBeDefined();
    expect(await client.get(RESOURCES.PodDisruptionBudget, ns.name, 'alpha')).toBeDefined();
    const cms = await configMaps('alpha');
    expect(cms.map((c) => c.metadata.name).sort()).toEqual([
      'alpha-dynamic',
      expect.stringMatching(/^alpha-static-[0-9a-f]{10}$/),
    ]);
    expect(cms.find((c) => c.metadata.name.includes('-static-'))?.immutable).toBe(true);
  });

  it.runIf(clusterHasNodes())(
    'becomes Ready when its nodes do; kubectl wait --for=condition=Ready works',
    async () => {
      const r = await kubectl([
        'wait',
        '--for=condition=Ready',
        `chatservice/alpha`,
        '-n',
        ns.name,
        '--timeout=90s',
      ]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('condition met');
      const o = await cs('alpha');
      expect(condition(o, 'Ready')).toMatchObject({
        status: 'True',
        reason: 'NodesReady',
        message: '2/2 GMS nodes are Ready',
      });
      expect(condition(o, 'Progressing')).toMatchObject({ status: 'False', reason: 'UpToDate' });
      expect((o as Loose).status.readyReplicas).toBe(2);
    },
  );

  it('a reconcile with nothing to change sends zero write requests', async () => {
    await converged('alpha');
    if (clusterHasNodes()) {
      // Let the status catch up with the pods first (that is a change, not a no-op).
      await waitFor('alpha to be Ready and up to date', async () => {
        const o = await cs('alpha');
        return condition(o, 'Ready')?.status === 'True' &&
          condition(o, 'Progressing')?.reason === 'UpToDate'
          ? true
          : undefined;
      });
    }
    await settle(running, 3000);
    const before = running.requests.length;
    const writesBefore = running.writes().length;
    // Force reconciles of the unchanged ChatService: every one must be a no-op.
    for (let i = 0; i < 5; i++) running.op.controller.enqueue(`${ns.name}/alpha`);
    await sleep(1000);
    await settle(running);
    expect(running.writes().slice(writesBefore)).toEqual([]);
    // ...and it reads from the cache: no request at all.
    expect(running.requests.slice(before).filter((r) => r.verb !== 'watch')).toEqual([]);
  });

  it('a dynamic change updates the dynamic ConfigMap in place and restarts nothing', async () => {
    const podsBefore = await pods('alpha');
    const staticBefore = (await configMaps('alpha')).find((c) =>
      c.metadata.name.includes('-static-'),
    )!.metadata.name;
    const writes = running.writes().length;
    const updated = await applyAsUser(
      client,
      chatService(ns.name, 'alpha', { options: { push_notification_include_payload: true } }),
    );
    await converged('alpha', updated.metadata.generation);
    await waitFor('dynamic.ini to change', async () => {
      const cm = await client.get<KubeObject & { data: Record<string, string> }>(
        RESOURCES.ConfigMap,
        ns.name,
        'alpha-dynamic',
      );
      return /push_notification_include_payload=true/.test(cm?.data['dynamic.ini'] ?? '')
        ? true
        : undefined;
    });
    await settle(running);
    const w = running.writes().slice(writes);
    expect(
      w
        .filter((r) => r.verb === 'apply' && r.subresource === '')
        .map((r) => `${r.resource}/${r.name}`),
    ).toEqual(['configmaps/alpha-dynamic']);
    const cms = await configMaps('alpha');
    expect(cms.find((c) => c.metadata.name.includes('-static-'))!.metadata.name).toBe(staticBefore);
    expect(await pods('alpha')).toEqual(podsBefore);
  });

  it('a restart-required change creates a new static ConfigMap and template, marks Progressing, deletes no pod', async () => {
    const podsBefore = await pods('alpha');
    const updated = await applyAsUser(
      client,
      chatService(ns.name, 'alpha', {
        options: { push_notification_include_payload: true },
        chat: { enable_notification_mode: false },
      }),
    );
    await converged('alpha', updated.metadata.generation);
    const statics = (await configMaps('alpha')).filter((c) => c.metadata.name.includes('-static-'));
    expect(statics).toHaveLength(2); // the previous one is kept for rollback (and still mounted)
    const sts = await client.get<KubeObject & { spec: Loose }>(
      RESOURCES.StatefulSet,
      ns.name,
      'alpha',
    );
    const o = await cs('alpha');
    expect(sts!.spec.template.metadata.annotations[ANNOTATION_STATIC_HASH]).toBe(
      (o as Loose).status.staticConfigHash,
    );
    if (clusterHasNodes()) {
      await waitFor('Progressing=RolloutPending', async () => {
        const c = condition(await cs('alpha'), 'Progressing');
        return c?.reason === 'RolloutPending' ? c : undefined;
      });
      expect(condition(await cs('alpha'), 'Progressing')?.message).toMatch(
        /2\/2 GMS nodes run an older restart-required config/,
      );
      expect(await pods('alpha')).toEqual(podsBefore); // OnDelete: the rollout decides, not the StatefulSet
    }
  });

  it('invalid config: ConfigValid=False with the diagnostics, nothing applied, the last valid config keeps running', async () => {
    await settle(running);
    const writes = running.writes().length;
    const stsBefore = await client.get<KubeObject>(RESOURCES.StatefulSet, ns.name, 'alpha');
    const bad = await applyAsUser(
      client,
      chatService(ns.name, 'alpha', {
        options: { push_notification_include_payload: true },
        chat: { enable_notification_mode: 'maybe' } as never,
      }),
    );
    const o = await converged('alpha', bad.metadata.generation);
    expect(condition(o, 'ConfigValid')).toMatchObject({ status: 'False', reason: 'ConfigInvalid' });
    expect(condition(o, 'ConfigValid')?.message).toContain('enable_notification_mode');
    expect(condition(o, 'Degraded')).toMatchObject({ status: 'True', reason: 'ConfigInvalid' });
    await settle(running);
    const w = running.writes().slice(writes);
    // Only the status (and a Warning Event) were written.
    expect(
      w.filter(
        (r) =>
          !(r.resource === 'chatservices' && r.subresource === 'status') && r.resource !== 'events',
      ),
    ).toEqual([]);
    const stsAfter = await client.get<KubeObject>(RESOURCES.StatefulSet, ns.name, 'alpha');
    expect(stsAfter?.metadata.generation).toBe(stsBefore?.metadata.generation);
    const events = await client.list<KubeObject & { reason?: string; type?: string }>(
      RESOURCES.Event,
      { namespace: ns.name },
    );
    expect(events.items.some((e) => e.reason === 'ConfigInvalid' && e.type === 'Warning')).toBe(
      true,
    );
    // Fixing it recovers.
    const fixed = await applyAsUser(
      client,
      chatService(ns.name, 'alpha', {
        options: { push_notification_include_payload: true },
        chat: { enable_notification_mode: false },
      }),
    );
    expect(
      condition(await converged('alpha', fixed.metadata.generation), 'ConfigValid')?.status,
    ).toBe('True');
  });

  it('a missing PushProvider is a ConfigValid=False that names it; creating it and its Secret propagates', async () => {
    await applyAsUser(
      client,
      chatService(ns.name, 'beta', {
        push: { enabled: ['comet', 'fcm'], defaultProvider: 'fcmbeta', providers: ['fcmbeta'] },
      }),
    );
    const o = await converged('beta');
    expect(condition(o, 'ConfigValid')).toMatchObject({ status: 'False', reason: 'ConfigInvalid' });
    expect(condition(o, 'ConfigValid')?.message).toContain('fcmbeta');
    expect(await client.get(RESOURCES.StatefulSet, ns.name, 'beta')).toBeUndefined();
    await applyAsUser(client, secret(ns.name, 'fcmbeta-key', { apiKey: 'KEY-ONE' }));
    await applyAsUser(client, fcmProvider(ns.name, 'fcmbeta'));
    await waitFor('beta to become valid', async () =>
      condition(await cs('beta'), 'ConfigValid')?.status === 'True' ? true : undefined,
    );
    const firstSecret = await credentialSecret('beta');
    expect(Buffer.from(firstSecret.data['secrets.ini']!, 'base64').toString()).toContain('KEY-ONE');
    // No credential in any ConfigMap.
    expect(JSON.stringify(await configMaps('beta'))).not.toContain('KEY-ONE');

    // A referenced Secret changes: a new credentials Secret (restart-required) appears.
    await applyAsUser(client, secret(ns.name, 'fcmbeta-key', { apiKey: 'KEY-TWO' }));
    await waitFor('the rotated key to reach the credentials Secret', async () => {
      const s = await credentialSecret('beta').catch(() => undefined);
      return s && Buffer.from(s.data['secrets.ini']!, 'base64').toString().includes('KEY-TWO')
        ? true
        : undefined;
    });

    // A PushProvider option changes: the static config follows.
    const staticBefore = (await configMaps('beta'))
      .filter((c) => c.metadata.name.includes('-static-'))
      .map((c) => c.metadata.name);
    await applyAsUser(
      client,
      fcmProvider(ns.name, 'fcmbeta', { 'fcm.title': 'New message from %s' }),
    );
    await waitFor('the provider option to reach static.ini', async () => {
      const statics = (await configMaps('beta')).filter(
        (c) => c.metadata.name.includes('-static-') && !staticBefore.includes(c.metadata.name),
      );
      return statics.some((c) =>
        ((c as { data?: Record<string, string> }).data?.['static.ini'] ?? '').includes(
          'New message from %s',
        ),
      )
        ? true
        : undefined;
    });
  });

  it.runIf(clusterHasNodes())(
    'deleting the ChatService garbage-collects what it owned',
    async () => {
      await applyAsUser(
        client,
        chatService(ns.name, 'gamma', { gms: { version: '8.5.219.03', replicas: 1 } }),
      );
      await converged('gamma');
      await waitFor('gamma StatefulSet', async () =>
        client.get(RESOURCES.StatefulSet, ns.name, 'gamma'),
      );
      await client.delete(RESOURCES.ChatService, ns.name, 'gamma', {
        propagationPolicy: 'Background',
      });
      await waitFor(
        'owned objects to be garbage-collected',
        async () => {
          const left = [
            await client.get(RESOURCES.StatefulSet, ns.name, 'gamma'),
            await client.get(RESOURCES.Service, ns.name, 'gamma-nodes'),
            await client.get(
              RESOURCES.ConfigMap,
              ns.name,
              names.dynamicConfigMap({ metadata: { name: 'gamma' } } as never),
            ),
            ...(await configMaps('gamma')),
          ].filter(Boolean);
          return left.length === 0 ? true : undefined;
        },
        90_000,
        500,
      );
    },
  );

  it('serves /metrics with controller-runtime names and /readyz once caches are synced', async () => {
    const port = running.op.ports.metrics!;
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const name of [
      'controller_runtime_reconcile_total',
      'controller_runtime_reconcile_time_seconds_bucket',
      'workqueue_depth',
      'rest_client_requests_total',
      'gms_rollout_phase',
    ]) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(/gms_rollout_phase\{namespace="[^"]+",name="alpha",phase="Idle"\} 1/);
    const ready = await fetch(`http://127.0.0.1:${running.op.ports.health!}/readyz?verbose`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toContain('[+]caches ok');
  });
});

async function pods(name: string): Promise<string[]> {
  const list = await client.list<KubeObject>(RESOURCES.Pod, {
    namespace: ns.name,
    labelSelector: `gms.chatops.io/chatservice=${name}`,
  });
  return list.items.map((p) => `${p.metadata.name}:${p.metadata.uid}`).sort();
}

async function credentialSecret(name: string): Promise<{ data: Record<string, string> }> {
  const o = await cs(name);
  const hash = (o as Loose)?.status?.staticConfigHash;
  const sts = await client.get<KubeObject & { spec: Loose }>(RESOURCES.StatefulSet, ns.name, name);
  const src = sts?.spec.template.spec.volumes[0].projected.sources.find(
    (s: { secret?: unknown }) => s.secret,
  );
  if (!src || !hash) throw new Error('no credentials secret yet');
  const s = await client.get<KubeObject & { data: Record<string, string> }>(
    RESOURCES.Secret,
    ns.name,
    src.secret.name,
  );
  if (!s) throw new Error('credentials secret missing');
  return s;
}

describe('PushProvider status', () => {
  it('reports ConfigValid with observedGeneration, naming a missing Secret', async () => {
    await applyAsUser(client, fcmProvider(ns.name, 'statusprov'));
    const read = () =>
      client.get<
        KubeObject & {
          status?: {
            observedGeneration?: number;
            conditions?: { type: string; status: string; message: string }[];
          };
        }
      >(RESOURCES.PushProvider, ns.name, 'statusprov');
    const invalid = await waitFor('PushProvider status', async () => {
      const p = await read();
      return p?.status?.observedGeneration === p?.metadata.generation && p?.status?.conditions
        ? p
        : undefined;
    });
    const c = invalid.status!.conditions!.find((x) => x.type === 'ConfigValid');
    expect(c?.status).toBe('False');
    expect(c?.message).toContain('statusprov-key');
    await applyAsUser(client, secret(ns.name, 'statusprov-key', { apiKey: 'K' }));
    await waitFor('PushProvider to become valid', async () => {
      const p = await read();
      return p?.status?.conditions?.find((x) => x.type === 'ConfigValid')?.status === 'True'
        ? true
        : undefined;
    });
  });
});
