import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { render, renderFiles, type RenderedConfig } from '../../../src/config/render.js';
import { isCredentialOption } from '../../../src/config/names.js';
import { formatPath } from '../../../src/config/render-context.js';
import { configToObject, configFromIni, type GmsConfig } from '../../../src/config/model.js';
import { serializeIni } from '../../../src/config/ini/serialize.js';
import { parseIni } from '../../../src/config/ini/parse.js';
import { configHash } from '../../../src/config/hash.js';
import type { ChatService, PushProvider } from '../../../src/api/types.js';
import { expectGolden, loadFixture } from './fixtures.js';

function cs(spec: Partial<ChatService['spec']> = {}, name = 'svc'): ChatService {
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name },
    spec: {
      gms: { version: '8.5.219.03' },
      chatServer: { version: '8.5.108.02', endpoints: [] },
      ...spec,
    },
  };
}

function provider(name: string, spec: PushProvider['spec']): PushProvider {
  return { apiVersion: 'gms.chatops.io/v1alpha1', kind: 'PushProvider', metadata: { name }, spec };
}

function keys(config: GmsConfig): string[] {
  return [...config].flatMap(([s, e]) => [...e.keys()].map((k) => `${s}/${k}`));
}

function rules(r: RenderedConfig): string[] {
  return r.problems.map((p) => `${p.severity}:${p.rule}:${formatPath(p.path)}`);
}

describe('render: the DESIGN.md-like chat service (golden files)', () => {
  const { chatService, providers, secrets } = loadFixture('render/customer-support.yaml');
  const rendered = render(chatService, providers, secrets);

  it('renders without problems or missing secrets', () => {
    expect(rendered.problems).toEqual([]);
    expect(rendered.missingSecrets).toEqual([]);
  });

  it('matches the golden static, dynamic, secrets and whole files', () => {
    const files = renderFiles(rendered);
    expectGolden('render/customer-support.all.ini', files.all);
    expectGolden('render/customer-support.static.ini', files.static);
    expectGolden('render/customer-support.dynamic.ini', files.dynamic);
    expectGolden('render/customer-support.secrets.ini', files.secrets);
  });

  it('asks the operator to mount the Apple keystore from its Secret', () => {
    expect(rendered.secretFiles).toEqual([
      {
        secretName: 'apns',
        key: 'keystore.p12',
        path: '/etc/gms/secrets/apnsprod/apple.keystore',
        provider: 'apnsprod',
      },
    ]);
  });

  it('keeps every credential out of static and dynamic, and every secret value in secrets only', () => {
    for (const part of [rendered.static, rendered.dynamic]) {
      for (const [section, entries] of part) {
        for (const key of entries.keys())
          expect(isCredentialOption(section, key), `${section}/${key}`).toBe(false);
      }
      const text = serializeIni(part);
      for (const data of Object.values(secrets)) {
        for (const [k, v] of Object.entries(data)) {
          if (k !== 'username') expect(text).not.toContain(v);
        }
      }
    }
    expect(keys(rendered.secrets).sort()).toEqual([
      'chat.customer-support/auth.basic.password',
      'push.provider.apnsprod/apple.keystore',
      'push.provider.apnsprod/apple.keystorePassword',
      'push.provider.fcmprod/debug.fcm.apiKey',
      'push.provider.fcmprod/fcm.apiKey',
      'push/debug.fcm.apiKey',
      'push/fcm.apiKey',
    ]);
  });

  it('puts restart-required options in static and immediate ones in dynamic', () => {
    expect(rendered.static.get('chat')!.get('enable_notification_mode')).toBe('true');
    expect(rendered.dynamic.get('chat.customer-support')!.get('_client_timeout_notification')).toBe(
      '120',
    );
    expect(
      rendered.static.get('chat.customer-support')!.get('push_notification_to_active_client'),
    ).toBe('false');
    expect(rendered.static.get('chat.customer-support')!.get('auth.basic.username')).toBe(
      'chat-client',
    );
    expect(rendered.static.get('connections')!.get('chatserver.cs-1')).toBe(
      'chat-1.contact-center.svc:4125',
    );
  });

  it('renders spec.gms.options into [gms] and spec.sections into their sections, split by takes-effect', () => {
    expect(configToObject(rendered.dynamic).gms).toEqual({ 'http.connection_timeout': '20' });
    expect(configToObject(rendered.static).gms).toEqual({ 'http.ssl_trust_all': 'true' });
    expect(configToObject(rendered.static).log).toEqual({ verbose: 'debug' });
    expect(configToObject(rendered.dynamic)['service.request-chat']).toEqual({
      _chat_endpoint: 'Environment:default',
    });
    expect(rendered.static.get('server')).toEqual(new Map());
  });

  it('all is the three files merged, and round-trips through the parser', () => {
    const doc = parseIni(serializeIni(rendered.all));
    expect(doc.problems).toEqual([]);
    expect(configToObject(configFromIni(doc))).toEqual(configToObject(rendered.all));
    expect(keys(rendered.all).length).toBe(
      keys(rendered.static).length + keys(rendered.dynamic).length + keys(rendered.secrets).length,
    );
  });
});

