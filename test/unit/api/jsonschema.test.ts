import { Ajv, type ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  chatServiceJsonSchema,
  combinedJsonSchema,
  pushProviderJsonSchema,
} from '../../../src/api/jsonschema.js';

let cs: ValidateFunction;
let pp: ValidateFunction;
let all: ValidateFunction;

beforeAll(() => {
  // strict: every keyword known to ajv (no stray extensions), types explicit where keywords need
  // them; strictRequired is off because `not: {required: [...]}` is how draft-07 says "absent".
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    validateFormats: false,
  });
  cs = ajv.compile(chatServiceJsonSchema());
  pp = ajv.compile(pushProviderJsonSchema());
  all = new Ajv({
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    validateFormats: false,
  }).compile(combinedJsonSchema());
});

const chatService = (spec: Record<string, unknown> = {}, name = 'customer-support') => ({
  apiVersion: 'gms.chatops.io/v1alpha1',
  kind: 'ChatService',
  metadata: { name, namespace: 'contact-center' },
  spec: {
    gms: { version: '8.5.219.03', image: 'registry.example.com/gms:8.5.219.03', replicas: 3 },
    chatServer: {
      version: '8.5.108.02',
      endpoints: [{ name: 'cs-1', host: 'chat-1.contact-center.svc', port: 4125 }],
    },
    ...spec,
  },
});

const provider = (spec: Record<string, unknown>, name = 'fcmprod') => ({
  apiVersion: 'gms.chatops.io/v1alpha1',
  kind: 'PushProvider',
  metadata: { name },
  spec,
});

const errorsOf = (v: ValidateFunction, doc: unknown) => {
  v(doc);
  return (v.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
};

describe('ChatService JSON Schema', () => {
  it('accepts the DESIGN.md example with bool, number and string option values', () => {
    const doc = chatService({
      serviceName: 'customer-support',
      chat: { enable_notification_mode: true },
      options: {
        push_notification_to_active_client: 'false',
        _client_timeout_notification: 90,
        some_unknown: 'x',
      },
      push: {
        enabled: ['comet', 'fcm'],
        defaultProvider: 'fcmprod',
        providers: ['fcmprod', 'apnsprod'],
        options: {
          defaultSubscriptionExpiration: 60,
          pushEnabled: 'comet, fcm',
          'fcm.Message.title': '%s wrote',
        },
      },
      auth: { basic: { secretRef: { name: 'chat-basic-auth' } } },
      expose: {
        mode: 'haproxy',
        host: 'chat.example.com',
        tls: { secretName: 'chat-tls' },
        affinity: 'cookie',
      },
      rollout: { strategy: 'DetachReattach', podReadyTimeout: '10m' },
    });
    expect(errorsOf(cs, doc)).toEqual([]);
    expect(all(doc)).toBe(true);
  });

  it('rejects what the CRD rejects', () => {
    expect(errorsOf(cs, chatService({ options: { enable_notification_mode: true } }))).toContain(
      '/spec/options/enable_notification_mode not',
    );
    expect(errorsOf(cs, chatService({ push: { options: { 'fcm.apiKey': 'k' } } }))).toContain(
      '/spec/push/options/fcm.apiKey not',
    );
    expect(errorsOf(cs, chatService({ rollout: { strategy: 'Rolling' } }))).toContain(
      '/spec/rollout/strategy enum',
    );
    expect(errorsOf(cs, chatService({ gms: { version: 'latest' } }))).toContain(
      '/spec/gms/version pattern',
    );
    expect(errorsOf(cs, chatService({ serviceName: 'a/b' }))).toContain(
      '/spec/serviceName pattern',
    );
    expect(errorsOf(cs, chatService({ expsoe: {} }))).toContain('/spec additionalProperties');
    expect(errorsOf(cs, chatService({ chat: { enable_notification_mode: 'yes' } }))).toContain(
      '/spec/chat/enable_notification_mode enum',
    );
    expect(
      errorsOf(cs, chatService({ push: { options: { pushEnabled: 'comet,apns' } } })),
    ).toContain('/spec/push/options/pushEnabled pattern');
    expect(
      errorsOf(cs, chatService({ push: { options: { defaultSubscriptionExpiration: 10 } } })),
    ).toContain('/spec/push/options/defaultSubscriptionExpiration minimum');
    expect(errorsOf(cs, chatService({ chat: { x: { nested: 1 } } }))).toContain(
      '/spec/chat/x type',
    );
  });

  it('accepts spec.gms.options and spec.sections', () => {
    const doc = chatService({
      sections: {
        log: { verbose: 'debug', 'all.rotate': true, 'max.files': 10 },
        'service.request-chat': { _chat_endpoint: 'Environment:default', _type: 'builtin' },
        'endpoints:1': { default: 'queue' },
        resources: {},
      },
    });
    (doc.spec.gms as Record<string, unknown>).options = {
      'http.ssl_trust_all': true,
      'http.connection_timeout': 20,
      'http.socket_timeout': '30',
      'some.future_option': 'x',
    };
    expect(errorsOf(cs, doc)).toEqual([]);
    expect(all(doc)).toBe(true);
  });

  it('types [gms] options and [service.<name>] options from the catalog', () => {
    const gms = (options: Record<string, unknown>) => {
      const doc = chatService();
      (doc.spec.gms as Record<string, unknown>).options = options;
      return doc;
    };
    expect(errorsOf(cs, gms({ 'http.ssl_trust_all': 'yes' }))).toContain(
      '/spec/gms/options/http.ssl_trust_all enum',
    );
    expect(errorsOf(cs, gms({ 'http.socket_timeout': 'ten' }))).toContain(
      '/spec/gms/options/http.socket_timeout pattern',
    );
    expect(
      errorsOf(
        cs,
        chatService({ sections: { 'service.x': { _client_timeout_notification: 'soon' } } }),
      ),
    ).toContain('/spec/sections/service.x/_client_timeout_notification pattern');
    expect(errorsOf(cs, chatService({ sections: { log: { x: [1] } } }))).toContain(
      '/spec/sections/log/x type',
    );
    expect(errorsOf(cs, chatService({ sections: { log: 'verbose' } }))).toContain(
      '/spec/sections/log type',
    );
  });

  it('refuses spec.sections for dedicated sections and names the serializer would not write', () => {
    for (const name of ['chat', 'push', 'gms', 'connections'])
      expect(errorsOf(cs, chatService({ sections: { [name]: {} } })), name).toContain(
        `/spec/sections/${name} not`,
      );
    for (const name of [
      'chat.support',
      'push.provider.fcmprod',
      'a b',
      'log]',
      'a..b',
      'x'.repeat(201),
    ])
      expect(errorsOf(cs, chatService({ sections: { [name]: {} } })), name).toContain(
        '/spec/sections propertyNames',
      );
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`s${i}`, {}]));
    expect(errorsOf(cs, chatService({ sections: many }))).toContain('/spec/sections maxProperties');
  });

  it('needs a name the StatefulSet and Services can carry (DNS-1035 label, at most 52)', () => {
    expect(errorsOf(cs, chatService({}, 'a.b'))).toContain('/metadata/name pattern');
    expect(errorsOf(cs, chatService({}, '1chat'))).toContain('/metadata/name pattern');
    expect(errorsOf(cs, chatService({}, 'a'.repeat(53)))).toContain('/metadata/name maxLength');
    expect(errorsOf(cs, chatService({}, 'a'.repeat(52)))).toEqual([]);
  });

  it('accepts replicas 1 with DetachReattach (the operator refuses it at runtime)', () => {
    const doc = chatService({ rollout: { strategy: 'DetachReattach' } });
    (doc.spec.gms as { replicas: number }).replicas = 1;
    expect(errorsOf(cs, doc)).toEqual([]);
  });
});

