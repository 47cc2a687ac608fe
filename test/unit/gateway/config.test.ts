import { describe, expect, it } from 'vitest';
import { configFromObject } from '../../../src/config/index.js';
import {
  DEFAULT_FILE_LIMITS,
  extensionOf,
  limitsReport,
  parseFileLimits,
} from '../../../src/gateway/chat-server/limits.js';
import { originKey } from '../../../src/gateway/config/load.js';
import { describeChange, planReload } from '../../../src/gateway/config/reload.js';
import { buildSettings, pushOption } from '../../../src/gateway/config/settings.js';
import { serviceOfChannel } from '../../../src/gateway/cometd/endpoint.js';
import { compareVersions } from '../../../src/gateway/chat/versions.js';

const base = {
  chat: { enable_notification_mode: 'true' },
  'chat.customer-support': {
    push_notification_to_active_client: 'false',
    'auth.basic.username': 'u',
    'auth.basic.password': 'p',
  },
  connections: {
    'chatserver.cs-1': 'chat-1.contact-center.svc:4125',
    'chatserver.cs-2': '127.0.0.1:4126',
  },
  push: { pushEnabled: 'comet, FCM ,customhttp', 'fcm.title': 'T' },
  'push.provider.fcmprod': { 'fcm.body': 'B' },
};

describe('buildSettings', () => {
  it('reads services, auth, Chat Servers, push types and providers', () => {
    const s = buildSettings(configFromObject(base));
    expect(s.notificationMode).toBe(true);
    expect(s.services.get('customer-support')).toEqual({
      name: 'customer-support',
      pushToActiveClient: false,
      includePayload: false,
      basicAuth: { username: 'u', password: 'p' },
    });
    expect(s.chatServers).toEqual([
      { name: 'cs-1', host: 'chat-1.contact-center.svc', port: 4125 },
      { name: 'cs-2', host: '127.0.0.1', port: 4126 },
    ]);
    expect([...s.pushEnabled]).toEqual(['comet', 'fcm', 'customhttp']);
    expect([...s.providers]).toEqual(['fcmprod']);
    expect(pushOption(s, 'fcmprod', 'fcm.body')).toBe('B');
    expect(pushOption(s, 'fcmprod', 'fcm.title')).toBe('T');
    expect(pushOption(s, undefined, 'fcm.body')).toBeUndefined();
  });

  it('reports every bad value with file:line:col', () => {
    const origins = new Map([
      [
        originKey('chat', 'enable_notification_mode'),
        { file: '/etc/gms/static.ini', line: 3, column: 26 },
      ],
    ]);
    expect(() =>
      buildSettings(
        configFromObject({ ...base, chat: { enable_notification_mode: 'yes' } }),
        origins,
      ),
    ).toThrow(
      '/etc/gms/static.ini:3:26: [chat] enable_notification_mode=yes: must be true or false',
    );
    expect(() =>
      buildSettings(
        configFromObject({ ...base, connections: { 'chatserver.cs-1': 'host;rm -rf' } }),
      ),
    ).toThrow(/must be <host>:<port>/);
    expect(() => buildSettings(configFromObject({ ...base, connections: {} }))).toThrow(
      /needs at least one Chat Server/,
    );
    expect(() =>
      buildSettings(
        configFromObject({ ...base, 'chat.customer-support': { 'auth.basic.username': 'u' } }),
      ),
    ).toThrow(/auth.basic.password is missing/);
    expect(() =>
      buildSettings(configFromObject({ ...base, 'chat.x': { enable_notification_mode: 'true' } })),
    ).toThrow(/chat section only/);
  });

  it('without notification mode no Chat Server is needed', () => {
    expect(buildSettings(configFromObject({ 'chat.a': {} })).notificationMode).toBe(false);
  });
});