describe('render: spec.gms.options and spec.sections', () => {
  it('splits [gms] by the catalog: immediate options are dynamic, the rest and unknown ones static', () => {
    const r = render(
      cs({
        gms: {
          version: '8.5.219.03',
          options: {
            'http.socket_timeout': 30,
            'http.use_lax_redirect_strategy': false,
            'http.ssl_trust_all': 'true',
            'http.some_future_option': 'x',
          },
        },
      }),
      [],
    );
    expect(r.problems).toEqual([]);
    expect(configToObject(r.dynamic).gms).toEqual({
      'http.socket_timeout': '30',
      'http.use_lax_redirect_strategy': 'false',
    });
    expect(configToObject(r.static).gms).toEqual({
      'http.ssl_trust_all': 'true',
      'http.some_future_option': 'x',
    });
  });

  it('a dynamic [gms] change keeps the static hash (no rollout); a restart-required one changes it', () => {
    const at = (options: Record<string, string | number | boolean>) =>
      render(cs({ gms: { version: '8.5.219.03', options } }), []);
    const base = at({ 'http.socket_timeout': 10, 'http.ssl_trust_all': false });
    const dyn = at({ 'http.socket_timeout': 20, 'http.ssl_trust_all': false });
    const restart = at({ 'http.socket_timeout': 10, 'http.ssl_trust_all': true });
    expect(configHash(dyn.static)).toBe(configHash(base.static));
    expect(configHash(dyn.dynamic)).not.toBe(configHash(base.dynamic));
    expect(configHash(restart.static)).not.toBe(configHash(base.static));
  });

  it('renders any other section, keeping empty ones, in canonical order after the dedicated ones', () => {
    const r = render(
      cs({
        sections: {
          server: { port: 8080 },
          'service.request-chat': { _client_timeout_notification: 45, _type: 'builtin' },
          log: {},
          'endpoints:1': { default: 'queue' },
        },
      }),
      [],
    );
    expect(r.problems).toEqual([]);
    expect(configToObject(r.all)).toMatchObject({
      server: { port: '8080' },
      'service.request-chat': { _client_timeout_notification: '45', _type: 'builtin' },
      log: {},
      'endpoints:1': { default: 'queue' },
    });
    expect(r.dynamic.get('service.request-chat')!.get('_client_timeout_notification')).toBe('45');
    expect(r.static.get('service.request-chat')!.get('_type')).toBe('builtin');
    expect(r.static.get('log')).toEqual(new Map());
    const text = renderFiles(r).all;
    expect([...text.matchAll(/^\[(.+)\]$/gm)].map((m) => m[1])).toEqual([
      'chat.svc',
      'endpoints:1',
      'log',
      'server',
      'service.request-chat',
    ]);
  });

  it('refuses sections that have a dedicated field, naming it, and renders nothing of them', () => {
    const r = render(
      cs({
        chat: { enable_notification_mode: true },
        sections: {
          chat: { enable_notification_mode: false },
          gms: { 'http.socket_timeout': 5 },
          push: { pushEnabled: 'comet' },
          connections: { 'chatserver.x': 'h:1' },
          'chat.other': { a: 1 },
          'push.provider.x': { 'fcm.title': 't' },
        },
      }),
      [],
    );
    expect(r.problems.map((p) => `${p.rule}:${formatPath(p.path)}: ${p.message}`)).toEqual([
      'render-dedicated-section:spec.sections.chat: [chat] is written from spec.chat, not spec.sections; spec.sections.chat is not rendered',
      'render-dedicated-section:spec.sections.gms: [gms] is written from spec.gms.options, not spec.sections; spec.sections.gms is not rendered',
      'render-dedicated-section:spec.sections.push: [push] is written from spec.push (enabled, defaultProvider, options), not spec.sections; spec.sections.push is not rendered',
      'render-dedicated-section:spec.sections.connections: [connections] is written from spec.chatServer.endpoints, not spec.sections; spec.sections.connections is not rendered',
      'render-dedicated-section:spec.sections["chat.other"]: [chat.<service>] is written from spec.options of the ChatService whose serviceName is <service> (one ChatService per chat service), not spec.sections; spec.sections.chat.other is not rendered',
      'render-dedicated-section:spec.sections["push.provider.x"]: [push.provider.<name>] is written from a PushProvider <name> listed in spec.push.providers, not spec.sections; spec.sections.push.provider.x is not rendered',
    ]);
    expect(configToObject(r.all)).toEqual({
      chat: { enable_notification_mode: 'true' },
      'chat.svc': {},
    });
  });

  it('refuses unsafe section names, keys and values (injection), and non-map sections', () => {
    const r = render(
      cs({
        sections: {
          'log]\n[chat': { a: 1 },
          'a b': {},
          log: { 'bad key': 1, ok: 'line\n[chat]\nenable_notification_mode=false' },
          server: 'port=8080' as never,
        },
        gms: { version: '8.5.219.03', options: { 'http.proxy-auto-config-file': ' x' } },
      }),
      [],
    );
    expect(rules(r)).toEqual([
      'error:render-unsafe-value:spec.gms.options["http.proxy-auto-config-file"]',
      'error:render-unsafe-section:spec.sections["log]\\n[chat"]',
      'error:render-unsafe-section:spec.sections["a b"]',
      'error:render-unsafe-key:spec.sections.log["bad key"]',
      'error:render-unsafe-value:spec.sections.log.ok',
      'error:render-invalid-value:spec.sections.server',
    ]);
    // Nothing unsafe is written (the sections of the refused entries exist, empty).
    expect(configToObject(r.all)).toEqual({ 'chat.svc': {}, gms: {}, log: {} });
  });

  it('never renders a credential inline: catalog credentials and unknown keys that look like one', () => {
    const r = render(
      cs({
        gms: { version: '8.5.219.03', options: { 'http.proxy.password': 'p' } },
        sections: {
          server: { 'ssl.keystorePassword': 'changeit', 'ssl.port': 8443 },
          log: { 'fcm.apiKey': 'AAAA' },
        },
      }),
      [],
    );
    expect(rules(r)).toEqual([
      'error:render-inline-credential:spec.gms.options["http.proxy.password"]',
      'error:render-inline-credential:spec.sections.server["ssl.keystorePassword"]',
      'error:render-inline-credential:spec.sections.log["fcm.apiKey"]',
    ]);
    const text = renderFiles(r).all;
    expect(text).not.toContain('changeit');
    expect(text).not.toContain('AAAA');
    expect(r.static.get('server')!.get('ssl.port')).toBe('8443');
  });
});