describe('PushProvider JSON Schema', () => {
  const fcm = { type: 'fcm', fcm: { apiKeySecretRef: { name: 'fcm', key: 'apiKey' } } };

  it('accepts a provider with events and options', () => {
    const doc = provider({
      ...fcm,
      events: { Message: { title: '%s sent new message' } },
      options: { 'apple.title': 'x' },
    });
    expect(errorsOf(pp, doc)).toEqual([]);
    expect(all(doc)).toBe(true);
  });

  it('needs a short letters-and-digits name', () => {
    expect(errorsOf(pp, provider(fcm, 'fcm-prod'))).toContain('/metadata/name pattern');
    expect(errorsOf(pp, provider(fcm, 'a'.repeat(33)))).toContain('/metadata/name pattern');
  });

  it('needs the block of its type and no other', () => {
    expect(errorsOf(pp, provider({ type: 'apple', fcm: fcm.fcm }))).toEqual(
      expect.arrayContaining(['/spec required', '/spec/fcm not']),
    );
    expect(
      errorsOf(pp, provider({ type: 'customhttp', customhttp: { url: 'ftp://x' } })),
    ).toContain('/spec/customhttp/url pattern');
  });

  it('rejects unknown events, inline credentials and multi-line texts', () => {
    expect(errorsOf(pp, provider({ ...fcm, events: { Mesage: { title: 'x' } } }))).toContain(
      '/spec/events additionalProperties',
    );
    expect(errorsOf(pp, provider({ ...fcm, options: { 'fcm.apiKey': 'k' } }))).toContain(
      '/spec/options/fcm.apiKey not',
    );
    expect(
      errorsOf(pp, provider({ ...fcm, events: { Message: { title: 'a\n[gms]' } } })),
    ).toContain('/spec/events/Message/title pattern');
  });
});
