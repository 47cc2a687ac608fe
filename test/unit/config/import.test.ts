import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { importIni, secretCommands, type ImportResult } from '../../../src/config/import.js';
import { parseIni, parseIniBuffer } from '../../../src/config/ini/parse.js';
import { serializeIni } from '../../../src/config/ini/serialize.js';
import { configFromIni, type GmsConfig } from '../../../src/config/model.js';
import { render } from '../../../src/config/render.js';
import {
  findOption,
  OPTIONS,
  expandOptionNames,
  isTemplated,
  type SectionPattern,
} from '../../../src/catalog/index.js';
import type { SecretData } from '../../../src/api/types.js';
import { readFileSync } from 'node:fs';
import { FIXTURES, readFixture } from './fixtures.js';

/** The Secrets a user creates after an import, filled with the INI's own values. */
function secretsFor(result: ImportResult, config: GmsConfig): SecretData {
  const data: SecretData = {};
  for (const s of result.secrets) {
    const value =
      s.fromFile !== undefined
        ? '(keystore bytes)'
        : (s.literal ?? config.get(s.section)!.get(s.option)!);
    (data[s.secretName] ??= {})[s.key] = value;
  }
  return data;
}

/**
 * render(import(x)) keeps every catalog option of x: same section, same key, same value (the
 * Apple keystore becomes the path of the file mounted from its Secret) - or, with
 * `allowReported`, the option is named by an error note of the import. With `everyOption`,
 * options the catalog does not know are held to the same ([log], [server], future sections).
 */
function expectKept(
  text: string,
  result: ImportResult,
  allowReported = false,
  everyOption = false,
): void {
  const config = configFromIni(parseIni(text));
  const rendered = render(result.chatService, result.pushProviders, secretsFor(result, config));
  for (const [section, entries] of config) {
    if (everyOption && entries.size === 0) {
      // An empty section is kept too (it exists for GMS), unless the import reported it.
      const reported = result.notes.some((n) => n.severity === 'error' && n.section === section);
      if (!(allowReported && reported))
        expect(rendered.all.has(section), `[${section}] (empty)`).toBe(true);
    }
    for (const [key, value] of entries) {
      if (!everyOption && !findOption(section, key)) continue;
      const reported = result.notes.some(
        (n) =>
          n.severity === 'error' && n.section === section && (n.key === key || n.key === undefined),
      );
      if (allowReported && reported) continue;
      const got = rendered.all.get(section)?.get(key);
      if (key === 'apple.keystore')
        expect(got, `[${section}] ${key}`).toMatch(
          /^\/etc\/gms\/secrets\/[a-z0-9]+\/apple\.keystore$/,
        );
      else expect(got, `[${section}] ${key}`).toBe(value);
    }
  }
}

