/**
 * The load balancer the operator runs for spec.expose.mode nginx | haproxy | apache
 * (src/manifests/loadbalancer.ts): objects, pod security, probes, config hash, TLS mounts,
 * per-node Services for the LBs that resolve once, the Service and the PDB.
 */
import { describe, expect, it } from 'vitest';
import type { ChatService } from '../../../src/api/types.js';
import {
  ANNOTATION_LB_CONFIG_HASH,
  ANNOTATION_LB_TLS_HASH,
  exposeObjects,
  LABEL_MANAGED_BY,
  MANAGED_SELECTOR,
  selectorLabels,
} from '../../../src/manifests/index.js';
import type { ManifestObject } from '../../../src/manifests/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

function chatService(
  expose: ChatService['spec']['expose'] = {},
  gms: Partial<ChatService['spec']['gms']> = {},
): ChatService {
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name: 'support', namespace: 'cc', uid: 'uid-cs', generation: 1 },
    spec: {
      gms: { version: '8.5.219.03', replicas: 3, ...gms },
      chatServer: {
        version: '8.5.108.02',
        endpoints: [{ name: 'cs-1', host: 'chat-1.cc.svc', port: 4125 }],
      },
      expose,
    },
  };
}

const objects = (cs: ChatService, tlsCertificate?: string): ManifestObject[] =>
  exposeObjects(cs, tlsCertificate !== undefined ? { tlsCertificate } : {});
const one = (objs: ManifestObject[], kind: string, name = 'support-lb'): Loose => {
  const found = objs.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found, `${kind}/${name}`).toHaveLength(1);
  return found[0];
};
const podSpec = (objs: ManifestObject[]): Loose =>
  one(objs, 'Deployment').spec.template.spec as Loose;
const container = (objs: ManifestObject[]): Loose => podSpec(objs).containers[0];
const configHash = (objs: ManifestObject[]): string =>
  one(objs, 'Deployment').spec.template.metadata.annotations[ANNOTATION_LB_CONFIG_HASH];

