/**
 * charts/gms-operator, proven with the real helm (v4, built by hack/build-tools.sh) against the
 * real control plane of the k8s project (test/cluster/global-setup.ts):
 * - the chart's crds/ are byte-identical to the repository's crds/ (drift);
 * - `helm lint --strict` is clean for the default and the other supported value shapes, and
 *   values.schema.json refuses unsafe or malformed values;
 * - what `helm template` renders (hardened pod, flags, RBAC by watchNamespaces, webhook TLS
 *   modes) is what the issue asks for, and the API server accepts it
 *   (`kubectl apply --server-side --dry-run=server`);
 * - `helm install` brings the operator pod to Ready on the kwok nodes (kwok marks pods Ready
 *   without running a container, so this proves scheduling, admission and RBAC objects, not the
 *   operator process; domain/test-control-plane.md §5) and `helm uninstall` removes it all.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { AppsV1Api, CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  REPO_ROOT,
  applyCrds,
  crdFiles,
  createTestNamespace,
  deleteNamespace,
  helm,
  kubectl,
  loadKubeConfig,
  waitFor,
} from '../../cluster/kube.js';

const CHART = join(REPO_ROOT, 'charts', 'gms-operator');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

// Narrow typed views of the rendered objects this file inspects.
interface Container {
  name: string;
  command: string[];
  args: string[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: Record<string, unknown> & { capabilities: { drop: string[] } };
  volumeMounts: { name: string; mountPath: string }[];
}
interface DeploymentSpec {
  spec: {
    template: {
      spec: {
        securityContext: Record<string, unknown> & { seccompProfile: { type: string } };
        containers: Container[];
        volumes: Record<string, unknown>[];
        serviceAccountName: string;
        nodeSelector?: Record<string, string>;
      };
    };
  };
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}
interface Webhook {
  name: string;
  failurePolicy: string;
  namespaceSelector?: unknown;
  clientConfig: {
    service: { name: string; namespace: string; path: string; port: number };
    caBundle?: string;
  };
  rules: { apiGroups: string[]; resources: string[]; operations: string[] }[];
}

async function template(
  values: string[] = [],
  release = 'gms',
  namespace = 'gms-system',
): Promise<K8sObject[]> {
  const r = await helm(['template', release, CHART, '--namespace', namespace, ...values]);
  expect(r.code, r.stderr).toBe(0);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function find(objs: K8sObject[], kind: string, name?: string): K8sObject[] {
  return objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}

function one(objs: K8sObject[], kind: string, name?: string): K8sObject {
  const found = find(objs, kind, name);
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0]!;
}

function operatorContainer(objs: K8sObject[]): Container {
  const dep = one(objs, 'Deployment') as unknown as DeploymentSpec;
  return dep.spec.template.spec.containers.find((c) => c.name === 'operator')!;
}

/** True if some rule grants every verb on group/resource (optionally only for the named objects). */
function grants(rules: Rule[], group: string, resource: string, verbs: string[]): boolean {
  return verbs.every((v) =>
    rules.some(
      (r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(v),
    ),
  );
}

describe('chart CRDs', () => {
  it('are byte-identical to crds/ (run `make chart-crds` after regenerating)', () => {
    const repo = crdFiles();
    const chart = crdFiles(join(CHART, 'crds'));
    expect(repo.length, 'crds/ holds the generated CRDs').toBeGreaterThan(0);
    expect(chart.map((f) => f.split('/').pop())).toEqual(repo.map((f) => f.split('/').pop()));
    for (const file of repo) {
      const name = file.split('/').pop()!;
      expect(
        readFileSync(join(CHART, 'crds', name), 'utf8'),
        `charts/gms-operator/crds/${name}`,
      ).toBe(readFileSync(file, 'utf8'));
    }
    // Helm installs crds/ verbatim: templates must not duplicate them.
    expect(readdirSync(join(CHART, 'templates')).some((f) => /crd/i.test(f))).toBe(false);
  });
});

describe('helm lint --strict', () => {
  const shapes: Record<string, string[]> = {
    defaults: [],
    'namespaced RBAC, two replicas': [
      '--set',
      'watchNamespaces={team-a,team-b}',
      '--set',
      'replicaCount=2',
    ],
    'cert-manager with a ClusterIssuer': [
      '--set',
      'webhook.certManager.enabled=true',
      '--set',
      'webhook.certManager.issuerRef.name=corp-ca',
      '--set',
      'webhook.certManager.issuerRef.kind=ClusterIssuer',
    ],
    'ServiceMonitor, no webhook, no leader election': [
      '--set',
      'metrics.serviceMonitor.enabled=true',
      '--set',
      'webhook.enabled=false',
      '--set',
      'leaderElection.enabled=false',
    ],
  };
  for (const [shape, values] of Object.entries(shapes)) {
    it(`is clean: ${shape}`, async () => {
      const r = await helm(['lint', '--strict', CHART, ...values]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
      expect(r.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    });
  }

  const refused: Record<string, [string[], RegExp]> = {
    'an unknown failurePolicy': [['--set', 'webhook.failurePolicy=Sometimes'], /failurePolicy/],
    'a root pod': [['--set', 'podSecurityContext.runAsNonRoot=false'], /runAsNonRoot/],
    'privilege escalation': [
      ['--set', 'securityContext.allowPrivilegeEscalation=true'],
      /allowPrivilegeEscalation/,
    ],
    'two replicas without leader election': [
      ['--set', 'replicaCount=2', '--set', 'leaderElection.enabled=false'],
      /leaderElection|enabled/,
    ],
    'a misspelt key': [['--set', 'webhok.enabled=false'], /webhok/],
    'a namespace that is not a DNS label': [
      ['--set', 'watchNamespaces={Team_A}'],
      /watchNamespaces/,
    ],
  };
  for (const [what, [values, message]] of Object.entries(refused)) {
    it(`refuses ${what} (values.schema.json)`, async () => {
      const r = await helm(['lint', '--strict', CHART, ...values]);
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(message);
    });
  }
});

describe('helm template', () => {
  it('renders a hardened operator Deployment running `gmsctl operator` with the contract flags', async () => {
    const objs = await template([
      '--set',
      'image.repository=registry.example.com/gms-operator',
      '--set',
      'image.tag=1.2.3',
      '--set',
      'operator.concurrency=8',
      '--set',
      'operator.logLevel=debug',
    ]);
    const dep = one(objs, 'Deployment') as unknown as DeploymentSpec;
    const pod = dep.spec.template.spec;
    const c = operatorContainer(objs);
    expect((c as unknown as { image: string }).image).toBe(
      'registry.example.com/gms-operator:1.2.3',
    );
    expect(c.command).toEqual(['node', '/app/bin/gmsctl.js', 'operator']);
    expect(c.args).toEqual([
      '--namespaces=',
      '--concurrency=8',
      '--metrics-port=8080',
      '--health-port=8081',
      '--leader-elect=true',
      '--leader-election-namespace=gms-system',
      '--leader-election-id=gms-operator-leader',
      '--webhook-port=9443',
      '--webhook-cert-dir=/tmp/k8s-webhook-server/serving-certs',
      '--webhook-config-name=gms-gms-operator.gms.chatops.io',
      '--log-level=debug',
    ]);
    // Pod hardening (restricted Pod Security Standard).
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.resources.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(c.resources.limits).toMatchObject({ memory: expect.any(String) });
    // Probes on the health port.
    expect(c.ports).toContainEqual({ name: 'health', containerPort: 8081, protocol: 'TCP' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    // A writable /tmp and the webhook cert dir; nothing else is writable.
    expect(c.volumeMounts.map((m) => m.mountPath).sort()).toEqual([
      '/tmp',
      '/tmp/k8s-webhook-server/serving-certs',
    ]);
    expect(pod.serviceAccountName).toBe('gms-gms-operator');
    expect(one(objs, 'ServiceAccount').metadata.name).toBe('gms-gms-operator');
    // Memory settings from the operator benchmark (docs/operator.md, Performance).
    const env = (c as unknown as { env: { name: string; value?: string }[] }).env;
    expect(env).toContainEqual({
      name: 'NODE_OPTIONS',
      value: '--max-semi-space-size=2 --max-old-space-size=128',
    });
    expect(env).toContainEqual({ name: 'MALLOC_ARENA_MAX', value: '2' });
  });

  it('NODE_OPTIONS and MALLOC_ARENA_MAX are values: overridden, or left out when empty / 0', async () => {
    const envOf = async (values: string[]) =>
      (
        operatorContainer(await template(values)) as unknown as {
          env: { name: string; value?: string }[];
        }
      ).env;
    const custom = await envOf([
      '--set',
      'operator.nodeOptions=--max-old-space-size=256',
      '--set',
      'operator.mallocArenaMax=4',
    ]);
    expect(custom).toContainEqual({ name: 'NODE_OPTIONS', value: '--max-old-space-size=256' });
    expect(custom).toContainEqual({ name: 'MALLOC_ARENA_MAX', value: '4' });
    const none = await envOf([
      '--set',
      'operator.nodeOptions=',
      '--set',
      'operator.mallocArenaMax=0',
    ]);
    expect(none.map((e) => e.name)).not.toContain('NODE_OPTIONS');
    expect(none.map((e) => e.name)).not.toContain('MALLOC_ARENA_MAX');
  });

  it('watching all namespaces grants a ClusterRole with exactly the operator’s verbs', async () => {
    const objs = await template();
    expect(
      find(objs, 'Role')
        .map((r) => r.metadata.name)
        .sort(),
    ).toEqual(['gms-gms-operator-leader-election', 'gms-gms-operator-webhook-tls']);
    const rules = (one(objs, 'ClusterRole', 'gms-gms-operator') as unknown as { rules: Rule[] })
      .rules;
    const rw = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    expect(grants(rules, 'gms.chatops.io', 'chatservices', ['get', 'list', 'watch'])).toBe(true);
    expect(grants(rules, 'gms.chatops.io', 'chatservices/status', ['patch', 'update'])).toBe(true);
    expect(grants(rules, 'gms.chatops.io', 'pushproviders/status', ['patch', 'update'])).toBe(true);
    expect(grants(rules, 'gms.chatops.io', 'chatservices/finalizers', ['update'])).toBe(true);
    expect(grants(rules, 'gms.chatops.io', 'chatservices', ['create', 'delete'])).toBe(false); // users own them
    for (const [group, resource] of [
      ['', 'configmaps'],
      ['', 'secrets'],
      ['', 'services'],
      ['apps', 'statefulsets'],
      ['policy', 'poddisruptionbudgets'],
      ['networking.k8s.io', 'ingresses'],
      ['gateway.networking.k8s.io', 'httproutes'],
    ] as const) {
      expect(grants(rules, group, resource, rw), `${group}/${resource}`).toBe(true);
    }
    expect(grants(rules, '', 'pods', ['get', 'list', 'watch', 'delete'])).toBe(true);
    expect(grants(rules, '', 'pods', ['create'])).toBe(false);
    // The load balancer it runs (expose.mode nginx/haproxy/apache): apply (PATCH) and prune.
    expect(
      grants(rules, 'apps', 'deployments', ['get', 'list', 'watch', 'create', 'patch', 'delete']),
    ).toBe(true);
    expect(grants(rules, 'apps', 'deployments', ['update'])).toBe(false);
    expect(grants(rules, 'events.k8s.io', 'events', ['create', 'patch'])).toBe(true);
    expect(grants(rules, '', 'events', ['create', 'patch'])).toBe(true);
    // Nothing cluster-wide beyond that: no wildcards, no nodes, no RBAC objects.
    for (const r of rules) {
      expect(r.verbs).not.toContain('*');
      expect(r.resources).not.toContain('*');
      expect(r.apiGroups).not.toContain('rbac.authorization.k8s.io');
    }
    const binding = one(objs, 'ClusterRoleBinding', 'gms-gms-operator') as unknown as {
      subjects: { kind: string; name: string; namespace: string }[];
    };
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'gms-gms-operator', namespace: 'gms-system' },
    ]);

    // Leader election: create any Lease, everything else only on the operator's own.
    const le = (
      one(objs, 'Role', 'gms-gms-operator-leader-election') as unknown as { rules: Rule[] }
    ).rules;
    expect(le).toContainEqual({
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      verbs: ['create'],
    });
    expect(le).toContainEqual({
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: ['gms-operator-leader'],
      verbs: ['get', 'watch', 'update', 'patch'],
    });
    // The self-managed webhook CA: its Secret and its own webhook configuration, by name.
    const ca = (
      one(objs, 'ClusterRole', 'gms-gms-operator-webhook-ca') as unknown as { rules: Rule[] }
    ).rules;
    expect(ca).toEqual([
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['validatingwebhookconfigurations'],
        resourceNames: ['gms-gms-operator.gms.chatops.io'],
        verbs: ['get', 'watch', 'update', 'patch'],
      },
    ]);
  });

  it('watchNamespaces renders one Role per namespace, no ClusterRole for them, and scopes the webhook', async () => {
    const objs = await template(['--set', 'watchNamespaces={team-a,team-b}']);
    expect(find(objs, 'ClusterRole', 'gms-gms-operator')).toHaveLength(0);
    expect(find(objs, 'ClusterRoleBinding', 'gms-gms-operator')).toHaveLength(0);
    const roles = find(objs, 'Role', 'gms-gms-operator');
    expect(roles.map((r) => r.metadata.namespace).sort()).toEqual(['team-a', 'team-b']);
    expect(
      find(objs, 'RoleBinding', 'gms-gms-operator')
        .map((r) => r.metadata.namespace)
        .sort(),
    ).toEqual(['team-a', 'team-b']);
    expect(operatorContainer(objs).args).toContain('--namespaces=team-a,team-b');
    const vwc = one(objs, 'ValidatingWebhookConfiguration') as unknown as { webhooks: Webhook[] };
    for (const w of vwc.webhooks) {
      expect(w.namespaceSelector).toEqual({
        matchExpressions: [
          { key: 'kubernetes.io/metadata.name', operator: 'In', values: ['team-a', 'team-b'] },
        ],
      });
    }
  });

  it('renders the validating webhook for both kinds with failurePolicy from values and no caBundle', async () => {
    const objs = await template(['--set', 'webhook.failurePolicy=Ignore']);
    const vwc = one(
      objs,
      'ValidatingWebhookConfiguration',
      'gms-gms-operator.gms.chatops.io',
    ) as unknown as {
      webhooks: Webhook[];
    };
    expect(vwc.webhooks.map((w) => w.name)).toEqual([
      'chatservices.gms.chatops.io',
      'pushproviders.gms.chatops.io',
    ]);
    for (const w of vwc.webhooks) {
      expect(w.failurePolicy).toBe('Ignore');
      expect(w.clientConfig.caBundle).toBeUndefined(); // the operator owns it
      expect(w.clientConfig.service).toMatchObject({
        name: 'gms-gms-operator-webhook',
        namespace: 'gms-system',
        port: 443,
      });
      expect(w.rules[0]).toMatchObject({
        apiGroups: ['gms.chatops.io'],
        operations: ['CREATE', 'UPDATE'],
      });
    }
    const svc = one(objs, 'Service', 'gms-gms-operator-webhook') as unknown as {
      spec: { ports: { port: number; targetPort: string }[] };
    };
    expect(svc.spec.ports).toEqual([
      { name: 'https', port: 443, targetPort: 'webhook', protocol: 'TCP' },
    ]);
  });

  it('with cert-manager: a Certificate for the webhook Service, CA injection, the Secret mounted read-only', async () => {
    const objs = await template(['--set', 'webhook.certManager.enabled=true']);
    const cert = one(objs, 'Certificate') as unknown as {
      spec: { secretName: string; dnsNames: string[]; issuerRef: unknown };
    };
    expect(cert.spec.secretName).toBe('gms-gms-operator-webhook-tls');
    expect(cert.spec.dnsNames).toContain('gms-gms-operator-webhook.gms-system.svc');
    expect(cert.spec.issuerRef).toEqual({ name: 'gms-gms-operator-selfsigned', kind: 'Issuer' });
    one(objs, 'Issuer');
    const vwc = one(objs, 'ValidatingWebhookConfiguration');
    expect(vwc.metadata.annotations?.['cert-manager.io/inject-ca-from']).toBe(
      'gms-system/gms-gms-operator-webhook',
    );
    // No self-managed CA: no flag, no permission on webhook configurations or the TLS Secret.
    expect(operatorContainer(objs).args.some((a) => a.startsWith('--webhook-config-name'))).toBe(
      false,
    );
    expect(find(objs, 'ClusterRole', 'gms-gms-operator-webhook-ca')).toHaveLength(0);
    expect(find(objs, 'Role', 'gms-gms-operator-webhook-tls')).toHaveLength(0);
    const dep = one(objs, 'Deployment') as unknown as DeploymentSpec;
    expect(dep.spec.template.spec.volumes).toContainEqual({
      name: 'webhook-certs',
      secret: { secretName: 'gms-gms-operator-webhook-tls' },
    });
  });

  it('renders a ServiceMonitor only when asked, selecting the metrics Service', async () => {
    expect(find(await template(), 'ServiceMonitor')).toHaveLength(0);
    const objs = await template(['--set', 'metrics.serviceMonitor.enabled=true']);
    const sm = one(objs, 'ServiceMonitor') as unknown as {
      spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string }[] };
    };
    const metrics = one(objs, 'Service', 'gms-gms-operator-metrics');
    expect(metrics.metadata.labels).toMatchObject(sm.spec.selector.matchLabels);
    expect(sm.spec.endpoints[0]!.port).toBe('metrics');
    expect(one(objs, 'PodDisruptionBudget').kind).toBe('PodDisruptionBudget');
  });
});

