import { describe, expect, it } from 'vitest';
import { ChatError, ErrorCode } from '../../../src/gateway/chat/errors.js';
import {
  parseAuth,
  parseRequest,
  parseUserData,
  pushRegistrationOf,
} from '../../../src/gateway/chat/requests.js';

const V = '8.5.219.03';

function code(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ChatError) return e.code;
    throw e;
  }
  return undefined;
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('parseRequest: requestChat', () => {
  it('takes the seed example (firstName + lastName, subject, userData object)', () => {
    const r = parseRequest(
      {
        operation: 'requestChat',
        firstName: 'Joan',
        lastName: 'Smith',
        subject: 'Savings Account',
        userData: { key1: 'value1', key2: 'value2' },
      },
      V,
    );
    expect(r).toMatchObject({
      operation: 'requestChat',
      nickname: 'Joan Smith',
      subject: 'Savings Account',
      userData: { key1: 'value1', key2: 'value2' },
    });
  });

  it('prefers nickname and accepts userData as a JSON-formatted string', () => {
    const r = parseRequest(
      { operation: 'requestChat', nickname: 'JohnDoe', userData: '{"a":"1","n":2,"b":true}' },
      V,
    );
    expect(r).toMatchObject({ nickname: 'JohnDoe', userData: { a: '1', n: '2', b: 'true' } });
  });

  it('needs a nickname or both names', () => {
    expect(code(() => parseRequest({ operation: 'requestChat', firstName: 'Joan' }, V))).toBe(
      ErrorCode.InvalidParameter,
    );
    expect(message(() => parseRequest({ operation: 'requestChat' }, V))).toMatch(
      /nickname.*firstName.*lastName/,
    );
  });

  it('refuses bad shapes with the parameter named', () => {
    expect(message(() => parseRequest({ operation: 'requestChat', nickname: 5 }, V))).toMatch(
      /"nickname" must be a string/,
    );
    expect(
      message(() => parseRequest({ operation: 'requestChat', nickname: 'a', userData: '{bad' }, V)),
    ).toMatch(/userData.*not valid JSON/);
    expect(
      message(() =>
        parseRequest(
          { operation: 'requestChat', nickname: 'a', userData: { k: { nested: 1 } } },
          V,
        ),
      ),
    ).toMatch(/userData\["k"\]/);
    expect(
      message(() =>
        parseRequest({ operation: 'requestChat', nickname: 'a', emailAddress: 'nope' }, V),
      ),
    ).toMatch(/emailAddress/);
    expect(
      message(() => parseRequest({ operation: 'requestChat', nickname: 'a\u0000b' }, V)),
    ).toMatch(/control characters/);
    expect(
      message(() => parseRequest({ operation: 'requestChat', nickname: 'x'.repeat(300) }, V)),
    ).toMatch(/longer than 256/);
  });

  it('reads push_notification_* user data (8.5.114+) and ignores it before', () => {
    const userData = {
      push_notification_deviceid: 'tok',
      push_notification_type: 'fcm',
      push_notification_debug: 'true',
      push_notification_provider: 'fcmprod',
    };
    const r = parseRequest({ operation: 'requestChat', nickname: 'a', userData }, V);
    expect(r.operation === 'requestChat' && r.push).toEqual({
      deviceId: 'tok',
      type: 'fcm',
      debug: true,
      language: 'en_US',
      provider: 'fcmprod',
    });
    const old = parseRequest({ operation: 'requestChat', nickname: 'a', userData }, '8.5.112.05');
    expect(old.operation === 'requestChat' && old.push).toBeUndefined();
  });

  it('takes open and encoded auth', () => {
    const open = parseRequest(
      { operation: 'requestChat', nickname: 'a', auth: { username: 'user1', password: 'pass1' } },
      V,
    );
    const enc = parseRequest(
      { operation: 'requestChat', nickname: 'a', auth: { encoded: 'dXNlcjE6cGFzczE=' } },
      V,
    );
    expect(open.operation === 'requestChat' && open.auth).toEqual({
      username: 'user1',
      password: 'pass1',
    });
    expect(enc.operation === 'requestChat' && enc.auth).toEqual({
      username: 'user1',
      password: 'pass1',
    });
  });
});