describe('render: secrets', () => {
  const { chatService, providers } = loadFixture('render/customer-support.yaml');

  it('leaves credentials out and lists them when the Secrets are not given (never invents)', () => {
    const r = render(chatService, providers);
    expect(r.problems).toEqual([]);
    expect(keys(r.secrets)).toEqual([]);
    expect(r.static.get('chat.customer-support')!.has('auth.basic.username')).toBe(false);
    expect(
      r.missingSecrets.map((m) => `${m.section}/${m.option}<-${m.secretName}/${m.key}`).sort(),
    ).toEqual(
      [
        'chat.customer-support/auth.basic.password<-chat-basic-auth/password',
        'chat.customer-support/auth.basic.username<-chat-basic-auth/username',
        'push/debug.fcm.apiKey<-fcm/debugApiKey',
        'push/fcm.apiKey<-fcm/apiKey',
        'push.provider.apnsprod/apple.keystore<-apns/keystore.p12',
        'push.provider.apnsprod/apple.keystorePassword<-apns/password',
        'push.provider.fcmprod/debug.fcm.apiKey<-fcm/debugApiKey',
        'push.provider.fcmprod/fcm.apiKey<-fcm/apiKey',
      ].sort(),
    );
    expect(r.secretFiles).toEqual([]);
  });

  it('reports a Secret value that is unsafe in INI text without printing it', () => {
    const p = provider('fcmprod', {
      type: 'fcm',
      fcm: { apiKeySecretRef: { name: 'fcm', key: 'apiKey' } },
    });
    const r = render(cs({ push: { providers: ['fcmprod'] } }), [p], {
      fcm: { apiKey: 'KEY-123\n' },
    });
    expect(rules(r)).toEqual(['error:render-unsafe-value:spec.fcm.apiKeySecretRef']);
    expect(r.problems[0]!.message).toContain('Secret fcm key apiKey');
    expect(r.problems[0]!.message).not.toContain('KEY-123');
    expect(r.all.get('push.provider.fcmprod')!.has('fcm.apiKey')).toBe(false);
    expect(serializeIni(r.all)).toBe('[chat.svc]\n\n[push.provider.fcmprod]\n');
  });

  it('honours custom basic-auth keys', () => {
    const r = render(
      cs({
        auth: { basic: { secretRef: { name: 'ba', usernameKey: 'user', passwordKey: 'pass' } } },
      }),
      [],
      { ba: { user: 'u', pass: 'p' } },
    );
    expect(configToObject(r.all)['chat.svc']).toEqual({
      'auth.basic.username': 'u',
      'auth.basic.password': 'p',
    });
    expect(configToObject(r.secrets)).toEqual({ 'chat.svc': { 'auth.basic.password': 'p' } });
  });
});

