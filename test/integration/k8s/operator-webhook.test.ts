/**
 * The validating admission webhook on the real API server. The API server calls the operator
 * on 127.0.0.1 (clientConfig.url), over TLS it verifies with the caBundle: first with the CA
 * the operator creates, keeps in a Secret and patches into the ValidatingWebhookConfiguration,
 * then with certificate files (the cert-manager case). Each configuration only matches this
 * file's namespace, so other tests never meet it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/gateway/local/processes.js';
import type { HttpKubeClient } from '../../../src/operator/runtime/kube/client.js';
import { RESOURCES } from '../../../src/operator/runtime/kube/resources.js';
import type { KubeObject } from '../../../src/operator/runtime/kube/types.js';
import { createCa, createServingCert } from '../../../src/operator/webhook/certs.js';
import {
  applyCrds,
  clusterHasNodes,
  kubectl,
  REPO_ROOT,
  useTestNamespace,
  waitFor,
} from '../../cluster/kube.js';
import type { RunningOperator } from './operator-support.js';
import { chatService, startOperator, testClient } from './operator-support.js';

const ns = useTestNamespace('operator-webhook');
let client: HttpKubeClient;
const dirs: string[] = [];

beforeAll(async () => {
  await applyCrds(ns.kc);
  client = testClient(ns.kc);
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function webhookConfiguration(name: string, port: number, caBundle?: string): KubeObject {
  const hook = (kind: string) => ({
    name: `${kind}.gms.chatops.io`,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: 'Fail',
    timeoutSeconds: 10,
    clientConfig: {
      url: `https://127.0.0.1:${port}/validate/${kind}`,
      ...(caBundle ? { caBundle } : {}),
    },
    rules: [
      {
        apiGroups: ['gms.chatops.io'],
        apiVersions: ['v1alpha1'],
        operations: ['CREATE', 'UPDATE'],
        resources: [kind],
        scope: 'Namespaced',
      },
    ],
    namespaceSelector: {
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [ns.name] }],
    },
  });
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name },
    webhooks: [hook('chatservices'), hook('pushproviders')],
  };
}

const yaml = (o: unknown) => JSON.stringify(o);

const invalid = () =>
  chatService(ns.name, 'bad-one', { chat: { enable_notification_mode: 'maybe' } as never });

/** kubectl apply (as a user would); the webhook answers through the API server. */
const kubectlApply = (o: KubeObject) => kubectl(['apply', '-f', '-'], yaml(o));

async function waitUntilEnforced(): Promise<void> {
  // The API server caches webhook configurations briefly; wait until a bad object is refused.
  await waitFor(
    'the webhook to be enforced',
    async () => {
      const r = await kubectlApply({
        ...invalid(),
        metadata: { name: 'probe', namespace: ns.name },
      });
      if (r.code === 0)
        await kubectl(['delete', 'chatservice', 'probe', '-n', ns.name, '--wait=false']);
      return r.code !== 0 && r.stderr.includes('denied the request') ? true : undefined;
    },
    60_000,
    500,
  );
}

