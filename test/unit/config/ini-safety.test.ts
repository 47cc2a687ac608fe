import { describe, expect, it } from 'vitest';
import {
  hostProblem,
  iniValueProblem,
  isSafeHost,
  isSafeIniKey,
  isSafeIniValue,
  isSafeSectionName,
  isValidPort,
  printable,
} from '../../../src/config/ini/safety.js';

describe('isSafeSectionName', () => {
  it.each([
    'chat',
    'chat.customer-support',
    'push.provider.fcmprod',
    'client-file-transfer',
    'endpoints:1',
    'service.request-interaction',
  ])('accepts %s', (name) => expect(isSafeSectionName(name)).toBe(true));
  it.each([
    '',
    'chat.',
    '.chat',
    'chat..x',
    'chat x',
    'chat]',
    '[chat',
    'a;b',
    'a#b',
    'a=b',
    'a"b',
    'a{b',
    'chat\n[push',
    'x'.repeat(201),
  ])('refuses %j', (name) => expect(isSafeSectionName(name)).toBe(false));
});

describe('isSafeIniKey', () => {
  it.each([
    'fcm.title',
    'apple.alertMessage.body',
    '_client_timeout_notification',
    'upload-max-files',
    'chatserver.cs-1',
    'fcm.ParticipantJoined.title',
    'pushEnabled',
  ])('accepts %s', (key) => expect(isSafeIniKey(key)).toBe(true));
  it.each([
    '',
    ';x',
    '#x',
    '[x',
    'a=b',
    'a b',
    'a.',
    '.a',
    'a..b',
    'a:b',
    'a\tb',
    'ключ',
    'a\u0000',
  ])('refuses %j', (key) => expect(isSafeIniKey(key)).toBe(false));
});

describe('isSafeIniValue', () => {
  it.each([
    '',
    'true',
    '%s sent new message',
    'Hello; world # ok',
    'a=b',
    '[not a header]',
    'say "hi"',
    'Zpráva od %s',
    '\u{1F600}',
    'http://chat-1.contact-center.svc:4125/p?q=1#x',
  ])('accepts %j', (v) => expect(isSafeIniValue(v)).toBe(true));

  it.each([
    ['a\nb', 'U+000A'],
    ['a\r[push]', 'U+000D'],
    ['a\u0000', 'U+0000'],
    ['a\u0085', 'U+0085'],
    ['a\u2028', 'U+2028'],
    ['a\tb', 'tab'],
    [' a', 'starts with whitespace'],
    ['a ', 'ends with whitespace'],
    ['a\u00a0', 'ends with whitespace'],
    ['\uFEFFa', 'starts with whitespace'],
    ['"quoted"', 'double quotes'],
    ["'quoted'", 'single quotes'],
    ['\uD800x', 'surrogate'],
    ['x\uDC00', 'surrogate'],
    ['x'.repeat(8193), 'longer than'],
  ])('refuses %j (%s)', (v, why) => {
    expect(isSafeIniValue(v)).toBe(false);
    expect(iniValueProblem(v)).toContain(why);
  });
});

describe('hosts and ports', () => {
  it.each(['chat-1.contact-center.svc', 'localhost', '10.0.0.1', 'a', 'x1.example.com'])(
    'accepts host %s',
    (h) => expect(isSafeHost(h)).toBe(true),
  );
  it.each(['', 'a b', 'a;b', '-a', 'a-', 'a..b', 'host:80', '[::1]', 'a/b', 'x.'])(
    'refuses host %j',
    (h) => {
      expect(isSafeHost(h)).toBe(false);
      expect(hostProblem(h)).toBeDefined();
    },
  );
  it('checks ports', () => {
    expect([1, 4125, 65535].every(isValidPort)).toBe(true);
    expect([0, 65536, 1.5, -1, '80', NaN].some(isValidPort)).toBe(false);
  });
});

describe('printable', () => {
  it('shows control characters and cuts long text', () => {
    expect(printable('a\nb\u0000')).toBe('a<U+000A>b<U+0000>');
    expect(printable('x'.repeat(100), 10)).toBe(`${'x'.repeat(10)}...`);
  });
});