describe.each([
  ['haproxy', 'haproxy:2.6', 99, 'haproxy.cfg'],
  ['nginx', 'nginx:1.22', 101, 'nginx.conf'],
  ['apache', 'httpd:2.4', 33, 'httpd.conf'],
] as const)('expose.mode %s', (mode, image, uid, file) => {
  const cs = chatService({ mode, host: 'chat.example.com' });
  const objs = objects(cs);

  it('becomes a ConfigMap, a Deployment, a Service and a PDB, all owned and labelled', () => {
    for (const kind of ['ConfigMap', 'Deployment', 'Service', 'PodDisruptionBudget']) {
      const o = one(objs, kind);
      expect(o.metadata.namespace).toBe('cc');
      expect(o.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'ChatService', uid: 'uid-cs', controller: true }),
      ]);
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/component': 'load-balancer',
        [LABEL_MANAGED_BY]: 'gms-operator',
        'gms.chatops.io/chatservice': 'support',
      });
    }
    // Every object the operator applies is one its informers see (managed-by selector).
    expect(MANAGED_SELECTOR).toBe(`${LABEL_MANAGED_BY}=gms-operator`);
    expect(Object.keys(one(objs, 'ConfigMap').data)).toContain(file);
  });

  it('runs the official image non-root with a read-only root file system', () => {
    const c = container(objs);
    expect(c.image).toBe(image);
    expect(podSpec(objs).securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: uid,
      runAsGroup: uid,
      fsGroup: uid,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    // Writable places are emptyDirs; config is mounted read-only, main file only.
    const mounts = Object.fromEntries(c.volumeMounts.map((m: Loose) => [m.name, m]));
    expect(mounts.config).toMatchObject({ mountPath: '/etc/gms-lb/conf', readOnly: true });
    expect(mounts.run.mountPath).toBe('/run/gms-lb');
    expect(mounts.tmp.mountPath).toBe('/tmp');
    const vols = Object.fromEntries(podSpec(objs).volumes.map((v: Loose) => [v.name, v]));
    expect(vols.run.emptyDir).toBeDefined();
    expect(vols.tmp.emptyDir).toBeDefined();
    expect(vols.config.configMap).toMatchObject({
      name: 'support-lb',
      items: [{ key: file, path: file }],
    });
    expect(c.command.join(' ')).toContain(`/etc/gms-lb/conf/${file}`);
    expect(podSpec(objs).automountServiceAccountToken).toBe(false);
  });

  it('listens on unprivileged ports with a /healthz probe listener, and has resources', () => {
    const c = container(objs);
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'health', containerPort: 8081, protocol: 'TCP' },
    ]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(c.resources.requests).toMatchObject({ cpu: '100m' });
    expect(c.resources.limits.memory).toBeDefined();
    const text: string = one(objs, 'ConfigMap').data[file];
    const listen = { haproxy: /bind :8080\n/, nginx: /listen 8080;/, apache: /Listen 8080\n/ }[
      mode
    ];
    expect(text).toMatch(listen);
    expect(text).toContain('8081');
    expect(text).not.toMatch(/(bind :|listen |Listen )(80|443)\b/);
  });

  it('labels LB pods apart from the GMS nodes and outside the operator pod cache', () => {
    const d = one(objs, 'Deployment');
    const podLabels = d.spec.template.metadata.labels;
    expect(d.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'gms-lb',
      'app.kubernetes.io/instance': 'support',
      'app.kubernetes.io/component': 'load-balancer',
    });
    expect(podLabels).toMatchObject(d.spec.selector.matchLabels);
    expect(podLabels[LABEL_MANAGED_BY]).toBeUndefined();
    const gms = selectorLabels(cs);
    expect(Object.entries(gms).every(([k, v]) => podLabels[k] === v)).toBe(false);
    expect(one(objs, 'Service').spec.selector).toEqual(d.spec.selector.matchLabels);
    expect(one(objs, 'PodDisruptionBudget').spec).toMatchObject({
      maxUnavailable: 1,
      selector: { matchLabels: d.spec.selector.matchLabels },
    });
  });

  it('defaults: 2 replicas, rolling without going below them, LoadBalancer Service on 80', () => {
    const d = one(objs, 'Deployment');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    const svc = one(objs, 'Service');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
    ]);
    expect(svc.spec.externalTrafficPolicy).toBeUndefined();
    expect(svc.metadata.annotations).toBeUndefined();
  });

  it('takes image, replicas, resources, serviceType and serviceAnnotations from spec.expose', () => {
    const o = objects(
      chatService({
        mode,
        image: 'registry.example.com/lb:1',
        replicas: 3,
        resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '3' } },
        serviceType: 'NodePort',
        serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' },
      }),
    );
    expect(container(o).image).toBe('registry.example.com/lb:1');
    expect(one(o, 'Deployment').spec.replicas).toBe(3);
    expect(container(o).resources).toEqual({
      requests: { cpu: '1', memory: '1Gi' },
      limits: { cpu: '3' },
    });
    const svc = one(o, 'Service');
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.metadata.annotations).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
    });
  });

  it('puts the config hash on the pod template: a config change rolls the LB pods', () => {
    expect(configHash(objs)).toMatch(/^[0-9a-f]{16}$/);
    expect(configHash(objects(cs))).toBe(configHash(objs));
    expect(
      configHash(objects(chatService({ mode, host: 'chat.example.com', cookieName: 'X' }))),
    ).not.toBe(configHash(objs));
    // Scaling the GMS nodes changes the backend list, hence the config and the hash.
    expect(
      configHash(objects(chatService({ mode, host: 'chat.example.com' }, { replicas: 4 }))),
    ).not.toBe(configHash(objs));
    // Fields that do not reach the config do not roll the pods through the hash.
    expect(configHash(objects(chatService({ mode, host: 'chat.example.com', replicas: 5 })))).toBe(
      configHash(objs),
    );
  });

  it('mounts the TLS Secret, serves 443 -> 8443, and rolls on a renewed certificate', () => {
    const tlsCs = chatService({ mode, host: 'chat.example.com', tls: { secretName: 'chat-tls' } });
    const o = objects(tlsCs, 'Y2VydDE=');
    const vol = podSpec(o).volumes.find((v: Loose) => v.name === 'tls');
    expect(vol.secret.secretName).toBe('chat-tls');
    expect(vol.secret.defaultMode).toBe(0o440);
    // HAProxy 2.6 reads the key of tls.crt from tls.crt.key (docs/load-balancers.md).
    expect(vol.secret.items).toEqual([
      { key: 'tls.crt', path: 'tls.crt' },
      { key: 'tls.key', path: mode === 'haproxy' ? 'tls.crt.key' : 'tls.key' },
    ]);
    expect(container(o).volumeMounts).toContainEqual({
      name: 'tls',
      mountPath: '/etc/gms-lb/tls',
      readOnly: true,
    });
    expect(container(o).ports.map((p: Loose) => p.containerPort)).toEqual([8080, 8443, 8081]);
    expect(one(o, 'Service').spec.ports.map((p: Loose) => [p.port, p.targetPort])).toEqual([
      [80, 'http'],
      [443, 'https'],
    ]);
    const text: string = one(o, 'ConfigMap').data[file];
    expect(text).toContain('/etc/gms-lb/tls/tls.crt');
    const tlsHash = (x: ManifestObject[]) =>
      one(x, 'Deployment').spec.template.metadata.annotations[ANNOTATION_LB_TLS_HASH];
    expect(tlsHash(o)).toMatch(/^[0-9a-f]{16}$/);
    expect(tlsHash(objects(tlsCs, 'Y2VydDI='))).not.toBe(tlsHash(o));
    expect(tlsHash(objects(tlsCs))).toBeUndefined(); // Secret not there (yet)
  });

  it('keeps the client address for source-ip affinity (externalTrafficPolicy Local)', () => {
    if (mode === 'apache') return; // refused by the renderer: no client-address stickiness
    const o = objects(chatService({ mode, affinity: 'source-ip' }));
    expect(one(o, 'Service').spec.externalTrafficPolicy).toBe('Local');
    const c = objects(chatService({ mode, affinity: 'source-ip', serviceType: 'ClusterIP' }));
    expect(one(c, 'Service').spec.externalTrafficPolicy).toBeUndefined();
  });
});