describe('on the control plane', () => {
  const kc = loadKubeConfig();
  let ns = '';
  let watched = '';
  const release = `gms-${Date.now().toString(36)}`;

  beforeAll(async () => {
    await applyCrds(kc, crdFiles(join(CHART, 'crds')));
    ns = await createTestNamespace(kc, 'chart');
    watched = await createTestNamespace(kc, 'chart-watched');
  });
  afterAll(async () => {
    await helm(['uninstall', release, '--namespace', ns, '--wait', '--timeout', '2m']);
    await deleteNamespace(kc, ns);
    await deleteNamespace(kc, watched);
  });

  async function dryRun(objs: K8sObject[]): Promise<void> {
    const input = objs.map((o) => JSON.stringify(o)).join('\n');
    const r = await kubectl(
      ['apply', '--server-side', '--dry-run=server', '--field-manager=gms-tests', '-f', '-'],
      input,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(objs.length);
  }

  it('accepts `helm template` output (kubectl apply --server-side --dry-run=server), cluster-wide mode', async () => {
    await dryRun(await template([], 'dry', ns));
  });

  it('accepts `helm template` output, namespaced mode with two replicas', async () => {
    await dryRun(
      await template(
        ['--set', `watchNamespaces={${watched}}`, '--set', 'replicaCount=2'],
        'dry',
        ns,
      ),
    );
  });

  it('accepts the cert-manager shape, except the cert-manager kinds this cluster has no CRDs for', async () => {
    const objs = await template(['--set', 'webhook.certManager.enabled=true'], 'dry', ns);
    await dryRun(objs.filter((o) => !o.apiVersion.startsWith('cert-manager.io/')));
  });

  it('helm install brings the operator pod to Ready (kwok) and helm uninstall removes every object', async () => {
    const nodes = await kc.makeApiClient(CoreV1Api).listNode({ labelSelector: 'type=kwok' });
    expect(
      nodes.items.length,
      'needs the kwok nodes of `hack/cluster.sh up --full` (or a cluster that can run the image)',
    ).toBeGreaterThan(0);
    const install = await helm(
      [
        'install',
        release,
        CHART,
        '--namespace',
        ns,
        '--set',
        `watchNamespaces={${watched}}`,
        '--set',
        'nodeSelector.type=kwok',
        '--wait',
        '--timeout',
        '3m',
      ],
      undefined,
      240_000,
    );
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toMatch(/STATUS: deployed/);
    expect(install.stdout).toMatch(/Watching: chart-watched-/); // NOTES.txt
    // examples/ names namespace contact-center and holds no Namespace: create it first.
    expect(install.stdout).toMatch(
      /kubectl create namespace contact-center\n\s*kubectl apply -f examples\//,
    );

    const apps = kc.makeApiClient(AppsV1Api);
    const name = `${release}-gms-operator`;
    const dep = await apps.readNamespacedDeployment({ name, namespace: ns });
    expect(dep.status?.readyReplicas).toBe(1);
    const pods = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: ns, labelSelector: `app.kubernetes.io/instance=${release}` });
    expect(pods.items).toHaveLength(1);
    const pod = pods.items[0]!;
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(pod.spec?.nodeName).toMatch(/^kwok-node-/);
    // The ServiceAccount admission plugin accepted the chart's ServiceAccount.
    expect(pod.spec?.serviceAccountName).toBe(name);
    // The namespaced Role landed in the watched namespace.
    await kc.makeApiClient(RbacAuthorizationV1Api).readNamespacedRole({ name, namespace: watched });

    const uninstall = await helm([
      'uninstall',
      release,
      '--namespace',
      ns,
      '--wait',
      '--timeout',
      '2m',
    ]);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    await waitFor(
      'the operator objects to be gone',
      async () => {
        const left = await kubectl([
          'get',
          'deployment,serviceaccount,service,pdb,role,rolebinding',
          '-n',
          ns,
          '-l',
          `app.kubernetes.io/instance=${release}`,
          '-o',
          'name',
        ]);
        const cluster = await kubectl([
          'get',
          'clusterrole,clusterrolebinding,validatingwebhookconfiguration',
          '-l',
          `app.kubernetes.io/instance=${release}`,
          '-o',
          'name',
        ]);
        const watchedLeft = await kubectl(['get', 'role,rolebinding', '-n', watched, '-o', 'name']);
        return left.stdout.trim() === '' &&
          cluster.stdout.trim() === '' &&
          watchedLeft.stdout.trim() === ''
          ? true
          : undefined;
      },
      60_000,
      500,
    );
    // Helm never deletes CRDs from crds/ (and the tests of other files still need them).
    const crds = await kubectl(['get', 'crd', 'chatservices.gms.chatops.io', '-o', 'name']);
    expect(crds.code).toBe(0);
  });
});
