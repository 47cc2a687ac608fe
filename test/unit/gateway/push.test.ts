import { describe, expect, it } from 'vitest';
import { configFromObject } from '../../../src/config/index.js';
import type {
  ChatEvent,
  ChatNotification,
  PushRegistration,
} from '../../../src/gateway/chat/model.js';
import { buildSettings } from '../../../src/gateway/config/settings.js';
import { decidePush } from '../../../src/gateway/push/dispatcher.js';
import { familyOf } from '../../../src/gateway/push/senders.js';
import { pushText, substitute } from '../../../src/gateway/push/texts.js';

const agent = { nickname: 'Alice', participantId: 2, type: 'Agent' as const };
const ev = (type: ChatEvent['type'], text?: string): ChatEvent & { type: never } =>
  ({
    from: agent,
    index: 3,
    type,
    utcTime: 0,
    ...(text !== undefined ? { text } : {}),
  }) as ChatEvent & { type: never };
const none = (): undefined => undefined;

describe('push texts: the seed table', () => {
  it.each([
    ['ParticipantJoined', 'Chat participants changed', 'Alice joined chat'],
    ['ParticipantLeft', 'Chat participants changed', 'Alice left chat'],
    ['FileUploaded', 'Alice suggests to download file', 'Open app for more info'],
    ['IdleAlert', 'Chat will close soon', 'Please use app if you want to continue'],
    ['IdleClose', 'Chat is over', 'Your chat session was ended due to inactivity'],
  ] as const)('%s: "%s" / "%s"', (type, title, body) => {
    expect(pushText('fcm', ev(type, 'x'), none)).toEqual({ title, body });
  });

  it('Message and PushUrl carry the text itself, never treated as a template', () => {
    expect(pushText('fcm', ev('Message', 'price is 5%s off'), none)).toEqual({
      title: 'Alice sent new message',
      body: 'price is 5%s off',
    });
    expect(pushText('apple', ev('PushUrl', 'http://www.genesys.com'), none)).toEqual({
      title: 'Alice suggests Web page',
      body: 'http://www.genesys.com',
    });
  });

  it('substitutes %s once', () => {
    expect(substitute('%s and %s', 'A')).toBe('A and %s');
    expect(substitute('no placeholder', 'A')).toBe('no placeholder');
    expect(substitute('%s', '$& $1')).toBe('$& $1');
  });
});

describe('push texts: overrides', () => {
  const keys = (o: Record<string, string>) => (k: string) => o[k];

  it('per event beats provider level beats the default (FCM)', () => {
    const lookup = keys({
      'fcm.title': 'New activity',
      'fcm.Message.title': '%s wrote',
      'fcm.body': 'Open the app',
    });
    expect(pushText('fcm', ev('Message', 'hi'), lookup)).toEqual({
      title: 'Alice wrote',
      body: 'Open the app',
    });
    expect(pushText('fcm', ev('ParticipantJoined'), lookup)).toEqual({
      title: 'New activity',
      body: 'Open the app',
    });
  });

  it('Apple uses apple.title and apple.alertMessage.body (and per-event keys); an empty value counts', () => {
    const lookup = keys({ 'apple.title': '', 'apple.IdleClose.alertMessage.body': 'Bye %s' });
    expect(pushText('apple', ev('IdleClose'), lookup)).toEqual({ title: '', body: 'Bye Alice' });
    expect(pushText('apple', ev('IdleAlert'), lookup)).toEqual({
      title: '',
      body: 'Please use app if you want to continue',
    });
  });

  it('custom HTTP: message from customhttp.<Event>.message, then customhttp.message', () => {
    expect(
      pushText(
        'customhttp',
        ev('Message', 'hi'),
        keys({ 'customhttp.Message.message': '%s sent new message' }),
      ).body,
    ).toBe('Alice sent new message');
    expect(
      pushText('customhttp', ev('IdleAlert'), keys({ 'customhttp.message': 'dummy message' })).body,
    ).toBe('dummy message');
  });
});

describe('decidePush', () => {
  const settings = (extra: Record<string, Record<string, string>> = {}, toActive = 'true') =>
    buildSettings(
      configFromObject({
        chat: { enable_notification_mode: 'true' },
        'chat.support': {
          push_notification_to_active_client: toActive,
          push_notification_include_payload: 'true',
        },
        connections: { 'chatserver.cs-1': 'localhost:4125' },
        push: { pushEnabled: 'comet,fcm,customhttp', 'fcm.apiKey': 'K', 'fcm.title': 'push-level' },
        'push.provider.alt': { 'fcm.title': 'provider-level' },
        ...extra,
      }),
    );
  const reg: PushRegistration = { deviceId: 'tok', type: 'fcm', debug: false, language: 'en_US' };
  const n = { chatId: 'C1' } as ChatNotification;

  it('pushes an agent message with the [push] texts and the chat data', () => {
    const d = decidePush(settings(), 'support', ev('Message', 'hi'), reg, false, n);
    expect(d.push).toMatchObject({
      family: 'fcm',
      deviceId: 'tok',
      title: 'push-level',
      body: 'hi',
      data: { chatId: 'C1', service: 'support', event: 'Message', index: '3' },
    });
  });

  it('a provider section overrides [push]', () => {
    expect(
      decidePush(settings(), 'support', ev('Message', 'hi'), { ...reg, provider: 'alt' }, false, n)
        .push?.title,
    ).toBe('provider-level');
  });

  it('skips what must not be pushed, and says why', () => {
    const s = settings();
    expect(decidePush(s, 'support', ev('TypingStarted'), reg, false, n).skip).toBe(
      'not-a-push-event',
    );
    expect(
      decidePush(
        s,
        'support',
        { ...ev('Message', 'x'), from: { nickname: 'J', participantId: 1, type: 'Client' } },
        reg,
        false,
        n,
      ).skip,
    ).toBe('from-client');
    expect(decidePush(s, 'support', ev('Message', 'x'), undefined, false, n).skip).toBe(
      'no-registration',
    );
    expect(
      decidePush(s, 'support', ev('Message', 'x'), { ...reg, type: 'ios' }, false, n).skip,
    ).toBe('type-not-enabled');
    expect(
      decidePush(s, 'support', ev('Message', 'x'), { ...reg, type: 'httpcb' }, false, n).skip,
    ).toBe('unsupported-type');
    expect(
      decidePush(s, 'support', ev('Message', 'x'), { ...reg, provider: 'nope' }, false, n).skip,
    ).toBe('unknown-provider');
  });

  it('push_notification_to_active_client=false: nothing while the CometD session is active', () => {
    const s = settings({}, 'false');
    expect(decidePush(s, 'support', ev('Message', 'x'), reg, true, n).skip).toBe('active-client');
    expect(decidePush(s, 'support', ev('Message', 'x'), reg, false, n).push).toBeDefined();
    expect(decidePush(settings(), 'support', ev('Message', 'x'), reg, true, n).push).toBeDefined();
  });

  it('custom HTTP carries the notification payload with push_notification_include_payload', () => {
    const d = decidePush(
      settings(),
      'support',
      ev('Message', 'x'),
      { ...reg, type: 'customhttp' },
      false,
      n,
    );
    expect(d.push?.payload).toBe(n);
  });

  it('maps push_notification_type to a sender', () => {
    expect(familyOf('ios')).toEqual({ family: 'apple', enabledAs: 'ios' });
    expect(familyOf('gcm')).toBeUndefined();
  });
});
