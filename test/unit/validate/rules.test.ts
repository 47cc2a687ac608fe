/**
 * One block per rule: what triggers it, where it points, and what must not trigger it.
 * Inputs are YAML texts run through the same engine as `gmsctl validate`.
 */
import { describe, expect, it } from 'vitest';
import {
  chatService,
  diagnostics,
  docs,
  FCM_PROVIDER,
  only,
  pushProvider,
  rules,
  secret,
} from './helpers.js';

describe('baseline', () => {
  it('a minimal ChatService is clean', async () => {
    expect(await diagnostics(chatService())).toEqual([]);
  });
});

describe('schema', () => {
  it('reports a missing required field at the parent key', async () => {
    const text = chatService().replace(
      '    version: "8.5.219.03"\n',
      '    image: registry.example.com/gms:1\n',
    );
    const d = only(await diagnostics(text), 'schema');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toBe('missing required field spec.gms.version');
    expect([d[0]!.line, d[0]!.column]).toEqual([7, 3]); // the `gms:` key
  });

  it('reports an unknown field at its key, with a did-you-mean', async () => {
    const d = only(
      await diagnostics(chatService({ extra: '  expsoe:\n    mode: haproxy' })),
      'schema',
    );
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toContain('unknown field spec.expsoe; did you mean expose?');
    expect([d[0]!.line, d[0]!.column]).toEqual([15, 3]);
  });

  it('reports an enum miss at the value, with a did-you-mean', async () => {
    const d = only(
      await diagnostics(chatService({ extra: '  rollout:\n    strategy: Ofline' })),
      'schema',
    );
    expect(d[0]!.message).toMatch(
      /spec\.rollout\.strategy must be one of .*"Offline".*; did you mean Offline\?/,
    );
    expect([d[0]!.line, d[0]!.column]).toEqual([16, 15]);
  });

  it('reports a wrong type', async () => {
    const d = only(
      await diagnostics(
        chatService({ extra: '  gms2: 1' }).replace(
          '  chatServer:',
          '  push:\n    providers: fcmprod\n  chatServer:',
        ),
      ),
      'schema',
    );
    expect(d.map((x) => x.message)).toContain('spec.push.providers must be array, not string');
  });

  it('reports a wrong apiVersion and an unknown kind of the API group', async () => {
    const wrongVersion = chatService().replace('gms.chatops.io/v1alpha1', 'gms.chatops.io/v1');
    expect(only(await diagnostics(wrongVersion), 'schema')[0]!.message).toBe(
      'apiVersion must be "gms.chatops.io/v1alpha1", not "gms.chatops.io/v1"',
    );
    const unknownKind = chatService().replace('kind: ChatService', 'kind: ChatServce');
    const d = only(await diagnostics(unknownKind), 'schema');
    expect(d[0]!.message).toContain('has no kind ChatServce; did you mean ChatService?');
    expect(d[0]!.line).toBe(2);
  });

  it('checks PushProviders: the block must match spec.type', async () => {
    const d = await diagnostics(
      pushProvider('fcmprod', '  type: fcm\n  customhttp:\n    url: http://x.example.com/'),
    );
    expect(rules(d)).toEqual(['schema']);
  });

  it('leaves other kinds alone and counts them', async () => {
    const r = await import('./helpers.js').then((h) =>
      h.check(
        docs(
          'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n',
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: y }\n',
          'just: a mapping\n',
        ),
      ),
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.summary.skipped).toEqual({ ConfigMap: 1, Deployment: 1, '(no kind)': 1 });
    expect(r.summary.documents).toBe(3);
  });

  it('expands kind: List items and points into them', async () => {
    const item = chatService()
      .replace(/^/gm, '    ')
      .replace(/^ {4}apiVersion/, '  - apiVersion');
    const list = `apiVersion: v1\nkind: List\nitems:\n${item.replace('enable_notification_mode: true', 'enable_notification_mode: maybe')}`;
    const d = await diagnostics(list);
    expect(rules(d)).toEqual(['option-type']);
    expect(d[0]!.line).toBe(17);
  });
});