describe('importIni: a complete chat service', () => {
  const text = readFixture('import/customer-support.ini');
  const result = importIni(parseIni(text), {
    gmsVersion: '8.5.219.03',
    namespace: 'contact-center',
  });

  it('places everything (no error notes)', () => {
    expect(result.notes.filter((n) => n.severity === 'error')).toEqual([]);
    expect(result.unplaced).toBe(0);
  });

  it('builds the ChatService', () => {
    expect(result.chatService).toEqual({
      apiVersion: 'gms.chatops.io/v1alpha1',
      kind: 'ChatService',
      metadata: { name: 'customer-support', namespace: 'contact-center' },
      spec: {
        gms: {
          version: '8.5.219.03',
          options: { 'http.ssl_trust_all': true, 'http.connection_timeout': 20 },
        },
        chatServer: {
          endpoints: [
            { name: 'cs-1', host: 'chat-1.contact-center.svc', port: 4125 },
            { name: 'cs-2', host: 'chat-2.contact-center.svc', port: 4125 },
          ],
        },
        chat: { enable_notification_mode: true, default_chat_endpoint: 'Environment:default' },
        options: {
          push_notification_to_active_client: false,
          _client_timeout_notification: 120,
          _agent_timeout_notification_message: 'Customer is not online; they will get a push',
        },
        auth: { basic: { secretRef: { name: 'customer-support-basic-auth' } } },
        push: {
          enabled: ['comet', 'fcm', 'ios', 'customhttp'],
          defaultProvider: 'fcmprod',
          providers: ['fcmprod', 'apnsprod', 'webhook'],
          options: { defaultSubscriptionExpiration: 60 },
        },
        sections: {
          log: { verbose: 'debug' },
          'service.request-chat': { _chat_endpoint: 'Environment:default' },
        },
      },
    });
  });

  it('builds one PushProvider per provider section, with Secret references for credentials', () => {
    expect(result.pushProviders.map((p) => [p.metadata, p.spec])).toEqual([
      [
        { name: 'fcmprod', namespace: 'contact-center' },
        {
          type: 'fcm',
          fcm: {
            apiKeySecretRef: { name: 'fcmprod-fcm', key: 'apiKey' },
            debugApiKeySecretRef: { name: 'fcmprod-fcm', key: 'debugApiKey' },
          },
          events: {
            Message: { title: '%s sent new message' },
            IdleAlert: {
              title: 'Chat will close soon',
              body: 'Please use app if you want to continue',
            },
          },
          options: { 'fcm.title': 'New chat event' },
        },
      ],
      [
        { name: 'apnsprod', namespace: 'contact-center' },
        {
          type: 'apple',
          apple: {
            keystoreSecretRef: { name: 'apnsprod-apple', key: 'keystore' },
            keystorePasswordSecretRef: { name: 'apnsprod-apple', key: 'keystorePassword' },
          },
          events: { Message: { title: '%s sent new message', body: 'Open the app to reply' } },
          options: { 'apple.title': 'Customer support', 'apple.sound': 'default' },
        },
      ],
      [
        { name: 'webhook', namespace: 'contact-center' },
        {
          type: 'customhttp',
          customhttp: {
            url: 'https://push.example.com/gms/notify',
            debugUrl: 'https://push-staging.example.com/gms/notify',
          },
          events: { ParticipantLeft: { body: '%s left chat' } },
        },
      ],
    ]);
  });

  it('never copies a credential value into the objects or the notes', () => {
    const out = JSON.stringify({
      cs: result.chatService,
      p: result.pushProviders,
      n: result.notes,
    });
    for (const secret of [
      's3cret-basic',
      'AAAA-fcm-server-key',
      'AAAA-fcm-debug-key',
      'apns-keystore-pass',
    ]) {
      expect(out).not.toContain(secret);
    }
  });

  it('says which Secrets to create, where each value is', () => {
    expect(
      result.secrets.map(
        (s) => `${s.secretName}/${s.key}<-[${s.section}]${s.option}@${s.line}:${s.column}`,
      ),
    ).toEqual([
      'customer-support-basic-auth/username<-[chat.customer-support]auth.basic.username@10:21',
      'customer-support-basic-auth/password<-[chat.customer-support]auth.basic.password@11:21',
      'fcmprod-fcm/apiKey<-[push.provider.fcmprod]fcm.apiKey@24:12',
      'fcmprod-fcm/debugApiKey<-[push.provider.fcmprod]debug.fcm.apiKey@25:18',
      'apnsprod-apple/keystore<-[push.provider.apnsprod]apple.keystore@32:16',
      'apnsprod-apple/keystorePassword<-[push.provider.apnsprod]apple.keystorePassword@33:24',
    ]);
    expect(secretCommands(result.secrets, 'gms.ini', 'contact-center')).toEqual([
      "kubectl create secret generic customer-support-basic-auth -n contact-center --from-literal=username=chat-client --from-literal=password='<auth.basic.password from gms.ini:11:21>'",
      "kubectl create secret generic fcmprod-fcm -n contact-center --from-literal=apiKey='<fcm.apiKey from gms.ini:24:12>' --from-literal=debugApiKey='<debug.fcm.apiKey from gms.ini:25:18>'",
      "kubectl create secret generic apnsprod-apple -n contact-center --from-file=keystore=/opt/gms/keys/apns-prod.p12 --from-literal=keystorePassword='<apple.keystorePassword from gms.ini:33:24>'",
    ]);
    const notes = result.notes.filter((n) => n.rule === 'import-secret');
    expect(notes).toHaveLength(6);
    expect(notes[2]!.message).toBe(
      '[push.provider.fcmprod] fcm.apiKey is a credential and is not copied into the YAML: spec.fcm.apiKeySecretRef refers to Secret fcmprod-fcm key apiKey; create it with the value at line 24, column 12',
    );
  });

  it('recognises [push] as a repeat of [push.provider.fcmprod]', () => {
    expect(result.notes.find((n) => n.rule === 'import-provider')).toMatchObject({
      severity: 'info',
      line: 13,
      message:
        'the provider options of [push] are those of [push.provider.fcmprod]: spec.push.defaultProvider is fcmprod',
    });
  });

  it('reports the versions the INI file cannot tell', () => {
    expect(result.notes.filter((n) => n.rule === 'import-version').map((n) => n.message)).toEqual([
      'spec.chatServer.version is required (CometD needs Chat Server 8.5.108+) and the INI file does not say it: fill it in',
    ]);
    const noVersion = importIni(parseIni(text));
    expect(noVersion.chatService.spec.gms.version).toBeUndefined();
    expect(noVersion.notes.some((n) => n.message.startsWith('spec.gms.version is required'))).toBe(
      true,
    );
  });

  it('render(import(x)) keeps every catalog option of x', () => {
    expectKept(text, result);
  });

  it('render(import(x)) keeps every option of x, known or not, [gms] and [log] included', () => {
    expectKept(text, result, false, true);
    const rendered = render(result.chatService, result.pushProviders);
    expect(rendered.all.get('gms')).toEqual(
      new Map([
        ['http.connection_timeout', '20'],
        ['http.ssl_trust_all', 'true'],
      ]),
    );
    expect(rendered.all.get('log')!.get('verbose')).toBe('debug');
  });
});