describe('parseRequest: the other ten operations', () => {
  const ids = {
    secureKey: '4ee15d7e1c343c8e',
    chatId: '00048aAPEQJ8000U',
    userId: '007555677B20000A',
    alias: '117',
  };

  it('requestNotifications: transcriptPosition as string or number, default 0 (all events)', () => {
    expect(
      parseRequest({ operation: 'requestNotifications', ...ids, transcriptPosition: '2' }, V),
    ).toMatchObject({ transcriptPosition: 2, secureKey: ids.secureKey, alias: '117' });
    expect(parseRequest({ operation: 'requestNotifications', secureKey: 'abc' }, V)).toMatchObject({
      transcriptPosition: 0,
    });
    expect(
      code(() =>
        parseRequest(
          { operation: 'requestNotifications', secureKey: 'abc', transcriptPosition: -1 },
          V,
        ),
      ),
    ).toBe(ErrorCode.InvalidParameter);
  });

  it('every session operation needs secureKey; chatId/userId/alias (deprecated) are optional', () => {
    for (const operation of [
      'sendMessage',
      'startTyping',
      'stopTyping',
      'disconnect',
      'pushUrl',
      'updateNickname',
      'customNotice',
      'updateData',
      'readReceipt',
    ])
      expect(
        message(() =>
          parseRequest(
            { operation, message: 'm', pushUrl: 'http://x', nickname: 'n', transcriptPosition: 1 },
            V,
          ),
        ),
      ).toMatch(/"secureKey" is required/);
    expect(parseRequest({ operation: 'disconnect', secureKey: 'k1' }, V)).toEqual({
      operation: 'disconnect',
      secureKey: 'k1',
    });
    expect(code(() => parseRequest({ operation: 'disconnect', secureKey: '../etc' }, V))).toBe(
      ErrorCode.InvalidParameter,
    );
  });

  it('sendMessage needs a non-empty message; messageType is kept', () => {
    expect(
      parseRequest(
        { operation: 'sendMessage', ...ids, message: 'Hello, ...', messageType: 'text' },
        V,
      ),
    ).toMatchObject({ message: 'Hello, ...', messageType: 'text' });
    expect(
      message(() => parseRequest({ operation: 'sendMessage', ...ids, message: '  ' }, V)),
    ).toMatch(/must not be empty/);
  });

  it('readReceipt needs GMS 8.5.201.04 and a transcriptPosition', () => {
    expect(
      parseRequest({ operation: 'readReceipt', secureKey: 'k', transcriptPosition: '5' }, V),
    ).toMatchObject({ transcriptPosition: 5 });
    expect(
      code(() =>
        parseRequest(
          { operation: 'readReceipt', secureKey: 'k', transcriptPosition: 5 },
          '8.5.112.05',
        ),
      ),
    ).toBe(ErrorCode.NotSupportedByVersion);
    expect(message(() => parseRequest({ operation: 'readReceipt', secureKey: 'k' }, V))).toMatch(
      /"transcriptPosition" is required/,
    );
  });

  it('typing, customNotice: optional message; updateNickname: required nickname; updateData: userData', () => {
    expect(
      parseRequest({ operation: 'startTyping', secureKey: 'k', message: 'hello, I ha' }, V),
    ).toMatchObject({ operation: 'startTyping', message: 'hello, I ha' });
    expect(parseRequest({ operation: 'stopTyping', secureKey: 'k' }, V)).toEqual({
      operation: 'stopTyping',
      secureKey: 'k',
    });
    expect(
      parseRequest({ operation: 'customNotice', secureKey: 'k', message: 'ORDER UPDATE' }, V),
    ).toMatchObject({ message: 'ORDER UPDATE' });
    expect(
      parseRequest({ operation: 'updateNickname', secureKey: 'k', nickname: ' MyNewNickname ' }, V),
    ).toMatchObject({ nickname: 'MyNewNickname' });
    expect(
      parseRequest({ operation: 'updateData', secureKey: 'k', userData: { key3: 'value3' } }, V),
    ).toMatchObject({ userData: { key3: 'value3' } });
  });

  it('pushUrl accepts web pages only', () => {
    expect(
      parseRequest({ operation: 'pushUrl', secureKey: 'k', pushUrl: 'http://www.genesys.com' }, V),
    ).toMatchObject({ pushUrl: 'http://www.genesys.com' });
    expect(
      message(() =>
        parseRequest({ operation: 'pushUrl', secureKey: 'k', pushUrl: 'javascript:alert(1)' }, V),
      ),
    ).toMatch(/http or https/);
    expect(
      message(() =>
        parseRequest({ operation: 'pushUrl', secureKey: 'k', pushUrl: 'not a url' }, V),
      ),
    ).toMatch(/not a URL/);
  });

  it('an unknown or missing operation is named in the error', () => {
    expect(code(() => parseRequest({ operation: 'bogus' }, V))).toBe(ErrorCode.UnknownOperation);
    expect(message(() => parseRequest({ operation: 'bogus' }, V))).toMatch(
      /unknown operation "bogus"; expected one of requestChat/,
    );
    expect(code(() => parseRequest({}, V))).toBe(ErrorCode.UnknownOperation);
    expect(code(() => parseRequest('text', V))).toBe(ErrorCode.InvalidParameter);
  });
});

describe('user data and push registration', () => {
  it('refuses prototype keys and oversized data', () => {
    expect(message(() => parseUserData(JSON.parse('{"__proto__":"x"}')))).toMatch(/reserved/);
    expect(message(() => parseUserData({ k: 'x'.repeat(5000) }))).toMatch(/longer than 4096/);
  });

  it('deviceid and type come together; provider is letters and digits', () => {
    expect(pushRegistrationOf({})).toBeUndefined();
    expect(code(() => pushRegistrationOf({ push_notification_type: 'fcm' }))).toBe(
      ErrorCode.InvalidPushRegistration,
    );
    expect(code(() => pushRegistrationOf({ push_notification_deviceid: 'x' }))).toBe(
      ErrorCode.InvalidPushRegistration,
    );
    expect(
      message(() =>
        pushRegistrationOf({
          push_notification_deviceid: 'x',
          push_notification_type: 'fcm',
          push_notification_provider: 'fcm-prod',
        }),
      ),
    ).toMatch(/letters and digits/);
    expect(
      message(() =>
        pushRegistrationOf({
          push_notification_deviceid: 'x',
          push_notification_type: 'fcm',
          push_notification_debug: 'yes',
        }),
      ),
    ).toMatch(/true or false/);
  });

  it('auth: encoded must decode to user:password', () => {
    expect(code(() => parseAuth({ encoded: Buffer.from('nocolon').toString('base64') }))).toBe(
      ErrorCode.AuthenticationFailed,
    );
    expect(code(() => parseAuth({ username: 'u' }))).toBe(ErrorCode.AuthenticationFailed);
    expect(parseAuth(undefined)).toBeUndefined();
    expect(parseAuth({ encoded: Buffer.from('u:p:q').toString('base64') })).toEqual({
      username: 'u',
      password: 'p:q',
    });
  });
});