describe('option-unknown', () => {
  it('warns with a did-you-mean at the key', async () => {
    const d = await diagnostics(
      chatService({ extra: '  options:\n    push_notification_to_active_clinet: false' }),
    );
    expect(rules(d)).toEqual(['option-unknown']);
    expect(d[0]!.severity).toBe('warning');
    expect(d[0]!.message).toContain('did you mean push_notification_to_active_client?');
    expect([d[0]!.line, d[0]!.column]).toEqual([16, 5]);
  });

  it('is not reported for known options, including templated ones', async () => {
    const text = docs(
      pushProvider(
        'fcmprod',
        `${FCM_PROVIDER}  options:\n    fcm.Message.title: hi\n    fcm.title: hello`,
      ),
    );
    expect(await diagnostics(text)).toEqual([]);
  });
});

describe('option-placement', () => {
  it('enable_notification_mode under spec.options names [chat] and spec.chat', async () => {
    const d = await diagnostics(
      chatService({ extra: '  options:\n    enable_notification_mode: true' }),
    );
    expect(rules(d)).toEqual(['option-placement']);
    expect(d[0]!.message).toContain('[chat.support]');
    expect(d[0]!.message).toContain('spec.chat');
    expect(d[0]!.severity).toBe('error');
  });

  it('a [push] option under spec.chat says where it belongs', async () => {
    const d = await diagnostics(
      chatService({ extra: '  push:\n    enabled: [comet]' }).replace(
        '    enable_notification_mode: true\n',
        '    enable_notification_mode: true\n    defaultSubscriptionExpiration: 60\n',
      ),
    );
    expect(rules(d)).toEqual(['option-placement']);
    expect(d[0]!.message).toBe(
      'defaultSubscriptionExpiration belongs in [push], not [chat]; write it under spec.push.options',
    );
  });
});

describe('option-type', () => {
  it.each([
    ['enable_notification_mode: "yes"', 'expected true or false'],
    ['enable_notification_mode: 1', 'expected true or false'],
    ['enable_notification_mode: { a: 1 }', 'not a mapping'],
    ['enable_notification_mode:', 'not null'],
  ])('%s', async (line, message) => {
    const d = await diagnostics(chatService().replace('enable_notification_mode: true', line));
    expect(rules(d)).toEqual(['option-type']);
    expect(d[0]!.message).toContain(message);
  });

  it('accepts YAML booleans, numbers and strings for the same value', async () => {
    for (const v of ['true', '"true"', "'false'"]) {
      expect(
        await diagnostics(
          chatService().replace('enable_notification_mode: true', `enable_notification_mode: ${v}`),
        ),
      ).toEqual([]);
    }
    for (const v of ['60', '"60"']) {
      const text = chatService({
        extra: `  push:\n    enabled: [comet]\n    options:\n      defaultSubscriptionExpiration: ${v}`,
      });
      expect(await diagnostics(text)).toEqual([]);
    }
  });

  it('an integer option refuses text', async () => {
    const d = await diagnostics(
      chatService({
        extra:
          '  push:\n    enabled: [comet]\n    options:\n      defaultSubscriptionExpiration: soon',
      }),
    );
    expect(rules(d)).toEqual(['option-type']);
    expect(d[0]!.message).toContain('expected an integer');
  });
});

describe('option-value', () => {
  it('reports a value below the minimum at the value', async () => {
    const d = await diagnostics(
      chatService({
        extra:
          '  push:\n    enabled: [comet]\n    options:\n      defaultSubscriptionExpiration: 10',
      }),
    );
    expect(rules(d)).toEqual(['option-value']);
    expect(d[0]!.message).toContain('below the minimum 30');
    expect([d[0]!.line, d[0]!.column]).toEqual([18, 38]);
  });

  it('checks the customhttp URL of a PushProvider', async () => {
    const d = await diagnostics(
      pushProvider('hooks', '  type: customhttp\n  customhttp:\n    url: http://\n'),
    );
    expect(rules(d)).toContain('option-value');
  });
});