describe('importIni: the S3 sample (CRLF, BOM, provider keys only in [push])', () => {
  const bytes = readFileSync(`${FIXTURES}import/s3-sample.ini`);
  const doc = parseIniBuffer(bytes);
  const result = importIni(doc, { serviceName: 'mobile' });

  it('generates the default provider from the [push] provider keys', () => {
    expect(result.unplaced).toBe(0);
    expect(result.chatService.spec.push).toEqual({
      enabled: ['customhttp'],
      defaultProvider: 'mobiledefault',
    });
    expect(result.pushProviders).toHaveLength(1);
    expect(result.pushProviders[0]!.spec).toEqual({
      type: 'customhttp',
      customhttp: { url: 'http://push.example.com:8080', debugUrl: 'http://push.example.com:8081' },
      options: {
        'customhttp.message': 'dummy message',
        'debug.customhttp.message': 'dummy message',
      },
    });
    expect(result.chatService.spec.chat).toEqual({
      enable_notification_mode: true,
      push_notification_include_payload: true,
    });
  });

  it('render(import(x)) keeps every catalog option of x', () => {
    expectKept(new TextDecoder().decode(bytes), result);
  });
});

describe('importIni: several chat services', () => {
  const doc = parseIni(readFixture('import/two-services.ini'));

  it('asks for --service and imports no service options without it', () => {
    const r = importIni(doc);
    expect(r.unplaced).toBe(3);
    expect(
      r.notes
        .filter((n) => n.severity === 'error')
        .map((n) => `${n.line}:${n.column} ${n.message}`),
    ).toEqual([
      '3:2 section [chat.sales] was not imported: no service was chosen',
      '5:2 the file defines 2 chat services (sales, support); choose one with --service',
      '5:2 section [chat.support] was not imported: no service was chosen',
    ]);
    expect(r.chatService.spec.options).toBeUndefined();
  });

  it('imports the chosen service and notes the other', () => {
    const r = importIni(doc, { serviceName: 'support' });
    expect(r.unplaced).toBe(0);
    expect(r.chatService.metadata.name).toBe('support');
    expect(r.chatService.spec.options).toEqual({ push_notification_to_active_client: false });
    expect(r.notes.find((n) => n.rule === 'import-service')).toMatchObject({
      severity: 'warning',
      line: 3,
      message: 'section [chat.sales] was not imported: not the chosen service (support)',
    });
  });

  it('reports a --service that is not in the file', () => {
    const r = importIni(doc, { serviceName: 'nope' });
    expect(r.notes.filter((n) => n.severity === 'error')[0]!.message).toBe(
      '--service nope: there is no [chat.nope] section (found [chat.sales], [chat.support])',
    );
  });
});

