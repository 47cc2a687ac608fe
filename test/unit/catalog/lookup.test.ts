import { describe, expect, it } from 'vitest';
import {
  OPTIONS,
  SECTION_PATTERNS,
  findOption,
  isCredentialKey,
  optionsForSection,
  optionsNamed,
  placementOf,
  sectionPatternOf,
  takesEffect,
} from '../../../src/catalog/index.js';

describe('catalog contents', () => {
  it('has every option of the seed and domain/gms.md §1 with a source', () => {
    const names = new Set(OPTIONS.map((o) => o.name));
    for (const n of [
      'enable_notification_mode',
      'push_notification_to_active_client',
      'push_notification_include_payload',
      'default_chat_endpoint',
      '_chat_endpoint',
      'enable-fast-chat-transcript-refresh',
      '_agent_timeout_notification_message',
      '_client_timeout_notification',
      '_chat_400_response_on_disconnected',
      '_provider_name',
      'pushEnabled',
      'defaultSubscriptionExpiration',
      'customhttp.url',
      'customhttp.message',
      'debug.customhttp.url',
      'debug.customhttp.message',
      'fcm.apiKey',
      'debug.fcm.apiKey',
      'fcm.title',
      'fcm.body',
      'apple.title',
      'apple.alertMessage.body',
      'apple.keystore',
      'apple.keystorePassword',
      'http.ssl_trust_all',
      'http.use_lax_redirect_strategy',
      'http.connection_timeout',
      'http.socket_timeout',
      'http.max_connections_per_route',
      'http.max_connections_total',
      'upload-max-files',
      'upload-max-file-size',
      'upload-max-total-size',
      'flex-disconnect-timeout',
      'session-restoration-mode',
      'transcript-auto-save',
    ]) {
      expect(names.has(n), n).toBe(true);
    }
    for (const o of OPTIONS) {
      expect(o.source, o.name).toMatch(/^(https:\/\/|docs\/)/);
      expect(o.description.length, o.name).toBeGreaterThan(10);
      expect(o.sections.length, o.name).toBeGreaterThan(0);
      for (const s of o.sections) expect(SECTION_PATTERNS).toContain(s);
    }
  });

  it('has no duplicate (name, section) pairs', () => {
    const seen = new Set<string>();
    for (const o of OPTIONS)
      for (const s of o.sections) {
        const k = `${s}/${o.name}`;
        expect(seen.has(k), k).toBe(false);
        seen.add(k);
      }
  });

  it('keeps seed facts for enable_notification_mode', () => {
    const o = findOption('chat', 'enable_notification_mode')!;
    expect(o).toMatchObject({
      default: 'false',
      type: 'boolean',
      takesEffect: 'restart',
      introduced: '8.5.109.05',
      credential: false,
    });
    expect(o.source).toBe('https://docs.genesys.com/Documentation/GMS/latest/API/ChatAPIv2CometD');
  });

  it('flags UNVERIFIED facts and project conventions', () => {
    for (const n of [
      'customhttp.message',
      'debug.customhttp.url',
      'apple.keystore',
      'http.ssl_trust_all',
    ])
      expect(optionsNamed(n)[0]?.unverified, n).toBeTruthy();
    for (const o of OPTIONS.filter((o) => o.source.startsWith('docs/')))
      expect(o.unverified, o.name).toBeTruthy();
    expect(optionsNamed('fcm.title')[0]?.unverified).toBeUndefined();
  });

  it('normalises takes effect: only documented "Immediately" is immediate', () => {
    expect(takesEffect('chat.support', '_client_timeout_notification')).toBe('immediate');
    expect(takesEffect('push', 'pushEnabled')).toBe('restart');
    expect(takesEffect('gms', 'http.ssl_trust_all')).toBe('restart'); // UNVERIFIED -> restart
    expect(takesEffect('chat', 'no_such_option')).toBe('restart');
    expect(takesEffect('nosuchsection', 'pushEnabled')).toBe('restart');
  });

  it('marks credentials', () => {
    for (const k of [
      'fcm.apiKey',
      'debug.fcm.apiKey',
      'apple.keystore',
      'apple.keystorePassword',
      'auth.basic.password',
    ])
      expect(isCredentialKey(k), k).toBe(true);
    for (const k of ['fcm.title', 'auth.basic.username', 'customhttp.url', 'nope'])
      expect(isCredentialKey(k), k).toBe(false);
  });

  it('gives pushEnabled its members, value gates and modified versions', () => {
    const o = findOption('push', 'pushEnabled')!;
    expect(o.type).toBe('list');
    expect(o.validValues).toEqual(
      expect.arrayContaining([
        'comet',
        'fcm',
        'ios',
        'customhttp',
        'httpcb',
        'orscb',
        'android',
        'gcm',
      ]),
    );
    expect(o.valueIntroduced).toEqual({ comet: '8.5.103.10', fcm: '8.5.112.05' });
    expect(o.modified).toEqual(['8.5.112.05', '8.5.113.10']);
    expect(o.default).toBe('comet');
  });
});

describe('sections', () => {
  it('classifies concrete section names', () => {
    expect(sectionPatternOf('chat')).toBe('chat');
    expect(sectionPatternOf('chat.customer-support')).toBe('chat.<service>');
    expect(sectionPatternOf('push.provider.fcmprod')).toBe('push.provider.<name>');
    expect(sectionPatternOf('push.provider.')).toBeUndefined();
    expect(sectionPatternOf('service.request-chat')).toBe('service.<name>');
    expect(sectionPatternOf('settings')).toBe('settings');
    expect(sectionPatternOf('connections')).toBe('connections');
    expect(sectionPatternOf('cluster')).toBeUndefined();
  });

  it('lists the options of a section', () => {
    const chat = optionsForSection('chat').map((o) => o.name);
    expect(chat).toContain('enable_notification_mode');
    expect(chat).not.toContain('push_notification_to_active_client');
    const provider = optionsForSection('push.provider.<name>').map((o) => o.name);
    expect(provider).toContain('fcm.title');
    expect(provider).toContain('fcm.<Event>.title');
    expect(provider).not.toContain('pushEnabled');
  });
});

describe('placement', () => {
  it('accepts enable_notification_mode in [chat] only, with the documented reason elsewhere', () => {
    expect(placementOf('chat', 'enable_notification_mode').status).toBe('ok');
    const p = placementOf('chat.customer-support', 'enable_notification_mode');
    expect(p.status).toBe('forbidden');
    if (p.status === 'forbidden') expect(p.reason).toMatch(/chat section only/);
    expect(findOption('chat.customer-support', 'enable_notification_mode')).toBeUndefined();
  });

  it('reports a known option in the wrong section with where it belongs', () => {
    const p = placementOf('push', 'push_notification_to_active_client');
    expect(p).toMatchObject({ status: 'misplaced', sections: ['chat.<service>'] });
  });

  it('reports unknown sections and unknown keys with a suggestion', () => {
    expect(placementOf('cluster', 'x').status).toBe('unknown-section');
    const p = placementOf('chat', 'enable_notifcation_mode');
    expect(p.status).toBe('unknown');
    if (p.status === 'unknown') expect(p.suggestion?.name).toBe('enable_notification_mode');
  });
});
