import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  diff,
  formatChange,
  hasRestartRequired,
  dynamicChanges,
  restartChanges,
  summarizeDiff,
} from '../../../src/config/diff.js';
import { configFromObject, configToObject, type GmsConfig } from '../../../src/config/model.js';
import { render } from '../../../src/config/render.js';
import { loadFixture } from './fixtures.js';

const cfg = configFromObject;

describe('diff', () => {
  it('classifies enable_notification_mode as restart-required', () => {
    const changes = diff(
      cfg({ chat: { enable_notification_mode: 'false' } }),
      cfg({ chat: { enable_notification_mode: 'true' } }),
    );
    expect(changes).toEqual([
      {
        section: 'chat',
        key: 'enable_notification_mode',
        kind: 'changed',
        old: 'false',
        new: 'true',
        effect: 'restart',
      },
    ]);
    expect(hasRestartRequired(changes)).toBe(true);
  });

  it('classifies a dynamic option as dynamic', () => {
    const changes = diff(
      cfg({ 'chat.svc': { _client_timeout_notification: '90' } }),
      cfg({ 'chat.svc': { _client_timeout_notification: '30' } }),
    );
    expect(changes).toEqual([
      {
        section: 'chat.svc',
        key: '_client_timeout_notification',
        kind: 'changed',
        old: '90',
        new: '30',
        effect: 'dynamic',
      },
    ]);
    expect(hasRestartRequired(changes)).toBe(false);
  });

  it('classifies unknown options as restart-required, also when added or removed', () => {
    const changes = diff(cfg({ chat: { mystery_a: '1' } }), cfg({ chat: { mystery_b: '1' } }));
    expect(changes.map((c) => [c.key, c.kind, c.effect])).toEqual([
      ['mystery_a', 'removed', 'restart'],
      ['mystery_b', 'added', 'restart'],
    ]);
  });

  it('uses the section: push_notification_include_payload is dynamic in [chat], an unknown key in [gms] is not', () => {
    const changes = diff(
      cfg({
        chat: { push_notification_include_payload: 'false' },
        gms: { 'http.connection_timeout': '10' },
      }),
      cfg({
        chat: { push_notification_include_payload: 'true' },
        gms: { 'http.connection_timeout': '20' },
      }),
    );
    expect(changes.map((c) => `${c.section}/${c.key}:${c.effect}`)).toEqual([
      'chat/push_notification_include_payload:dynamic',
      'gms/http.connection_timeout:dynamic',
    ]);
  });

  it('returns nothing for equal configs, whatever their order', () => {
    const a = cfg({ chat: { a: '1', b: '2' }, push: { pushEnabled: 'comet' } });
    const b = cfg({ push: { pushEnabled: 'comet' }, chat: { b: '2', a: '1' } });
    expect(diff(a, b)).toEqual([]);
  });

  it('reports an empty section added or removed as a restart-required section change', () => {
    expect(diff(cfg({}), cfg({ 'chat.new': {} }))).toEqual([
      { section: 'chat.new', key: '', kind: 'added', effect: 'restart' },
    ]);
    expect(diff(cfg({ 'push.provider.x': {} }), cfg({}))).toEqual([
      { section: 'push.provider.x', key: '', kind: 'removed', effect: 'restart' },
    ]);
  });

  it('never carries credential values', () => {
    const changes = diff(
      cfg({ push: { 'fcm.apiKey': 'old-secret' } }),
      cfg({ push: { 'fcm.apiKey': 'new-secret' } }),
    );
    expect(changes).toEqual([
      { section: 'push', key: 'fcm.apiKey', kind: 'changed', effect: 'restart', credential: true },
    ]);
    expect(formatChange(changes[0]!)).toBe('~ [push] fcm.apiKey (credential, restart)');
  });

  it('hides the values of unknown keys that look like credentials (a [server] keystore password)', () => {
    const changes = diff(
      cfg({ server: { 'ssl.keystorePassword': 'old-secret', 'ssl.port': '8443' } }),
      cfg({ server: { 'ssl.keystorePassword': 'new-secret', 'ssl.port': '9443' } }),
    );
    expect(changes).toEqual([
      {
        section: 'server',
        key: 'ssl.keystorePassword',
        kind: 'changed',
        effect: 'restart',
        credential: true,
      },
      {
        section: 'server',
        key: 'ssl.port',
        kind: 'changed',
        old: '8443',
        new: '9443',
        effect: 'restart',
      },
    ]);
  });

  it('classifies what spec.gms.options and spec.sections render: [gms] by the catalog, other sections too, unknown keys restart', () => {
    const chatService = (gms: Record<string, string | number | boolean>, log: string) => ({
      apiVersion: 'gms.chatops.io/v1alpha1' as const,
      kind: 'ChatService' as const,
      metadata: { name: 'svc' },
      spec: {
        gms: { version: '8.5.219.03', options: gms },
        chatServer: { version: '8.5.108.02', endpoints: [] },
        sections: {
          log: { verbose: log },
          'service.request-chat': { _chat_endpoint: `Environment:${log}` },
        },
      },
    });
    const a = render(
      chatService({ 'http.socket_timeout': 10, 'http.ssl_trust_all': false }, 'a'),
      [],
    );
    const b = render(
      chatService({ 'http.socket_timeout': 20, 'http.ssl_trust_all': true }, 'b'),
      [],
    );
    expect(diff(a.all, b.all).map((c) => `${c.section}/${c.key}:${c.effect}`)).toEqual([
      'gms/http.socket_timeout:dynamic',
      'gms/http.ssl_trust_all:restart',
      'log/verbose:restart',
      'service.request-chat/_chat_endpoint:dynamic',
    ]);
  });

  it('lists changes in canonical order and summarizes them', () => {
    const changes = diff(
      cfg({
        push: { pushEnabled: 'comet' },
        chat: { enable_notification_mode: 'true' },
        'chat.svc': { _client_timeout_notification: '90' },
      }),
      cfg({
        push: { pushEnabled: 'comet,fcm' },
        'chat.svc': { _client_timeout_notification: '60', x: '1' },
      }),
    );
    expect(changes.map(formatChange)).toEqual([
      '- [chat] enable_notification_mode (was true) (restart)',
      '~ [chat.svc] _client_timeout_notification: 90 -> 60 (dynamic)',
      '+ [chat.svc] x = 1 (restart)',
      '~ [push] pushEnabled: comet -> comet,fcm (restart)',
    ]);
    expect(summarizeDiff(changes)).toEqual({
      total: 4,
      added: 1,
      removed: 1,
      changed: 2,
      dynamic: 1,
      restart: 3,
    });
    expect(dynamicChanges(changes)).toHaveLength(1);
    expect(restartChanges(changes)).toHaveLength(3);
  });

  it('agrees with render: a dynamic-only change leaves static.ini alone', () => {
    const { chatService, providers, secrets } = loadFixture('render/customer-support.yaml');
    const before = render(chatService, providers, secrets);
    const edited = structuredClone(chatService);
    edited.spec.options = { ...edited.spec.options, _client_timeout_notification: 45 };
    const after = render(edited, providers, secrets);
    const changes = diff(before.all, after.all);
    expect(changes).toEqual([
      {
        section: 'chat.customer-support',
        key: '_client_timeout_notification',
        kind: 'changed',
        old: '120',
        new: '45',
        effect: 'dynamic',
      },
    ]);
    expect(diff(before.static, after.static)).toEqual([]);
  });
});