describe('version-gate', () => {
  it('an option newer than spec.gms.version', async () => {
    const d = await diagnostics(
      chatService({
        gms: '8.5.201.04',
        extra: '  options:\n    push_notification_to_active_client: false',
      }),
    );
    expect(rules(d)).toEqual(['version-gate']);
    expect(d[0]!.message).toBe(
      'push_notification_to_active_client needs GMS 8.5.219.03+, but spec.gms.version is 8.5.201.04',
    );
  });

  it('FCM through push.enabled before 8.5.114', async () => {
    const d = await diagnostics(
      chatService({ gms: '8.5.112.05', extra: '  push:\n    enabled: [comet, fcm]' }),
    );
    expect(rules(d)).toEqual(['version-gate']);
    expect(d[0]!.message).toContain('need GMS 8.5.114+');
    expect([d[0]!.line, d[0]!.column]).toEqual([16, 22]);
  });

  it('an FCM PushProvider used by an old ChatService', async () => {
    const text = docs(
      chatService({
        gms: '8.5.110.02',
        extra:
          '  push:\n    enabled: [comet]\n    providers: [fcmprod]\n    defaultProvider: fcmprod',
      }),
      pushProvider('fcmprod', FCM_PROVIDER),
    );
    const d = await diagnostics(text);
    expect(only(d, 'version-gate').map((x) => x.message)).toEqual([
      expect.stringContaining('PushProvider fcmprod is an FCM provider'),
    ]);
  });

  it('gates PushProvider options by the version of each ChatService using it', async () => {
    const text = docs(
      chatService({
        gms: '8.5.110.02',
        extra: '  push:\n    enabled: [comet, customhttp]\n    providers: [hooks]',
      }),
      pushProvider(
        'hooks',
        '  type: customhttp\n  customhttp:\n    url: http://r.example.com/push\n  options:\n    fcm.title: hello',
      ),
    );
    const d = only(await diagnostics(text), 'version-gate');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toContain('fcm.title needs GMS 8.5.114.09+');
    expect(d[0]!.message).toContain('ChatService contact-center/support');
  });

  it('WebSocket before 8.5.110 is a warning on the expose mode', async () => {
    const d = await diagnostics(
      chatService({
        gms: '8.5.109.05',
        extra: '  expose:\n    mode: nginx\n    host: chat.example.com',
      }),
    );
    expect(rules(d)).toEqual(['version-gate']);
    expect(d[0]!.severity).toBe('warning');
    expect(d[0]!.message).toContain('WebSocket');
  });
});

describe('chat-server-version', () => {
  it('Chat Server before 8.5.108 and GMS before 8.5.109.05', async () => {
    const d = await diagnostics(chatService({ gms: '8.5.108.01', chatServer: '8.5.107.03' }));
    expect(only(d, 'chat-server-version').map((x) => x.line)).toEqual([8, 10]);
  });

  it('8.5.108 without a build number is enough', async () => {
    expect(await diagnostics(chatService({ chatServer: '8.5.108' }))).toEqual([]);
  });
});

describe('push-enabled-comet', () => {
  it('warns when push.enabled lacks comet', async () => {
    const d = await diagnostics(chatService({ extra: '  push:\n    enabled: [customhttp]' }));
    expect(rules(d)).toEqual(['push-enabled-comet']);
    expect(d[0]!.severity).toBe('warning');
  });

  it('says that an empty list disables push', async () => {
    const d = await diagnostics(chatService({ extra: '  push:\n    enabled: []' }));
    expect(d[0]!.message).toContain('empty pushEnabled disables the push service');
  });

  it('is quiet when push.enabled is not set (the renderer writes the default comet)', async () => {
    expect(
      await diagnostics(
        chatService({ extra: '  push:\n    options: { defaultSubscriptionExpiration: 60 }' }),
      ),
    ).toEqual([]);
  });
});

describe('provider-name', () => {
  it('a Kubernetes-valid name that is not letters and digits', async () => {
    const d = await diagnostics(pushProvider('fcm-prod', FCM_PROVIDER));
    expect(rules(d)).toEqual(['provider-name']);
    expect([d[0]!.line, d[0]!.column]).toEqual([4, 9]);
  });

  it('a name longer than 32', async () => {
    const d = await diagnostics(pushProvider('a'.repeat(33), FCM_PROVIDER));
    expect(d[0]!.message).toContain('longer than 32');
  });
});