describe('render: mapping rules', () => {
  it('always writes [chat.<serviceName>] (it defines the service), using spec.serviceName', () => {
    const r = render(cs({ serviceName: 'mobile-chat' }), []);
    expect(serializeIni(r.static)).toBe('[chat.mobile-chat]\n');
    expect(serializeIni(r.all)).toBe('[chat.mobile-chat]\n');
  });

  it('renders booleans as true/false and numbers with String(n)', () => {
    const r = render(
      cs({
        chat: { enable_notification_mode: true },
        options: { a: false, b: 1.5, c: 60, d: 'x' },
      }),
      [],
    );
    expect(configToObject(r.all)).toEqual({
      chat: { enable_notification_mode: 'true' },
      'chat.svc': { a: 'false', b: '1.5', c: '60', d: 'x' },
    });
  });

  it('renders pushEnabled as a comma list, also when empty', () => {
    expect(
      render(cs({ push: { enabled: ['comet', 'fcm'] } }), [])
        .all.get('push')!
        .get('pushEnabled'),
    ).toBe('comet,fcm');
    expect(
      render(cs({ push: { enabled: [] } }), [])
        .all.get('push')!
        .get('pushEnabled'),
    ).toBe('');
  });

  it('renders event texts with the project convention, per provider type', () => {
    const events = { Message: { title: 'T', body: 'B' } };
    const r = render(cs({ push: { providers: ['f', 'a', 'h'] } }), [
      provider('f', { type: 'fcm', events }),
      provider('a', { type: 'apple', events }),
      provider('h', { type: 'customhttp', customhttp: { url: 'http://h/x' }, events }),
    ]);
    const all = configToObject(r.all);
    expect(all['push.provider.f']).toEqual({ 'fcm.Message.title': 'T', 'fcm.Message.body': 'B' });
    expect(all['push.provider.a']).toEqual({
      'apple.Message.title': 'T',
      'apple.Message.alertMessage.body': 'B',
    });
    expect(all['push.provider.h']).toEqual({
      'customhttp.url': 'http://h/x',
      'customhttp.Message.message': 'B',
    });
    expect(rules(r)).toEqual(['warning:render-ignored-field:spec.events.Message.title']);
  });

  it('refuses an inline credential in options (it is not rendered anywhere)', () => {
    const r = render(cs({ push: { providers: ['f'] } }), [
      provider('f', { type: 'fcm', options: { 'fcm.apiKey': 'inline-key' } }),
    ]);
    expect(rules(r)).toEqual(['error:render-inline-credential:spec.options["fcm.apiKey"]']);
    expect(serializeIni(r.all)).not.toContain('inline-key');
  });

  it('refuses unsafe keys and values instead of escaping them', () => {
    const r = render(
      cs({
        options: { 'x\n[push]': '1', good: 'a\nfcm.apiKey=stolen', ok: ' padded', fine: 'a;b#c' },
      }),
      [],
    );
    expect(rules(r)).toEqual([
      'error:render-unsafe-key:spec.options["x\\n[push]"]',
      'error:render-unsafe-value:spec.options.good',
      'error:render-unsafe-value:spec.options.ok',
    ]);
    expect(configToObject(r.all)).toEqual({ 'chat.svc': { fine: 'a;b#c' } });
  });

  it('refuses values that are not strings, numbers or booleans', () => {
    const r = render(cs({ options: { a: null, b: [1], c: { d: 1 }, e: Number.NaN } as never }), []);
    expect(rules(r).every((x) => x.startsWith('error:render-invalid-value'))).toBe(true);
    expect(r.problems).toHaveLength(4);
  });

  it('refuses a service name that cannot be a section name', () => {
    const r = render(cs({ serviceName: 'a b' }), []);
    expect(rules(r)).toEqual(['error:render-unsafe-section:spec.serviceName']);
    expect(keys(r.all)).toEqual([]);
  });

  it('reports a missing provider and a bad provider name', () => {
    const r = render(
      cs({ push: { defaultProvider: 'nope', providers: ['gone', 'bad.name'] } }),
      [],
    );
    expect(rules(r)).toEqual([
      'error:render-missing-provider:spec.push.defaultProvider',
      'error:render-missing-provider:spec.push.providers[0]',
      'error:render-unsafe-section:spec.push.providers[1]',
    ]);
  });

  it('reports a conflict inside one provider and keeps the first value', () => {
    const r = render(cs({ push: { providers: ['h'] } }), [
      provider('h', {
        type: 'customhttp',
        customhttp: { url: 'http://a/' },
        options: { 'customhttp.url': 'http://b/' },
      }),
    ]);
    expect(rules(r)).toEqual(['error:render-conflict:spec.options["customhttp.url"]']);
    expect(r.all.get('push.provider.h')!.get('customhttp.url')).toBe('http://a/');
  });

  it('lets spec.push.options override the default provider, with a warning', () => {
    const r = render(cs({ push: { defaultProvider: 'f', options: { 'fcm.title': 'mine' } } }), [
      provider('f', { type: 'fcm', options: { 'fcm.title': 'theirs' } }),
    ]);
    expect(rules(r)).toEqual(['warning:render-override:spec.push.options["fcm.title"]']);
    expect(r.all.get('push')!.get('fcm.title')).toBe('mine');
  });

  it('renders Chat Server endpoints and refuses unsafe hosts and ports', () => {
    const r = render(
      cs({
        chatServer: {
          version: '8.5.108.02',
          endpoints: [
            { name: 'cs-1', host: 'chat-1.svc', port: 4125 },
            { name: 'cs-2', host: 'evil\n[push]', port: 4125 },
            { name: 'cs-3', host: 'chat-3.svc', port: 70000 },
          ],
        },
      }),
      [],
    );
    expect(configToObject(r.all).connections).toEqual({ 'chatserver.cs-1': 'chat-1.svc:4125' });
    expect(rules(r)).toEqual([
      'error:render-unsafe-value:spec.chatServer.endpoints[1].host',
      'error:render-invalid-value:spec.chatServer.endpoints[2].port',
    ]);
  });

  it('ignores type fields of another type with a warning', () => {
    const r = render(cs({ push: { providers: ['f'] } }), [
      provider('f', { type: 'fcm', customhttp: { url: 'http://x/' } }),
    ]);
    expect(rules(r)).toEqual(['warning:render-ignored-field:spec.customhttp']);
  });
});