describe('planReload', () => {
  const current = configFromObject({
    ...base,
    'chat.customer-support': {
      ...base['chat.customer-support'],
      push_notification_include_payload: 'false',
    },
  });

  it('applies options that take effect immediately and refuses restart-required ones, keeping their old value', () => {
    const next = configFromObject({
      ...base,
      chat: { enable_notification_mode: 'false' },
      'chat.customer-support': {
        ...base['chat.customer-support'],
        push_notification_include_payload: 'true',
      },
    });
    const plan = planReload(current, next);
    expect(plan.applied).toEqual([
      {
        section: 'chat.customer-support',
        key: 'push_notification_include_payload',
        from: 'false',
        to: 'true',
      },
    ]);
    expect(plan.refused.map((r) => `${r.section}/${r.key}`)).toEqual([
      'chat/enable_notification_mode',
    ]);
    expect(plan.effective.get('chat')?.get('enable_notification_mode')).toBe('true');
    expect(
      plan.effective.get('chat.customer-support')?.get('push_notification_include_payload'),
    ).toBe('true');
  });

  it('a new or removed chat service, provider or connection needs a restart', () => {
    const next = configFromObject({
      ...base,
      'chat.new-service': {},
      'push.provider.x': { 'fcm.title': 't' },
    });
    const plan = planReload(current, next);
    expect(plan.refused.map((r) => r.reason)).toEqual([
      expect.stringMatching(/added: needs a restart/),
      expect.stringMatching(/added: needs a restart/),
    ]);
    expect(plan.effective.has('chat.new-service')).toBe(false);
    expect(plan.effective.has('push.provider.x')).toBe(false);
  });

  it('unknown options count as restart-required; credentials never show in logs', () => {
    const next = configFromObject({
      ...base,
      push: { ...base.push, 'made.up': 'x' },
      'chat.customer-support': { ...base['chat.customer-support'], 'auth.basic.password': 'new' },
    });
    const plan = planReload(current, next);
    expect(plan.refused.map((r) => r.key).sort()).toEqual(['auth.basic.password', 'made.up']);
    // Removing a dynamic option applies: the node falls back to the default.
    expect(plan.applied).toEqual([
      { section: 'chat.customer-support', key: 'push_notification_include_payload', from: 'false' },
    ]);
    const pw = plan.refused.find((r) => r.key === 'auth.basic.password');
    expect(describeChange(pw!)).toBe(
      '[chat.customer-support] auth.basic.password: (secret) -> (secret)',
    );
  });
});

describe('file limits', () => {
  it('parses [client-file-transfer] with S6 bounds', () => {
    expect(
      parseFileLimits({
        'upload-max-files': '5',
        'upload-file-types': 'PNG:jpg',
        'upload-need-agent': 'false',
      }),
    ).toMatchObject({ uploadMaxFiles: 5, uploadFileTypes: ['png', 'jpg'], uploadNeedAgent: false });
    expect(() => parseFileLimits({ 'upload-max-files': '1001' })).toThrow(/0 to 1000/);
    expect(() => parseFileLimits({ 'upload-max-file-size': '-1' })).toThrow(/upload-max-file-size/);
    expect(() => parseFileLimits({ 'upload-file-types': 'png:../x' })).toThrow(
      /not a file extension/,
    );
    expect(() => parseFileLimits({ 'upload-need-agent': 'yes' })).toThrow(/true or false/);
  });

  it('reports the seed fileGetLimits keys, all strings', () => {
    const r = limitsReport(DEFAULT_FILE_LIMITS, {
      uploadedFiles: 0,
      uploadedBytes: 0,
      downloads: 0,
    });
    expect(r).toEqual({
      'download-attempts': '10',
      'upload-max-files': '3',
      'delete-file': 'false',
      'upload-max-file-size': '2097152',
      'used-download-attempts': '0',
      'used-upload-max-total-size': '0',
      'upload-need-agent': 'true',
      'used-upload-max-files': '0',
      'upload-max-total-size': '5242880',
      'upload-file-types': 'bmp:csv:doc:docx:gif:htm:jpg:pdf:png:ppt:pptx:tif:txt:xls:xlsx',
    });
  });

  it('takes the extension of the last path segment only', () => {
    expect(extensionOf('C:\\fakepath\\invoice.PDF')).toBe('pdf');
    expect(extensionOf('../../etc/passwd')).toBe('');
    expect(extensionOf('.bashrc')).toBe('');
    expect(extensionOf('a.tar.gz')).toBe('gz');
  });
});

describe('misc', () => {
  it('recognises chat channels', () => {
    expect(serviceOfChannel('/service/chatV2/customer-support')).toBe('customer-support');
    expect(serviceOfChannel('/service/chatV2/a/b')).toBeUndefined();
    expect(serviceOfChannel('/service/chatV2/')).toBeUndefined();
    expect(serviceOfChannel('/chat/x')).toBeUndefined();
  });

  it('compares versions numerically', () => {
    expect(compareVersions('8.5.201.04', '8.5.201.04')).toBe(0);
    expect(compareVersions('8.5.112', '8.5.109.05')).toBeGreaterThan(0);
    expect(compareVersions('8.5.108.02', '8.5.108')).toBeGreaterThan(0);
    expect(compareVersions('8.5.107.03', '8.5.108')).toBeLessThan(0);
  });
});