const smallConfig = fc
  .dictionary(
    fc.constantFrom('chat', 'chat.svc', 'push', 'gms'),
    fc.dictionary(
      fc.constantFrom(
        'enable_notification_mode',
        '_client_timeout_notification',
        'fcm.title',
        'fcm.apiKey',
        'x',
      ),
      fc.constantFrom('1', '2', 'true'),
    ),
  )
  .map((o) => configFromObject(o));

function apply(base: GmsConfig, changes: ReturnType<typeof diff>, target: GmsConfig): GmsConfig {
  const out: GmsConfig = new Map([...base].map(([s, e]) => [s, new Map(e)]));
  for (const c of changes) {
    if (c.key === '') {
      if (c.kind === 'added') out.set(c.section, new Map());
      else out.delete(c.section);
      continue;
    }
    const value = c.credential ? target.get(c.section)?.get(c.key) : c.new;
    if (c.kind === 'removed') out.get(c.section)!.delete(c.key);
    else {
      if (!out.has(c.section)) out.set(c.section, new Map());
      out.get(c.section)!.set(c.key, value!);
    }
  }
  for (const [s, e] of [...out]) if (e.size === 0 && !target.has(s)) out.delete(s);
  return out;
}

describe('diff: properties', () => {
  it('diff(a, a) is empty and applying diff(a, b) to a gives b', () => {
    fc.assert(
      fc.property(smallConfig, smallConfig, (a, b) => {
        expect(diff(a, a)).toEqual([]);
        expect(configToObject(apply(a, diff(a, b), b))).toEqual(configToObject(b));
      }),
    );
  });
});
