import { describe, expect, it } from 'vitest';
import {
  expandOptionNames,
  findOption,
  instantiate,
  matchTemplate,
  optionsNamed,
  PUSH_EVENT_NAMES,
  takesEffect,
} from '../../../src/catalog/index.js';
import { PUSH_EVENTS } from '../../../src/api/types.js';

describe('templated option names', () => {
  it('matches per-event push texts only for real event names', () => {
    expect(findOption('push.provider.fcmprod', 'fcm.Message.title')?.name).toBe(
      'fcm.<Event>.title',
    );
    expect(findOption('push', 'apple.IdleClose.alertMessage.body')?.name).toBe(
      'apple.<Event>.alertMessage.body',
    );
    expect(findOption('push', 'customhttp.ParticipantJoined.message')?.name).toBe(
      'customhttp.<Event>.message',
    );
    expect(findOption('push', 'fcm.Mesage.title')).toBeUndefined();
    expect(findOption('push', 'fcm.message.title')).toBeUndefined();
    expect(findOption('push', 'fcm..title')).toBeUndefined();
    expect(findOption('chat.x', 'fcm.Message.title')).toBeUndefined();
  });

  it('keeps plain names ahead of templates', () => {
    expect(findOption('push', 'fcm.title')?.name).toBe('fcm.title');
    expect(optionsNamed('fcm.<Event>.title')).toHaveLength(1);
    expect(optionsNamed('fcm.Message.title')[0]?.name).toBe('fcm.<Event>.title');
  });

  it('matches [connections] chatserver.<name> by pattern', () => {
    const o = findOption('connections', 'chatserver.cs-1')!;
    expect(o.name).toBe('chatserver.<name>');
    expect(matchTemplate(o, 'chatserver.cs-1')).toEqual({ name: 'cs-1' });
    expect(matchTemplate(o, 'chatserver.-bad')).toBeUndefined();
    expect(matchTemplate(o, 'chatserver.a b')).toBeUndefined();
    expect(takesEffect('connections', 'chatserver.cs-1')).toBe('restart');
  });

  it('expands closed templates and instantiates with checks', () => {
    const o = findOption('push', 'fcm.Message.body')!;
    expect(expandOptionNames(o)).toEqual(PUSH_EVENT_NAMES.map((e) => `fcm.${e}.body`));
    expect(instantiate(o, { Event: 'IdleAlert' })).toBe('fcm.IdleAlert.body');
    expect(() => instantiate(o, { Event: 'Nope' })).toThrow(/not valid/);
    const c = findOption('connections', 'chatserver.x')!;
    expect(expandOptionNames(c)).toEqual(['chatserver.<name>']);
  });

  it('shares the event list with the API types', () => {
    expect([...PUSH_EVENTS]).toEqual([...PUSH_EVENT_NAMES]);
  });
});
