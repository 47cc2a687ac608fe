import { describe, expect, it } from 'vitest';
import type { ChatService, PushProvider, SecretData } from '../../../src/api/types.js';
import { render } from '../../../src/config/index.js';
import {
  ANNOTATION_STATIC_HASH,
  cometdUrl,
  desiredState,
  manifestProblems,
  readinessCommand,
} from '../../../src/manifests/index.js';
import type { ManifestObject, SourceSecret } from '../../../src/manifests/index.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function chatService(over: Partial<ChatService['spec']> = {}): ChatService {
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name: 'support', namespace: 'cc', uid: 'uid-cs', generation: 1 },
    spec: {
      gms: { version: '8.5.219.03', image: 'registry.example.com/gms:8.5.219.03', replicas: 3 },
      chatServer: {
        version: '8.5.108.02',
        endpoints: [{ name: 'cs-1', host: 'chat-1.cc.svc', port: 4125 }],
      },
      chat: { enable_notification_mode: true },
      options: { push_notification_include_payload: false },
      push: {
        enabled: ['comet', 'fcm', 'ios'],
        defaultProvider: 'fcmprod',
        providers: ['fcmprod', 'apnsprod'],
      },
      auth: { basic: { secretRef: { name: 'chat-basic-auth' } } },
      ...over,
    },
  };
}

const providers: PushProvider[] = [
  {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'PushProvider',
    metadata: { name: 'fcmprod', namespace: 'cc' },
    spec: { type: 'fcm', fcm: { apiKeySecretRef: { name: 'fcm', key: 'apiKey' } } },
  },
  {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'PushProvider',
    metadata: { name: 'apnsprod', namespace: 'cc' },
    spec: {
      type: 'apple',
      apple: {
        keystoreSecretRef: { name: 'apns', key: 'keystore.p12' },
        keystorePasswordSecretRef: { name: 'apns', key: 'password' },
      },
    },
  },
];

const KEYSTORE = Buffer.from([0x30, 0x82, 0xff, 0x00, 0x01]).toString('base64'); // binary
const sourceSecrets: SourceSecret[] = [
  { metadata: { name: 'fcm', namespace: 'cc' }, data: { apiKey: b64('FCM-SECRET-KEY-123') } },
  {
    metadata: { name: 'apns', namespace: 'cc' },
    data: { 'keystore.p12': KEYSTORE, password: b64('APNS-PASS-456') },
  },
  {
    metadata: { name: 'chat-basic-auth', namespace: 'cc' },
    data: { username: b64('widget'), password: b64('BASIC-PASS-789') },
  },
];