describe('admission webhook with the operator-managed CA', () => {
  let running: RunningOperator;
  const vwcName = `gms-test-${Math.random().toString(16).slice(2, 10)}.gms.chatops.io`;

  beforeAll(async () => {
    const port = await freePort();
    await client.create(webhookConfiguration(vwcName, port));
    const certDir = mkdtempSync(join(tmpdir(), 'gms-webhook-'));
    dirs.push(certDir);
    running = await startOperator(ns.kc, ns.name, {
      webhook: {
        port,
        host: '127.0.0.1',
        certDir,
        configName: vwcName,
        secretName: 'gms-webhook-tls',
        secretNamespace: ns.name,
        refreshMs: 1000,
      },
    });
    await waitFor('caBundle to be set', async () => {
      const v = await client.get<
        KubeObject & { webhooks: { clientConfig: { caBundle?: string } }[] }
      >(RESOURCES.ValidatingWebhookConfiguration, '', vwcName);
      return v?.webhooks.every((w) => w.clientConfig.caBundle) ? true : undefined;
    });
    await waitUntilEnforced();
  }, 120_000);

  afterAll(async () => {
    await client
      .delete(RESOURCES.ValidatingWebhookConfiguration, '', vwcName)
      .catch(() => undefined);
    await running?.stop();
  });

  it('refuses an invalid ChatService at once with the gmsctl validate diagnostics', async () => {
    const r = await kubectlApply(invalid());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'admission webhook "chatservices.gms.chatops.io" denied the request',
    );
    expect(r.stderr).toContain('enable_notification_mode');
    expect(r.stderr).toMatch(/same rules as gmsctl validate/);
    expect(await client.get(RESOURCES.ChatService, ns.name, 'bad-one')).toBeUndefined();
  });

  it('admits a valid ChatService, warning about a PushProvider that does not exist yet', async () => {
    const r = await kubectlApply(
      chatService(ns.name, 'good-one', {
        push: { enabled: ['comet', 'fcm'], defaultProvider: 'later', providers: ['later'] },
      }),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Warning: .*later/);
  });

  it('refuses an invalid PushProvider (a rule the CRD schema does not have)', async () => {
    const r = await kubectlApply({
      apiVersion: 'gms.chatops.io/v1alpha1',
      kind: 'PushProvider',
      metadata: { name: 'hooks', namespace: ns.name },
      // Schema-valid, but pushEnabled is a [push] option, not a provider option.
      spec: {
        type: 'fcm',
        fcm: { apiKeySecretRef: { name: 'k', key: 'apiKey' } },
        options: { pushEnabled: 'fcm' },
      },
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'admission webhook "pushproviders.gms.chatops.io" denied the request',
    );
    expect(r.stderr).toContain('pushEnabled belongs in [push]');
    expect(r.stderr).toContain('[option-placement]');
  });

  // examples/bad/ files the CRD alone accepts (crds.test.ts API_SERVER_VERDICTS 'accepts'): the
  // webhook refuses those whose rule is an error and warns about the rest, as gmsctl does.
  it.each([
    ['chat-server-version', 'denied'],
    ['option-type', 'denied'],
    ['version-gate', 'denied'],
    ['option-unknown', 'warned'],
    ['push-enabled-comet', 'warned'],
    ['reference', 'warned'],
  ] as const)('examples/bad/%s.yaml through kubectl apply: %s', async (rule, verdict) => {
    const text = readFileSync(join(REPO_ROOT, 'examples', 'bad', `${rule}.yaml`), 'utf8').replace(
      /(\bnamespace:\s*)contact-center\b/g,
      `$1${ns.name}`,
    );
    const r = await kubectl(['apply', '-f', '-'], text);
    if (verdict === 'denied') {
      expect(r.code, r.stdout).not.toBe(0);
      expect(r.stderr).toContain('denied the request');
    } else {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^Warning: /m);
    }
    expect(r.stderr).toContain(`[${rule}]`);
    if (r.code === 0) await kubectl(['delete', '-f', '-', '--wait=false'], text);
  });

  it('keeps the CA and serving certificate in a Secret and re-issues them when it is lost', async () => {
    const secret = await client.get<KubeObject & { data: Record<string, string> }>(
      RESOURCES.Secret,
      ns.name,
      'gms-webhook-tls',
    );
    expect(Object.keys(secret!.data).sort()).toEqual([
      'ca-bundle.crt',
      'ca.crt',
      'ca.key',
      'tls.crt',
      'tls.key',
    ]);
    const before = await client.get<
      KubeObject & { webhooks: { clientConfig: { caBundle: string } }[] }
    >(RESOURCES.ValidatingWebhookConfiguration, '', vwcName);
    await client.delete(RESOURCES.Secret, ns.name, 'gms-webhook-tls');
    await waitFor('a new CA in the caBundle', async () => {
      const v = await client.get<
        KubeObject & { webhooks: { clientConfig: { caBundle: string } }[] }
      >(RESOURCES.ValidatingWebhookConfiguration, '', vwcName);
      return v &&
        v.webhooks[0]!.clientConfig.caBundle !== before!.webhooks[0]!.clientConfig.caBundle
        ? true
        : undefined;
    });
    // The API server verifies the new certificate with the new bundle: still enforced.
    await waitUntilEnforced();
  });
});