describe('inline-credential', () => {
  it('a catalog credential in an option map', async () => {
    const d = await diagnostics(
      chatService({
        extra: '  push:\n    enabled: [comet, fcm]\n    options:\n      fcm.apiKey: AAAA',
      }),
    );
    expect(rules(d)).toEqual(['inline-credential']);
    expect(d[0]!.message).not.toContain('AAAA');
  });

  it('a credential-looking unknown option', async () => {
    const d = await diagnostics(chatService({ extra: '  options:\n    webhook_token: abc' }));
    expect(rules(d)).toEqual(['inline-credential']);
  });

  it('a credential field instead of a SecretRef', async () => {
    const d = await diagnostics(
      pushProvider(
        'fcmprod',
        '  type: fcm\n  fcm:\n    apiKey: AAAA\n    apiKeySecretRef: { name: fcm, key: apiKey }',
      ),
    );
    expect(rules(d)).toEqual(['inline-credential']);
    expect(d[0]!.path).toBe('spec.fcm.apiKey');
  });
});

describe('reference', () => {
  const cs = (push: string) => chatService({ extra: `  push:\n${push}` });

  it('a provider that is not among the inputs is an error', async () => {
    const d = await diagnostics(cs('    enabled: [comet, fcm]\n    providers: [fcmprod]'));
    expect(rules(d)).toEqual(['reference']);
    expect(d[0]!.severity).toBe('error');
  });

  it('a provider in another namespace does not count', async () => {
    const d = await diagnostics(
      docs(
        cs('    enabled: [comet, fcm]\n    providers: [fcmprod]'),
        pushProvider('fcmprod', FCM_PROVIDER, 'other'),
      ),
    );
    expect(rules(d)).toEqual(['reference']);
  });

  it('defaultProvider outside providers, and a provider whose type is not enabled, are warnings', async () => {
    const text = docs(
      cs('    enabled: [comet]\n    defaultProvider: fcmprod\n    providers: [hooks]'),
      pushProvider('fcmprod', FCM_PROVIDER),
      pushProvider(
        'hooks',
        '  type: customhttp\n  customhttp:\n    url: http://r.example.com/push',
      ),
    );
    const d = await diagnostics(text);
    expect(d.map((x) => [x.rule, x.severity])).toEqual([
      ['reference', 'warning'],
      ['reference', 'warning'],
    ]);
    expect(d.map((x) => x.message).join('\n')).toMatch(
      /customhttp provider, but spec.push.enabled does not include customhttp/,
    );
  });

  it('Secrets are checked only when the inputs hold Secrets of that namespace', async () => {
    const auth = chatService({
      extra: '  auth:\n    basic:\n      secretRef: { name: chat-basic-auth }',
    });
    expect(await diagnostics(auth)).toEqual([]);
    const d = await diagnostics(docs(auth, secret('other', { a: 'b' })));
    expect(rules(d)).toEqual(['reference']);
    expect(d[0]!.severity).toBe('warning');
    const withSecret = await diagnostics(docs(auth, secret('chat-basic-auth', { username: 'u' })));
    expect(withSecret.map((x) => x.message)).toEqual([
      'Secret chat-basic-auth has no key password (it has: username)',
    ]);
  });
});

describe('injection', () => {
  it('a newline in an option value', async () => {
    const d = await diagnostics(
      chatService().replace(
        'enable_notification_mode: true',
        'enable_notification_mode: true\n    default_chat_endpoint: "Environment:default\\n[chat]\\nx=1"',
      ),
    );
    expect(rules(d)).toEqual(['injection']);
  });

  it('a newline in a push event text', async () => {
    const d = await diagnostics(
      pushProvider('fcmprod', `${FCM_PROVIDER}  events:\n    Message: { title: "hi\\n[push]" }`),
    );
    expect(rules(d)).toEqual(['injection']);
    expect(d[0]!.path).toBe('spec.events.Message.title');
  });

  it('a semicolon in the public host', async () => {
    const d = await diagnostics(
      chatService({ extra: '  expose:\n    mode: nginx\n    host: "chat.example.com; evil"' }),
    );
    expect(rules(d)).toEqual(['injection']);
  });

  it('a spec.serviceName that cannot be a section name or channel', async () => {
    const d = await diagnostics(chatService({ extra: '  serviceName: "support]\\n[x"' }));
    expect(rules(d)).toEqual(['injection']);
    expect(d[0]!.path).toBe('spec.serviceName');
    // metadata.name is the default service name; the schema keeps it a DNS-1035 label.
    expect(rules(await diagnostics(chatService({ name: 'support.v2' })))).toEqual(['schema']);
  });

  it('an option key that would break the INI line', async () => {
    const d = await diagnostics(
      chatService().replace(
        'enable_notification_mode: true',
        'enable_notification_mode: true\n    "a=b": 1',
      ),
    );
    expect(rules(d)).toEqual(['injection']);
  });
});