describe('importIni: a gms.ini kept without its credentials (gmsctl render writes them apart)', () => {
  const text = [
    '[chat.support]',
    'push_notification_to_active_client=false',
    '[push]',
    'pushEnabled=comet,fcm,ios,customhttp',
    '[push.provider.fcmprod]',
    'fcm.title=New message',
    '[push.provider.apnsprod]',
    'apple.title=New message',
    '[push.provider.hooks]',
    'customhttp.message=%s sent new message',
    '',
  ].join('\n');
  const result = importIni(parseIni(text), { gmsVersion: '8.5.219.03' });

  it("warns at each provider's header about the required field the schema will ask for", () => {
    const warnings = result.notes
      .filter((n) => n.rule === 'import-provider' && n.severity === 'warning')
      .map((n) => `${n.line}:${n.column} [${n.section}] ${n.message}`);
    expect(warnings).toEqual([
      '5:2 [push.provider.fcmprod] PushProvider fcmprod (type fcm) needs fcm.apiKey (spec.fcm.apiKeySecretRef), not set in the INI file (credentials kept in another file?): fill it in',
      '7:2 [push.provider.apnsprod] PushProvider apnsprod (type apple) needs apple.keystore and apple.keystorePassword (spec.apple.keystoreSecretRef, spec.apple.keystorePasswordSecretRef), not set in the INI file (credentials kept in another file?): fill it in',
      '9:2 [push.provider.hooks] PushProvider hooks (type customhttp) needs customhttp.url (spec.customhttp.url), not set in the INI file (credentials kept in another file?): fill it in',
    ]);
  });

  it('says nothing about a provider that has its field', () => {
    const r = importIni(parseIni('[push.provider.fcmprod]\nfcm.apiKey=x\nfcm.title=t\n'));
    expect(r.notes.filter((n) => n.rule === 'import-provider')).toEqual([]);
  });
});

describe('importIni: a malformed section header', () => {
  it('says the section was read (its keys are imported), not that the line was dropped', () => {
    const r = importIni(parseIni('[chat]\nenable_notification_mode=true\n[log\nverbose=all\n'));
    expect(r.chatService.spec.sections).toEqual({ log: { verbose: 'all' } });
    expect(r.notes.find((n) => n.rule === 'import-ini')).toMatchObject({
      line: 3,
      message:
        'ini-syntax: section header "[log" is missing the closing "]" (read as section [log]: check it)',
    });
  });
});