function secretData(): SecretData {
  const out: SecretData = {};
  for (const s of sourceSecrets) {
    out[s.metadata.name] = Object.fromEntries(
      Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
  }
  return out;
}

function build(cs = chatService()) {
  const rendered = render(cs, providers, secretData());
  expect(rendered.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return desiredState({ cs, providers, rendered, sourceSecrets });
}

const find = (
  objs: ManifestObject[],
  kind: string,
  pred: (o: ManifestObject) => boolean = () => true,
) => objs.filter((o) => o.kind === kind && pred(o));

describe('desiredState', () => {
  it('produces the config objects, Services, StatefulSet and PDB, all owned by the ChatService', () => {
    const { objects } = build();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      expect.stringMatching(/^Secret\/support-secrets-[0-9a-f]{10}$/),
      expect.stringMatching(/^ConfigMap\/support-static-[0-9a-f]{10}$/),
      'ConfigMap/support-dynamic',
      'Service/support-nodes',
      'Service/support',
      'StatefulSet/support',
      'PodDisruptionBudget/support',
    ]);
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('cc');
      expect(o.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'gms.chatops.io/v1alpha1',
          kind: 'ChatService',
          name: 'support',
          uid: 'uid-cs',
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(o.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('gms-operator');
    }
  });

  it('never puts a credential in a ConfigMap; the Secret holds them, keystores as raw bytes', () => {
    const { objects } = build();
    const cmText = JSON.stringify(find(objects, 'ConfigMap'));
    for (const secret of ['FCM-SECRET-KEY-123', 'APNS-PASS-456', 'BASIC-PASS-789'])
      expect(cmText).not.toContain(secret);
    const [secret] = find(objects, 'Secret');
    const data = secret!.data as Record<string, string>;
    const ini = Buffer.from(data['secrets.ini']!, 'base64').toString();
    expect(ini).toContain('FCM-SECRET-KEY-123');
    expect(ini).toContain('BASIC-PASS-789');
    expect(data['apnsprod.apple.keystore']).toBe(KEYSTORE);
    expect(secret!.immutable).toBe(true);
  });

  it('static ConfigMap is immutable and hash-named; the dynamic one is mutable', () => {
    const { objects } = build();
    const [st] = find(objects, 'ConfigMap', (o) => o.metadata.name.includes('-static-'));
    const [dy] = find(objects, 'ConfigMap', (o) => o.metadata.name.endsWith('-dynamic'));
    expect(st!.immutable).toBe(true);
    expect(dy!.immutable).toBeUndefined();
    expect((st!.data as Record<string, string>)['static.ini']).toMatch(
      /enable_notification_mode\s*=\s*true/,
    );
    expect((dy!.data as Record<string, string>)['dynamic.ini']).toMatch(
      /push_notification_include_payload\s*=\s*false/,
    );
  });

  it('a dynamic-only change keeps the static ConfigMap name and the pod template; a restart-required change moves both', () => {
    const a = build();
    const b = build(chatService({ options: { push_notification_include_payload: true } }));
    const c = build(chatService({ chat: { enable_notification_mode: false } }));
    const sts = (d: ReturnType<typeof build>) => find(d.objects, 'StatefulSet')[0]!;
    expect(b.config.staticConfigMap.metadata.name).toBe(a.config.staticConfigMap.metadata.name);
    expect(b.config.dynamicHash).not.toBe(a.config.dynamicHash);
    expect(sts(b).spec).toEqual(sts(a).spec);
    expect(c.config.staticConfigMap.metadata.name).not.toBe(a.config.staticConfigMap.metadata.name);
    expect(c.config.restartHash).not.toBe(a.config.restartHash);
    expect(JSON.stringify(sts(c).spec)).not.toBe(JSON.stringify(sts(a).spec));
  });

  it('a rotated credential changes the restart hash (credentials reach nodes only by a roll)', () => {
    const a = build();
    const saved = sourceSecrets[0]!.data!.apiKey;
    sourceSecrets[0]!.data!.apiKey = b64('FCM-ROTATED');
    try {
      const b = build();
      expect(b.config.restartHash).not.toBe(a.config.restartHash);
      expect(b.config.staticConfigMap.metadata.name).toBe(a.config.staticConfigMap.metadata.name);
      expect(b.config.credentialsSecret!.metadata.name).not.toBe(
        a.config.credentialsSecret!.metadata.name,
      );
    } finally {
      sourceSecrets[0]!.data!.apiKey = saved!;
    }
  });

  it('StatefulSet: OnDelete, stable names, hash annotation, read-only /etc/gms, readiness on the node status API', () => {
    const { objects, config } = build();
    const sts = find(objects, 'StatefulSet')[0]! as ManifestObject & { spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(sts.spec.serviceName).toBe('support-nodes');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.template.metadata.annotations[ANNOTATION_STATIC_HASH]).toBe(config.restartHash);
    const c = sts.spec.template.spec.containers[0];
    expect(c.image).toBe('registry.example.com/gms:8.5.219.03');
    expect(c.volumeMounts).toEqual([{ name: 'gms-config', mountPath: '/etc/gms', readOnly: true }]);
    expect(c.readinessProbe.exec.command.join(' ')).toContain('/genesys/1/admin/node/status');
    expect(c.readinessProbe.exec.command.join(' ')).toContain('= ONLINE');
    const sources = sts.spec.template.spec.volumes[0].projected.sources;
    expect(sources[0].configMap.name).toBe(config.staticConfigMap.metadata.name);
    expect(sources[1].configMap.name).toBe('support-dynamic');
    expect(sources[2].secret.items).toContainEqual({
      key: 'apnsprod.apple.keystore',
      path: 'secrets/apnsprod/apple.keystore',
    });
  });

  it('replicas override (Offline strategy) and default image', () => {
    const cs = chatService({ gms: { version: '8.5.219.03', replicas: 2 } });
    const rendered = render(cs, providers, secretData());
    const d = desiredState({
      cs,
      providers,
      rendered,
      sourceSecrets,
      replicas: 0,
      defaultImageRepository: 'example.org/gms',
    });
    const sts = find(d.objects, 'StatefulSet')[0]! as ManifestObject & { spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(sts.spec.replicas).toBe(0);
    expect(sts.spec.template.spec.containers[0].image).toBe('example.org/gms:8.5.219.03');
  });

  it('is deterministic', () => {
    expect(JSON.stringify(build().objects)).toBe(JSON.stringify(build().objects));
  });

  it('expose modes add the load-balancer objects from src/lb', () => {
    const ing = build(
      chatService({
        expose: { mode: 'ingress-nginx', host: 'chat.example.com', affinity: 'cookie' },
      }),
    );
    const [ingress] = find(ing.objects, 'Ingress');
    expect(ingress!.metadata.ownerReferences?.[0]?.uid).toBe('uid-cs');
    expect(ingress!.metadata.annotations?.['nginx.ingress.kubernetes.io/affinity']).toBe('cookie');
    const hap = build(
      chatService({ expose: { mode: 'haproxy', host: 'chat.example.com', affinity: 'cookie' } }),
    );
    const [lb] = find(hap.objects, 'ConfigMap', (o) => o.metadata.name === 'support-lb');
    expect(Object.keys(lb!.data as object)).toEqual(['haproxy.cfg']);
    expect((lb!.data as Record<string, string>)['haproxy.cfg']).toContain(
      'support-0.support-nodes.cc.svc.cluster.local',
    );
    expect(
      build(chatService({ expose: { mode: 'none' } })).objects.some((o) => o.kind === 'Ingress'),
    ).toBe(false);
  });
});

describe('helpers', () => {
  it('cometdUrl: exposed host or the in-cluster Service', () => {
    expect(
      cometdUrl(
        chatService({
          expose: { mode: 'ingress-nginx', host: 'chat.example.com', tls: { secretName: 't' } },
        }),
      ),
    ).toBe('https://chat.example.com/genesys/cometd');
    expect(cometdUrl(chatService())).toBe('http://support.cc.svc:8080/genesys/cometd');
  });

  it('flags names too long for a StatefulSet', () => {
    const cs = chatService();
    expect(manifestProblems(cs)).toEqual([]);
    cs.metadata.name = 'x'.repeat(53);
    expect(manifestProblems(cs)[0]).toMatch(/at most 52/);
  });

  it('readiness command with node API auth reads the credentials from env', () => {
    expect(readinessCommand(8080, true)[2]).toContain(
      '$GMS_NODE_API_USERNAME:$GMS_NODE_API_PASSWORD',
    );
  });
});

describe('readiness command (run in a real shell against a local node status API)', () => {
  it('is ready only while the body says ONLINE', async () => {
    const { createServer } = await import('node:http');
    const { execFile } = await import('node:child_process');
    let body = 'ONLINE\n';
    const server = createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const cmd = readinessCommand(port, false);
    const ready = () =>
      new Promise<boolean>((resolve) =>
        execFile(cmd[0]!, cmd.slice(1), (err) => resolve(err === null)),
      );
    try {
      expect(await ready()).toBe(true);
      body = 'OFFLINE';
      expect(await ready()).toBe(false);
      body = '  ONLINE\r\n';
      expect(await ready()).toBe(true);
      server.close();
      expect(await ready()).toBe(false); // connection refused
    } finally {
      server.close();
    }
  });
});
