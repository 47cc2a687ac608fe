import { describe, expect, it } from 'vitest';
import { editDistance, suggestOption, suggestOptions } from '../../../src/catalog/index.js';

describe('did-you-mean', () => {
  it('computes optimal string alignment distances', () => {
    expect(editDistance('title', 'title')).toBe(0);
    expect(editDistance('titel', 'title')).toBe(1); // transposition
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests the option a typo meant, in the same section first', () => {
    expect(suggestOption('enable_notifcation_mode', 'chat')).toMatchObject({
      name: 'enable_notification_mode',
      inSection: true,
    });
    expect(suggestOption('fcm.titel', 'push.provider.x')?.name).toBe('fcm.title');
    expect(suggestOption('pushenabled', 'push')).toMatchObject({
      name: 'pushEnabled',
      distance: 1,
    });
  });

  it('suggests instances of templated options', () => {
    expect(suggestOption('fcm.Mesage.title', 'push')?.name).toBe('fcm.Message.title');
  });

  it('finds a known option written in another section', () => {
    const s = suggestOption('enable_notification_mode', 'chat.customer-support');
    expect(s).toMatchObject({
      name: 'enable_notification_mode',
      distance: 0,
      inSection: false,
      sections: ['chat'],
    });
    const t = suggestOption('push_notification_to_active_clent', 'chat');
    expect(t).toMatchObject({ name: 'push_notification_to_active_client', inSection: false });
  });

  it('accepts a section pattern and no section', () => {
    expect(suggestOption('pushEnabld', 'push')?.inSection).toBe(true);
    expect(suggestOption('pushEnabld')?.name).toBe('pushEnabled');
  });

  it('says nothing when nothing is close', () => {
    expect(suggestOption('completely_unrelated_key', 'chat')).toBeUndefined();
    expect(suggestOption('xyz', 'push')).toBeUndefined();
    expect(suggestOptions('fcm.tite', 'push', 3).length).toBeGreaterThanOrEqual(1);
  });
});