describe('admission webhook, operator-managed CA, first start of a leader', () => {
  let running: RunningOperator | undefined;
  const vwcName = `gms-test-first-${Math.random().toString(16).slice(2, 10)}.gms.chatops.io`;

  afterAll(async () => {
    await client
      .delete(RESOURCES.ValidatingWebhookConfiguration, '', vwcName)
      .catch(() => undefined);
    await running?.stop();
  });

  it('issues the certificate as soon as it leads, not at the next refresh', async () => {
    // As `helm install` starts it: leader election on, no Secret yet. The certificate pass at
    // start-up runs before the Lease is won, so it only waits; the refresh is far away here.
    const port = await freePort();
    await client.create(webhookConfiguration(vwcName, port));
    const certDir = mkdtempSync(join(tmpdir(), 'gms-webhook-first-'));
    dirs.push(certDir);
    const started = Date.now();
    running = await startOperator(ns.kc, ns.name, {
      leaderElect: true,
      leaderElectionId: 'gms-webhook-first-start',
      webhook: {
        port,
        host: '127.0.0.1',
        certDir,
        configName: vwcName,
        secretName: 'gms-webhook-first-tls',
        secretNamespace: ns.name,
        refreshMs: 600_000,
      },
    });
    const op = running.op;
    await waitFor(
      '/readyz to pass (webhook certificate loaded)',
      async () => (op.readyProblem() === undefined ? true : undefined),
      20_000,
    );
    const v = await client.get<
      KubeObject & { webhooks: { clientConfig: { caBundle?: string } }[] }
    >(RESOURCES.ValidatingWebhookConfiguration, '', vwcName);
    expect(v!.webhooks.every((w) => w.clientConfig.caBundle)).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
    await waitUntilEnforced();
  });

  it('the Secret with the CA belongs to the ValidatingWebhookConfiguration: deleting that (helm uninstall) deletes it', async () => {
    const vwc = await client.get<KubeObject>(RESOURCES.ValidatingWebhookConfiguration, '', vwcName);
    const secret = await client.get<KubeObject>(RESOURCES.Secret, ns.name, 'gms-webhook-first-tls');
    expect(secret!.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        name: vwcName,
        uid: vwc!.metadata.uid,
      },
    ]);
    if (!clusterHasNodes()) return; // the garbage collector runs in kube-controller-manager
    await running?.stop();
    running = undefined;
    await client.delete(RESOURCES.ValidatingWebhookConfiguration, '', vwcName);
    await waitFor('the garbage collector to delete the webhook Secret', async () =>
      (await client.get(RESOURCES.Secret, ns.name, 'gms-webhook-first-tls')) ? undefined : true,
    );
  });
});

describe('admission webhook with certificate files (cert-manager)', () => {
  let running: RunningOperator;
  const vwcName = `gms-test-files-${Math.random().toString(16).slice(2, 10)}.gms.chatops.io`;

  beforeAll(async () => {
    const port = await freePort();
    const ca = await createCa(Date.now(), 'test-ca');
    const serving = await createServingCert(Date.now(), ca, ['127.0.0.1']);
    const certDir = mkdtempSync(join(tmpdir(), 'gms-webhook-files-'));
    dirs.push(certDir);
    writeFileSync(join(certDir, 'tls.crt'), serving.cert);
    writeFileSync(join(certDir, 'tls.key'), serving.key);
    await client.create(
      webhookConfiguration(vwcName, port, Buffer.from(ca.cert).toString('base64')),
    );
    running = await startOperator(ns.kc, ns.name, {
      webhook: { port, host: '127.0.0.1', certDir, refreshMs: 1000 },
    });
    await waitUntilEnforced();
  }, 120_000);

  afterAll(async () => {
    await client
      .delete(RESOURCES.ValidatingWebhookConfiguration, '', vwcName)
      .catch(() => undefined);
    await running?.stop();
  });

  it('serves the mounted certificate and refuses invalid objects', async () => {
    const r = await kubectlApply(invalid());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('denied the request');
  });
});