describe('expose-mode', () => {
  const expose = (lines: string) => chatService({ extra: `  expose:\n${lines}` });

  it('gateway-api without the Gateway the HTTPRoute attaches to, at the mode', async () => {
    const d = await diagnostics(expose('    mode: gateway-api\n    host: chat.example.com'));
    expect(rules(d)).toEqual(['expose-mode']);
    expect(d[0]!.path).toBe('spec.expose.mode');
    expect([d[0]!.line, d[0]!.column]).toEqual([16, 11]);
    expect(d[0]!.message).toContain('needs spec.expose.gateway.name');
  });

  it.each(['apache', 'gateway-api'])(
    'affinity source-ip with %s, at the affinity',
    async (mode) => {
      const gateway = mode === 'gateway-api' ? '\n    gateway: { name: public-gw }' : '';
      const d = await diagnostics(expose(`    mode: ${mode}\n    affinity: source-ip${gateway}`));
      expect(rules(d)).toEqual(['expose-mode']);
      expect(d[0]!.path).toBe('spec.expose.affinity');
      expect(d[0]!.message).toContain(`cannot be used with spec.expose.mode ${mode}`);
    },
  );

  it.each(['JSESSIONID', 'Bayeux_Browser'])('the cookie GMS sets itself: %s', async (name) => {
    const d = await diagnostics(expose(`    mode: haproxy\n    cookieName: ${name}`));
    expect(rules(d)).toEqual(['expose-mode']);
    expect(d[0]!.path).toBe('spec.expose.cookieName');
  });

  it.each([
    [
      'mode: none',
      'image: haproxy:2.8',
      'spec.expose.image',
      'mode none: it configures the load balancer',
    ],
    ['host: chat.example.com', 'replicas: 3', 'spec.expose.replicas', 'mode none (the default)'],
    [
      'mode: ingress-nginx',
      'serviceType: NodePort',
      'spec.expose.serviceType',
      'the Service of the load balancer',
    ],
    [
      'mode: gateway-api\n    gateway: { name: gw }',
      'resources: { limits: { cpu: 1 } }',
      'spec.expose.resources',
      'mode gateway-api',
    ],
    [
      'mode: ingress-nginx',
      "serviceAnnotations: { a: 'b' }",
      'spec.expose.serviceAnnotations',
      'mode ingress-nginx',
    ],
    [
      'mode: haproxy',
      'ingressClassName: nginx',
      'spec.expose.ingressClassName',
      'the Ingress of mode ingress-nginx',
    ],
    [
      'mode: nginx',
      'gateway: { name: gw }',
      'spec.expose.gateway',
      'the HTTPRoute of mode gateway-api',
    ],
  ])('a setting another mode reads is a warning: %s + %s', async (mode, setting, path, says) => {
    const d = await diagnostics(expose(`    ${mode}\n    ${setting}`));
    expect(d.map((x) => [x.rule, x.severity, x.path])).toEqual([['expose-mode', 'warning', path]]);
    expect(d[0]!.message).toContain(`${path} has no effect with spec.expose.`);
    expect(d[0]!.message).toContain(says);
  });

  it('settings of the mode in use are not reported', async () => {
    for (const lines of [
      "    mode: haproxy\n    image: haproxy:2.8\n    replicas: 3\n    serviceType: NodePort\n    serviceAnnotations: { a: 'b' }\n    resources: { limits: { cpu: 1 } }",
      '    mode: ingress-nginx\n    ingressClassName: nginx',
      '    mode: gateway-api\n    gateway: { name: gw }',
    ])
      expect(await diagnostics(expose(lines)), lines).toEqual([]);
  });

  it.each(['nginx', 'haproxy', 'apache'])(
    'no GMS node for the %s load balancer the operator runs, at spec.gms.replicas',
    async (mode) => {
      const text = expose(`    mode: ${mode}`).replace(
        '    version: "8.5.219.03"\n',
        '    version: "8.5.219.03"\n    replicas: 0\n',
      );
      const d = await diagnostics(text);
      expect(rules(d)).toEqual(['expose-mode']);
      expect(d[0]!.path).toBe('spec.gms.replicas');
      expect(d[0]!.message).toContain('no GMS node to balance over');
      // Scaled to zero without a load balancer of its own is fine.
      const none = expose('    mode: ingress-nginx').replace(
        '    version: "8.5.219.03"\n',
        '    version: "8.5.219.03"\n    replicas: 0\n',
      );
      expect(await diagnostics(none)).toEqual([]);
    },
  );

  it('an upper-case public host, at the host; an invalid one is left to injection', async () => {
    const d = await diagnostics(expose('    mode: haproxy\n    host: Chat.Example.com'));
    expect(rules(d)).toEqual(['expose-mode']);
    expect(d[0]!.path).toBe('spec.expose.host');
    expect(d[0]!.message).toContain('write it in lower case (chat.example.com)');
    expect(
      rules(await diagnostics(expose('    mode: haproxy\n    host: "Chat.Example.com;x"'))),
    ).toEqual(['injection']);
  });

  it('what the renderers accept is clean', async () => {
    for (const lines of [
      '    mode: gateway-api\n    gateway: { name: public-gw }',
      '    mode: nginx\n    affinity: source-ip',
      '    mode: haproxy\n    affinity: source-ip',
      '    mode: ingress-nginx\n    affinity: source-ip',
      '    mode: apache\n    cookieName: ROUTEID',
    ])
      expect(await diagnostics(expose(lines)), lines).toEqual([]);
    // A gateway without a name is the schema's to report, once.
    const d = await diagnostics(expose('    mode: gateway-api\n    gateway: { namespace: gw }'));
    expect(rules(d)).toEqual(['schema']);
  });
});