describe('backends', () => {
  it('HAProxy balances over the StatefulSet pod DNS names and re-resolves them', () => {
    const o = objects(chatService({ mode: 'haproxy' }));
    const cfg: string = one(o, 'ConfigMap').data['haproxy.cfg'];
    for (const i of [0, 1, 2])
      expect(cfg).toContain(
        `server support-${i} support-${i}.support-nodes.cc.svc.cluster.local:8080 cookie support-${i} check`,
      );
    expect(cfg).toContain('parse-resolv-conf');
    expect(cfg).toContain('init-addr last,libc,none');
    expect(o.some((x) => x.kind === 'Service' && x.metadata.name.startsWith('support-node-'))).toBe(
      false,
    );
  });

  it.each(['nginx', 'apache'] as const)(
    '%s balances over one ClusterIP Service per GMS node (stable across pod restarts)',
    (mode) => {
      const o = objects(chatService({ mode }));
      const nodeSvcs = o.filter(
        (x) => x.kind === 'Service' && x.metadata.name.startsWith('support-node-'),
      ) as Loose[];
      expect(nodeSvcs.map((s) => s.metadata.name)).toEqual([
        'support-node-0',
        'support-node-1',
        'support-node-2',
      ]);
      expect(nodeSvcs[1].spec).toEqual({
        type: 'ClusterIP',
        selector: {
          ...selectorLabels(chatService()),
          'statefulset.kubernetes.io/pod-name': 'support-1',
        },
        ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }],
      });
      expect(nodeSvcs[1].spec.publishNotReadyAddresses).toBeUndefined();
      expect(nodeSvcs[1].metadata.labels['app.kubernetes.io/component']).toBe('load-balancer');
      const cfg: string = one(o, 'ConfigMap').data[mode === 'nginx' ? 'nginx.conf' : 'httpd.conf'];
      expect(cfg).toContain('support-node-2.cc.svc.cluster.local:8080');
      expect(cfg).not.toContain('support-nodes.cc.svc');
      // Server names / routes stay the pod names (Apache route = cookie value).
      if (mode === 'apache') expect(cfg).toContain('route=support-2');
      // Per-node Services come before the Deployment that resolves them.
      const order = o.map((x) => `${x.kind}/${x.metadata.name}`);
      expect(order.indexOf('Service/support-node-2')).toBeLessThan(
        order.indexOf('Deployment/support-lb'),
      );
      expect(
        objects(chatService({ mode }, { replicas: 1 })).filter((x) =>
          x.metadata.name.startsWith('support-node-'),
        ),
      ).toHaveLength(1);
    },
  );

  it('nginx runs 2 workers by default, else one per CPU of the limit', () => {
    const conf = (resources?: ChatService['spec']['gms']['resources']) =>
      one(objects(chatService({ mode: 'nginx', ...(resources ? { resources } : {}) })), 'ConfigMap')
        .data['nginx.conf'] as string;
    expect(conf()).toContain('worker_processes 2;');
    expect(conf({ limits: { cpu: '3' } })).toContain('worker_processes 3;');
    expect(conf({ limits: { cpu: '1500m' } })).toContain('worker_processes 2;');
    expect(conf({ limits: { cpu: '250m' } })).toContain('worker_processes 1;');
  });

  it('Apache loads modules from the httpd image', () => {
    const cfg: string = one(objects(chatService({ mode: 'apache' })), 'ConfigMap').data[
      'httpd.conf'
    ];
    expect(cfg).toContain('LoadModule proxy_module /usr/local/apache2/modules/mod_proxy.so');
    expect(cfg).toContain('PidFile /run/gms-lb/httpd.pid');
  });

  it('none, ingress-nginx and gateway-api run no load balancer', () => {
    for (const expose of [
      { mode: 'none' as const },
      { mode: 'ingress-nginx' as const },
      { mode: 'gateway-api' as const, gateway: { name: 'gw' } },
    ]) {
      const o = objects(chatService(expose));
      expect(o.some((x) => x.kind === 'Deployment' || x.kind === 'PodDisruptionBudget')).toBe(
        false,
      );
    }
  });
});
