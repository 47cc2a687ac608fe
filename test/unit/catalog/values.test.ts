import { describe, expect, it } from 'vitest';
import { checkOptionValue, checkOptionVersion, findOption } from '../../../src/catalog/index.js';

const opt = (section: string, key: string) => {
  const o = findOption(section, key);
  if (!o) throw new Error(`no ${section}/${key}`);
  return o;
};

describe('option values', () => {
  it('accepts YAML booleans and their strings for boolean options', () => {
    const o = opt('chat', 'enable_notification_mode');
    expect(checkOptionValue(o, true)).toBeUndefined();
    expect(checkOptionValue(o, 'false')).toBeUndefined();
    expect(checkOptionValue(o, 'yes')).toMatch(/expected true or false, got "yes"/);
    expect(checkOptionValue(o, 1)).toMatch(/expected true or false/);
  });

  it('checks integers and their bounds', () => {
    const o = opt('push', 'defaultSubscriptionExpiration');
    expect(checkOptionValue(o, 60)).toBeUndefined();
    expect(checkOptionValue(o, '30')).toBeUndefined();
    expect(checkOptionValue(o, 29)).toMatch(/below the minimum 30 seconds/);
    expect(checkOptionValue(o, '1.5')).toMatch(/expected an integer/);
    expect(checkOptionValue(opt('client-file-transfer', 'upload-max-files'), 1001)).toMatch(
      /above the maximum 1000/,
    );
  });

  it('checks list members of pushEnabled', () => {
    const o = opt('push', 'pushEnabled');
    expect(checkOptionValue(o, 'comet,fcm')).toBeUndefined();
    expect(checkOptionValue(o, 'comet, fcm , ios')).toBeUndefined();
    expect(checkOptionValue(o, 'comet,apns')).toMatch(/"apns" is not valid here/);
  });

  it('checks enums, URLs and patterns', () => {
    expect(checkOptionValue(opt('settings', 'transcript-auto-save'), 1)).toBeUndefined();
    expect(checkOptionValue(opt('settings', 'transcript-auto-save'), 3)).toMatch(/not one of/);
    expect(
      checkOptionValue(opt('push', 'customhttp.url'), 'https://h.example:8443/p'),
    ).toBeUndefined();
    expect(checkOptionValue(opt('push', 'customhttp.url'), 'ftp://x')).toMatch(
      /not an http or https URL/,
    );
    expect(checkOptionValue(opt('push', 'customhttp.url'), 'not a url')).toMatch(/not a valid URL/);
    expect(
      checkOptionValue(opt('chat', 'default_chat_endpoint'), 'Environment:default'),
    ).toBeUndefined();
    expect(checkOptionValue(opt('chat', 'default_chat_endpoint'), 'Environment')).toMatch(
      /<tenant_name>:<chat_endpoint>/,
    );
    expect(
      checkOptionValue(opt('connections', 'chatserver.cs1'), 'chat-1.ns.svc:4125'),
    ).toBeUndefined();
    expect(checkOptionValue(opt('connections', 'chatserver.cs1'), 'chat-1 :4125')).toMatch(
      /<host>:<port>/,
    );
  });

  it('rejects line breaks in any value', () => {
    expect(checkOptionValue(opt('push', 'fcm.title'), 'a\n[gms]')).toMatch(/line break/);
  });
});

describe('option version gates', () => {
  it('gates an option by its introduced version', () => {
    const o = opt('chat.s', 'push_notification_to_active_client');
    expect(checkOptionVersion(o, false, '8.5.219.03')).toEqual([]);
    expect(checkOptionVersion(o, false, '8.5.218.10')[0]?.message).toMatch(
      /introduced in GMS 8\.5\.219\.03/,
    );
  });

  it('gates pushEnabled members by their own versions', () => {
    const o = opt('push', 'pushEnabled');
    expect(checkOptionVersion(o, 'comet,fcm', '8.5.112.05')).toEqual([]);
    const p = checkOptionVersion(o, 'comet,fcm', '8.5.112.04');
    expect(p.map((x) => x.subject)).toEqual(['pushEnabled=fcm']);
    expect(checkOptionVersion(o, 'comet', '8.5.103.09').map((x) => x.required)).toEqual([
      '8.5.103.10',
    ]);
  });

  it('never gates Chat Server options by the GMS version', () => {
    expect(checkOptionVersion(opt('settings', 'flex-push-on-join'), true, '8.5.100')).toEqual([]);
  });
});
