import { describe, expect, it } from 'vitest';
import { resourceFieldsFor } from '../../../src/api/fields.js';
import { findOption, OPTIONS } from '../../../src/catalog/index.js';

describe('where an option is set from the resources', () => {
  it('maps option maps by section', () => {
    expect(resourceFieldsFor(findOption('chat', 'enable_notification_mode')!)).toEqual([
      'ChatService spec.chat.enable_notification_mode',
    ]);
    expect(resourceFieldsFor(findOption('chat.s', 'push_notification_to_active_client')!)).toEqual([
      'ChatService spec.options.push_notification_to_active_client',
    ]);
    expect(resourceFieldsFor(findOption('push', 'apple.title')!)).toEqual([
      'ChatService spec.push.options."apple.title"',
      'PushProvider spec.options."apple.title"',
    ]);
  });

  it('sends credentials to Secret references only', () => {
    for (const o of OPTIONS.filter((x) => x.credential)) {
      const fields = resourceFieldsFor(o);
      expect(fields.length, o.name).toBeGreaterThan(0);
      expect(
        fields.every((f) => /secretRef/i.test(f)),
        o.name,
      ).toBe(true);
    }
  });

  it('maps per-event texts to spec.events and Chat Server options to nothing', () => {
    const o = findOption('push', 'apple.IdleClose.alertMessage.body')!;
    expect(resourceFieldsFor(o, 'apple.IdleClose.alertMessage.body')[0]).toBe(
      'PushProvider spec.events.IdleClose.body (provider of type apple)',
    );
    // GMS does not read the Chat Server application's sections.
    expect(resourceFieldsFor(findOption('client-file-transfer', 'upload-max-files')!)).toEqual([]);
  });

  it('maps [gms] to spec.gms.options and service sections to spec.sections', () => {
    expect(resourceFieldsFor(findOption('gms', 'http.socket_timeout')!)).toEqual([
      'ChatService spec.gms.options."http.socket_timeout"',
    ]);
    expect(resourceFieldsFor(findOption('service.x', '_provider_name')!)).toEqual([
      'ChatService spec.sections."service.<name>"._provider_name',
    ]);
    // Every GMS option (not the Chat Server's) has a field to be set from.
    for (const o of OPTIONS.filter((x) => x.application !== 'chat-server'))
      expect(resourceFieldsFor(o).length, o.name).toBeGreaterThan(0);
  });
});