describe('render: classification and hash', () => {
  it('classifies unknown options as restart-required (static)', () => {
    const r = render(cs({ options: { some_unknown_option: 'x' } }), []);
    expect(r.static.get('chat.svc')!.get('some_unknown_option')).toBe('x');
    expect(keys(r.dynamic)).toEqual([]);
  });

  it('changes the static hash for a restart option but not for a dynamic one', () => {
    const base = render(
      cs({
        options: { _client_timeout_notification: 90, push_notification_to_active_client: true },
      }),
      [],
    );
    const dyn = render(
      cs({
        options: { _client_timeout_notification: 30, push_notification_to_active_client: true },
      }),
      [],
    );
    const restart = render(
      cs({
        options: { _client_timeout_notification: 90, push_notification_to_active_client: false },
      }),
      [],
    );
    expect(configHash(dyn.static)).toBe(configHash(base.static));
    expect(configHash(dyn.dynamic)).not.toBe(configHash(base.dynamic));
    expect(configHash(restart.static)).not.toBe(configHash(base.static));
  });
});

// ---------------------------------------------------------------------------------------------
// Property: render never throws, everything it renders is serializable and parse(render(x))
// round-trips.
// ---------------------------------------------------------------------------------------------

const anyValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
);
const anyKey = fc.oneof(
  fc.constantFrom(
    'enable_notification_mode',
    'fcm.title',
    'fcm.apiKey',
    '_client_timeout_notification',
    'pushEnabled',
  ),
  fc.stringMatching(/^[a-z_.]{1,12}$/),
  fc.string({ maxLength: 8 }),
);
const optionMap = fc.dictionary(anyKey, anyValue, { maxKeys: 5 });
const name = fc.oneof(fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.string({ maxLength: 6 }));
const eventText = fc.record(
  { title: fc.string({ maxLength: 10 }), body: fc.string({ maxLength: 10 }) },
  { requiredKeys: [] },
);
const arbProvider = fc.record({
  name,
  type: fc.constantFrom('fcm', 'apple', 'customhttp', 'bogus'),
  options: optionMap,
  events: fc.dictionary(fc.constantFrom('Message', 'IdleAlert', 'Nope'), eventText, { maxKeys: 2 }),
  url: fc.string({ maxLength: 12 }),
});
const arbInput = fc.record({
  serviceName: name,
  chat: optionMap,
  options: optionMap,
  pushOptions: optionMap,
  enabled: fc.array(fc.constantFrom('comet', 'fcm', 'ios'), { maxLength: 3 }),
  providers: fc.array(arbProvider, { maxLength: 3 }),
  endpoints: fc.array(
    fc.record({
      name,
      host: fc.oneof(fc.domain(), fc.string({ maxLength: 8 })),
      port: fc.integer({ min: -1, max: 70000 }),
    }),
    { maxLength: 3 },
  ),
  secrets: fc.dictionary(
    name,
    fc.dictionary(
      fc.constantFrom('apiKey', 'username', 'password', 'keystore'),
      fc.string({ maxLength: 10 }),
    ),
    { maxKeys: 3 },
  ),
});