describe('importIni: what cannot be placed is reported, at its line and column', () => {
  const text = readFixture('import/legacy.ini');
  const result = importIni(parseIni(text), { gmsVersion: '8.5.110.07' });
  const errors = result.notes
    .filter((n) => n.severity === 'error')
    .map((n) => `${n.line}:${n.column} ${n.rule} ${n.message}`);

  it('lists every unplaced thing as an error', () => {
    expect(errors).toEqual([
      '1:1 import-unplaced stray was not imported: it is before the first [section] header (GMS ignores it)',
      '6:1 import-ini ini-duplicate-key: key "_client_timeout_notification" is already set in [chat.Mobile_Chat] at line 5; readers disagree on which value wins (the last value is imported, the earlier one is lost)',
      '7:1 import-ini ini-syntax: expected "key=value", a "[section]" header or a ";" comment, found "this line is garbage" (the line was not imported)',
      '13:2 import-renamed provider "FcmLegacy" is imported as PushProvider fcmlegacy ([push.provider.fcmlegacy]): a PushProvider name is lower-case letters and digits; clients that send push_notification_provider=FcmLegacy must send fcmlegacy',
      '21:1 import-unplaced [connections] chatserver.cs-2 was not imported: the value is not host:port with a port from 1 to 65535',
      '22:1 import-unplaced [connections] other was not imported: [connections] holds only chatserver.<name>=host:port entries',
      '24:1 import-unplaced [server] ssl.keystorePassword was not imported: it is a credential, and spec.sections cannot reference a Secret (keep it out of the YAML; see docs/config.md)',
      '27:1 import-unplaced [my section] x was not imported: section [my section] cannot be written back to GMS INI text (section name may contain only letters, digits, "_", "-", ":" and single dots between them)',
    ]);
    // The credential's value is never copied.
    expect(JSON.stringify(result)).not.toContain('changeit');
    expect(result.unplaced).toBe(errors.length);
  });

  it('keeps the service name for the channel and makes a Kubernetes name', () => {
    expect(result.chatService.metadata.name).toBe('mobile-chat');
    expect(result.chatService.spec.serviceName).toBe('Mobile_Chat');
    expect(result.chatService.spec.options).toEqual({ _client_timeout_notification: 45 });
  });

  it('keeps an unusual pushEnabled verbatim and generates the default provider', () => {
    expect(result.chatService.spec.push).toEqual({
      defaultProvider: 'mobilechatdefault',
      providers: ['fcmlegacy', 'empty'],
      options: { pushEnabled: 'comet, fcm, apns', defaultSubscriptionExpiration: 45 },
    });
    expect(result.notes.find((n) => n.rule === 'import-push-enabled')).toMatchObject({
      severity: 'info',
      line: 9,
      column: 13,
    });
    expect(result.pushProviders.map((p) => [p.metadata.name, p.spec.type])).toEqual([
      ['fcmlegacy', 'fcm'],
      ['empty', 'fcm'],
      ['mobilechatdefault', 'fcm'],
    ]);
  });

  it('places [gms] in spec.gms.options and other sections, empty ones too, in spec.sections', () => {
    expect(result.chatService.spec.gms).toEqual({
      version: '8.5.110.07',
      options: { 'http.connection_timeout': 20 },
    });
    expect(result.chatService.spec.sections).toEqual({
      log: {},
      server: { 'ssl.port': '8443' }, // unknown options stay strings: render gives them back as written
      'client-file-transfer': { 'upload-max-files': 5 },
    });
  });

  it('warns about a provider whose type is a guess and a Chat Server section GMS does not read', () => {
    const warnings = result.notes
      .filter((n) => n.severity === 'warning')
      .map((n) => `${n.line} ${n.rule}`);
    expect(warnings).toContain('15 import-provider');
    expect(warnings).toContain('28 import-section');
    expect(warnings.filter((w) => w.endsWith('import-unplaced'))).toEqual([]);
  });

  it('keeps every catalog option it did not report', () => {
    expectKept(text, result, true);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: for any INI built from catalog options, render(import(x)) keeps each option or the
// import reports it as an error at its position.
// ---------------------------------------------------------------------------------------------

const PLACEABLE: readonly SectionPattern[] = [
  'chat',
  'chat.<service>',
  'push',
  'push.provider.<name>',
  'connections',
  'gms',
  'service.<name>',
  'client-file-transfer',
  'settings',
];
const candidates = OPTIONS.filter((o) => o.sections.some((s) => PLACEABLE.includes(s))).flatMap(
  (o) => expandOptionNames(o).map((name) => ({ option: o, name })),
);

const safeText = fc.stringMatching(/^[A-Za-z0-9%][A-Za-z0-9 %;#=.:/_-]{0,20}[A-Za-z0-9%]$/);
function valueArb(o: (typeof candidates)[number]['option']): fc.Arbitrary<string> {
  if (o.type === 'boolean') return fc.constantFrom('true', 'false');
  if (o.type === 'integer')
    return fc.integer({ min: o.min ?? 0, max: o.max ?? 100000 }).map(String);
  if (o.type === 'list' && o.validValues)
    return fc.subarray([...o.validValues], { minLength: 1 }).map((v) => v.join(','));
  if (o.type === 'enum' && o.validValues) return fc.constantFrom(...o.validValues);
  return safeText;
}

const entryArb = fc.constantFrom(...candidates).chain(({ option, name }) =>
  fc.record({
    pattern: fc.constantFrom(
      ...option.sections.filter(
        (s) => PLACEABLE.includes(s) && !option.forbiddenIn?.some((f) => f.section === s),
      ),
    ),
    key:
      isTemplated(option) && name.includes('<')
        ? fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/).map((n) => name.replace(/<[^>]+>/, n))
        : fc.constant(name),
    value: name.startsWith('chatserver.')
      ? fc.tuple(fc.domain(), fc.integer({ min: 1, max: 65535 })).map(([h, p]) => `${h}:${p}`)
      : valueArb(option),
  }),
);

const iniArb = fc
  .record({
    service: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/),
    providers: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/), { maxLength: 3 }),
    entries: fc.array(fc.tuple(entryArb, fc.nat()), { maxLength: 25 }),
  })
  .map(({ service, providers, entries }) => {
    const config: GmsConfig = new Map();
    for (const [e, pick] of entries) {
      let section: string;
      if (e.pattern === 'chat.<service>') section = `chat.${service}`;
      else if (e.pattern === 'service.<name>') section = `service.${service}`;
      else if (e.pattern === 'push.provider.<name>') {
        if (providers.length === 0) continue;
        section = `push.provider.${providers[pick % providers.length]}`;
      } else section = e.pattern;
      if (!config.has(section)) config.set(section, new Map());
      config.get(section)!.set(e.key, e.value);
    }
    return serializeIni(config);
  });

/**
 * Sections the catalog has no options for (or does not know): every key is passed through, so
 * an INI file with any of them must come back whole. Keys include credential-looking ones
 * (`ssl.keystorePassword`), which the import must report instead of copying.
 */
const CREDENTIAL_LIKE_KEYS = ['ssl.keystorePassword', 'proxy.token', 'api_key'];
const otherSectionArb = fc.record({
  name: fc.constantFrom('log', 'server', 'resources', 'port_restrictions', 'endpoints:1'),
  entries: fc.array(
    fc.tuple(
      fc.oneof(
        fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}(\.[a-z][a-z0-9_-]{0,8}){0,2}$/),
        fc.constantFrom(...CREDENTIAL_LIKE_KEYS),
      ),
      safeText,
    ),
    { maxLength: 5 },
  ),
});