describe('duplicate-object', () => {
  it('the second definition points back to the first', async () => {
    const d = await diagnostics(docs(chatService(), chatService()));
    expect(rules(d)).toEqual(['duplicate-object']);
    expect(d[0]!.line).toBe(19);
    expect(d[0]!.message).toContain('first in test.yaml:4');
  });

  it('the same name in another namespace or of another kind is fine', async () => {
    expect(await diagnostics(docs(chatService(), chatService({ namespace: 'other' })))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// spec.gms.options ([gms]) and spec.sections (every other section): the option rules apply
// entry by entry, the section names are checked themselves.
// ---------------------------------------------------------------------------------------------

/** A ChatService with spec.gms.options (YAML lines under `options:`, 6 spaces deep). */
function withGmsOptions(lines: string[], gms = '8.5.219.03'): string {
  return chatService({ gms }).replace(
    `    version: "${gms}"\n`,
    `    version: "${gms}"\n    options:\n${lines.map((l) => `      ${l}`).join('\n')}\n`,
  );
}

/** A ChatService with spec.sections (YAML lines under `sections:`, 4 spaces deep); from line 16. */
function withSections(lines: string[]): string {
  return chatService({ extra: `  sections:\n${lines.map((l) => `    ${l}`).join('\n')}` });
}

const at = (d: { line: number; column: number }) => `${d.line}:${d.column}`;

describe('spec.gms.options ([gms])', () => {
  it('catalog options in the documented spellings are clean', async () => {
    expect(
      await diagnostics(
        withGmsOptions([
          'http.ssl_trust_all: true',
          'http.connection_timeout: 20',
          'http.socket_timeout: "30"',
          'http.proxy-auto-config-file: https://proxy.example.com/proxy.pac',
        ]),
      ),
    ).toEqual([]);
  });

  it('option-type: a boolean that is not true/false, at the value, reported once', async () => {
    const d = await diagnostics(withGmsOptions(['http.ssl_trust_all: "yes"']));
    expect(d.map((x) => `${x.rule} ${at(x)} ${x.message}`)).toEqual([
      'option-type 10:27 http.ssl_trust_all: expected true or false, got "yes"',
    ]);
    expect(d[0]!.path).toBe('spec.gms.options["http.ssl_trust_all"]');
  });

  it('option-value: a malformed URL', async () => {
    const d = await diagnostics(withGmsOptions(['http.proxy-auto-config-file: ftp://proxy']));
    expect(rules(d)).toEqual(['option-value']);
  });

  it('option-placement both ways: a [chat] option in [gms], a [gms] option in spec.chat', async () => {
    const d = await diagnostics(withGmsOptions(['enable_notification_mode: true']));
    expect(d.map((x) => `${x.rule} ${at(x)} ${x.message}`)).toEqual([
      'option-placement 10:7 enable_notification_mode belongs in [chat], not [gms]; write it under spec.chat',
    ]);
    const e = only(
      await diagnostics(
        chatService().replace(
          'enable_notification_mode: true',
          'enable_notification_mode: true\n    http.ssl_trust_all: true',
        ),
      ),
      'option-placement',
    );
    expect(e[0]!.message).toBe(
      'http.ssl_trust_all belongs in [gms], not [chat]; write it under spec.gms.options',
    );
  });

  it('option-unknown: a typo gets a did-you-mean (a warning: passed through)', async () => {
    const d = await diagnostics(withGmsOptions(['http.socket_timout: 20']));
    expect(d.map((x) => `${x.severity} ${x.rule} ${at(x)}`)).toEqual([
      'warning option-unknown 10:7',
    ]);
    expect(d[0]!.message).toContain('did you mean http.socket_timeout?');
  });

  it('version-gate: an option newer than spec.gms.version', async () => {
    const d = only(
      await diagnostics(withGmsOptions(['http.use_lax_redirect_strategy: true'], '8.5.001.00')),
      'version-gate',
    ).filter((x) => x.path !== 'spec.chat.enable_notification_mode');
    expect(d.map((x) => `${at(x)} ${x.message}`)).toEqual([
      '10:7 http.use_lax_redirect_strategy needs GMS 8.5.002.02+, but spec.gms.version is 8.5.001.00',
    ]);
  });

  it('inline-credential and injection', async () => {
    const d = await diagnostics(
      withGmsOptions(['http.proxy.password: hunter2', 'http.socket_timeout: "10\\n[chat]"']),
    );
    expect(d.map((x) => `${x.rule} ${at(x)}`)).toEqual([
      'inline-credential 10:7',
      'injection 11:28',
    ]);
  });
});

describe('spec.sections (every other section)', () => {
  it('a known service section with catalog options is clean', async () => {
    expect(
      await diagnostics(
        withSections([
          'service.request-chat:',
          '  _chat_endpoint: "Environment:default"',
          '  _client_timeout_notification: 45',
        ]),
      ),
    ).toEqual([]);
  });

  it('checks the options of a known section against the catalog, at line:col', async () => {
    const d = await diagnostics(
      withSections(['service.request-chat:', '  _client_timeout_notification: soon']),
    );
    expect(d.map((x) => `${x.rule} ${at(x)} ${x.path}`)).toEqual([
      'option-type 17:37 spec.sections["service.request-chat"]._client_timeout_notification',
    ]);
  });

  it('options of [log] and [server] are unknown to the catalog: one warning each, passed through', async () => {
    const d = await diagnostics(withSections(['log:', '  verbose: debug', 'server: {}']));
    expect(d.map((x) => `${x.severity} ${x.rule} ${at(x)} ${x.message}`)).toEqual([
      'warning option-unknown 17:7 unknown option verbose in [log] (it is passed through to GMS and treated as restart-required)',
    ]);
  });

  it('refuses a section with a dedicated field, naming the field, at the section key', async () => {
    const d = await diagnostics(
      withSections([
        'chat: { enable_notification_mode: true }',
        'gms: { http.socket_timeout: 10 }',
        'chat.other: {}',
        'push.provider.fcmprod: {}',
        'connections: {}',
        'push: {}',
      ]),
    );
    expect(d.map((x) => `${x.rule} ${at(x)} ${x.message}`)).toEqual([
      'option-placement 16:5 [chat] is written from spec.chat, not spec.sections; move the options of spec.sections.chat there',
      'option-placement 17:5 [gms] is written from spec.gms.options, not spec.sections; move the options of spec.sections.gms there',
      'option-placement 18:5 [chat.<service>] is written from spec.options of the ChatService whose serviceName is <service> (one ChatService per chat service), not spec.sections; move the options of spec.sections.chat.other there',
      'option-placement 19:5 [push.provider.<name>] is written from a PushProvider <name> listed in spec.push.providers, not spec.sections; move the options of spec.sections.push.provider.fcmprod there',
      'option-placement 20:5 [connections] is written from spec.chatServer.endpoints, not spec.sections; move the options of spec.sections.connections there',
      'option-placement 21:5 [push] is written from spec.push (enabled, defaultProvider, options), not spec.sections; move the options of spec.sections.push there',
    ]);
  });

  it('injection: a section name the INI serializer would not write, reported once at its key', async () => {
    const d = await diagnostics(
      withSections(['"log]\\n[chat": { enable_notification_mode: false }', '"a b": {}']),
    );
    expect(d.map((x) => `${x.rule} ${at(x)} ${x.message}`)).toEqual([
      'injection 16:5 spec.sections key "log]<U+000A>[chat" cannot be written as a GMS section header: section name may contain only letters, digits, "_", "-", ":" and single dots between them',
      'injection 17:5 spec.sections key "a b" cannot be written as a GMS section header: section name may contain only letters, digits, "_", "-", ":" and single dots between them',
    ]);
  });

  it('injection in keys and values inside a section', async () => {
    const d = await diagnostics(
      withSections(['log:', '  "a=b": 1', '  verbose: "debug\\n[chat]"']),
    );
    expect(d.map((x) => `${x.rule} ${at(x)}`)).toEqual([
      'injection 17:7',
      'option-unknown 18:7',
      'injection 18:16',
    ]);
  });

  it('inline-credential: catalog credentials and keys that look like one, in any section', async () => {
    const d = await diagnostics(
      withSections([
        'server:',
        '  ssl.keystorePassword: changeit',
        'resources:',
        '  fcm.apiKey: AAAA',
      ]),
    );
    expect(d.filter((x) => x.rule !== 'option-unknown').map((x) => `${x.rule} ${at(x)}`)).toEqual([
      'inline-credential 17:7',
      'inline-credential 19:7',
    ]);
  });

  it('option-unknown: an unknown section, with a did-you-mean that names the right field', async () => {
    const d = await diagnostics(withSections(['sever: { port: 8080 }', 'GMS: {}']));
    expect(d.map((x) => `${x.severity} ${x.rule} ${at(x)} ${x.message}`)).toEqual([
      'warning option-unknown 16:5 unknown section [sever]; did you mean [server]? (its 1 option(s) are passed through to GMS unchecked and treated as restart-required)',
      'warning option-unknown 17:5 unknown section [GMS]; did you mean [gms] (spec.gms.options)? (its 0 option(s) are passed through to GMS unchecked and treated as restart-required)',
    ]);
  });

  it('option-placement (warning): a Chat Server application section GMS does not read', async () => {
    const d = await diagnostics(withSections(['client-file-transfer: { upload-max-files: 5 }']));
    expect(d.map((x) => `${x.severity} ${x.rule} ${at(x)}`)).toEqual([
      'warning option-placement 16:5',
    ]);
    expect(d[0]!.message).toContain('Chat Server application section');
  });

  it('schema: a section that is not a map, and too many sections, reported once', async () => {
    const d = await diagnostics(withSections(['log: verbose']));
    expect(d.map((x) => `${x.rule} ${x.message}`)).toEqual([
      'schema spec.sections.log must be a map of option names to values, not string',
    ]);
    const many = Array.from({ length: 65 }, (_, i) => `s${i}: {}`);
    const e = (await diagnostics(withSections(many))).filter((x) => x.rule !== 'option-unknown');
    expect(e.map((x) => `${x.rule} ${at(x)} ${x.message}`)).toEqual([
      'schema 15:3 spec.sections holds 65 sections; at most 64',
    ]);
  });
});