describe('render: properties', () => {
  it('never throws; static/dynamic/secrets are disjoint, serializable and round-trip through the parser', () => {
    fc.assert(
      fc.property(arbInput, (x) => {
        const providers = x.providers.map((p) =>
          provider(p.name, {
            type: p.type as 'fcm',
            fcm: { apiKeySecretRef: { name: p.name, key: 'apiKey' } },
            apple: {
              keystoreSecretRef: { name: p.name, key: 'keystore' },
              keystorePasswordSecretRef: { name: p.name, key: 'password' },
            },
            customhttp: { url: p.url },
            events: p.events,
            options: p.options as never,
          }),
        );
        const r = render(
          cs({
            serviceName: x.serviceName,
            chat: x.chat as never,
            options: x.options as never,
            push: {
              enabled: x.enabled as never,
              defaultProvider: x.providers[0]?.name,
              providers: x.providers.map((p) => p.name),
              options: x.pushOptions as never,
            },
            auth: { basic: { secretRef: { name: x.serviceName } } },
            chatServer: { version: '8.5.108.02', endpoints: x.endpoints },
          }),
          providers,
          x.secrets,
        );
        const s = new Set(keys(r.static));
        const d = new Set(keys(r.dynamic));
        for (const k of keys(r.secrets)) expect(s.has(k) || d.has(k)).toBe(false);
        for (const k of d) expect(s.has(k)).toBe(false);
        for (const part of [r.static, r.dynamic]) {
          for (const [section, entries] of part)
            for (const key of entries.keys()) expect(isCredentialOption(section, key)).toBe(false);
        }
        const text = serializeIni(r.all);
        const doc = parseIni(text);
        expect(doc.problems).toEqual([]);
        expect(configToObject(configFromIni(doc))).toEqual(configToObject(r.all));
        serializeIni(r.static);
        serializeIni(r.dynamic);
        serializeIni(r.secrets);
      }),
      { numRuns: 400 },
    );
  });
});