const iniWithOtherSectionsArb = fc
  .tuple(iniArb, fc.array(otherSectionArb, { maxLength: 4 }))
  .map(([text, others]) => {
    const config = configFromIni(parseIni(text));
    for (const o of others) {
      const s = config.get(o.name) ?? new Map<string, string>();
      for (const [k, v] of o.entries) s.set(k, v);
      config.set(o.name, s);
    }
    return serializeIni(config);
  });

describe('importIni: properties', () => {
  it('render(import(x)) keeps every catalog option of x, or the import reports it', () => {
    fc.assert(
      fc.property(iniArb, (text) => {
        const result = importIni(parseIni(text), { gmsVersion: '8.5.219.03' });
        expectKept(text, result, true);
      }),
      { numRuns: 300 },
    );
  });

  it('render(import(x)) keeps every option of x in [gms] and the other sections, or the import reports it', () => {
    fc.assert(
      fc.property(iniWithOtherSectionsArb, (text) => {
        const result = importIni(parseIni(text), { gmsVersion: '8.5.219.03' });
        expectKept(text, result, true, true);
        // Credential-looking keys are reported, never copied into the YAML.
        const yaml = JSON.stringify(result.chatService);
        for (const [section, entries] of configFromIni(parseIni(text)))
          for (const key of entries.keys()) {
            if (!CREDENTIAL_LIKE_KEYS.includes(key)) continue;
            expect(
              result.notes.some(
                (n) => n.severity === 'error' && n.section === section && n.key === key,
              ),
              `[${section}] ${key} reported`,
            ).toBe(true);
            expect(yaml).not.toContain(JSON.stringify(key));
          }
        // Everything else in [gms] and the other sections is placed: no error note names it.
        const placed = (section: string) =>
          !/^(chat|push|connections)(\.|$)/.test(section) && section !== '';
        expect(
          result.notes
            .filter((n) => n.severity === 'error' && n.section !== undefined && placed(n.section))
            .filter((n) => !CREDENTIAL_LIKE_KEYS.includes(n.key ?? ''))
            .map((n) => n.message),
        ).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws and never reports outside the text, on arbitrary almost-INI input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.option(fc.string({ maxLength: 5 }), { nil: undefined }),
        (text, svc) => {
          const r = importIni(parseIni(text), svc === undefined ? {} : { serviceName: svc });
          for (const n of r.notes) expect(n.line).toBeGreaterThanOrEqual(1);
          expect(r.unplaced).toBe(r.notes.filter((n) => n.severity === 'error').length);
        },
      ),
      { numRuns: 500 },
    );
  });
});
