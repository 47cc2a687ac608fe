/** gmsctl explain and gmsctl options (src/cli/commands/{explain,options}.ts). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  command as explainCommand,
  explain,
  formatExplanation,
  parseExplainQuery,
  unknownMessage,
} from '../../../src/cli/commands/explain.js';
import {
  command as optionsCommand,
  formatOptionsTable,
  sectionArg,
  selectOptions,
} from '../../../src/cli/commands/options.js';
import { UsageError } from '../../../src/cli/command.js';

function capture() {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  return { out: () => out, err: () => err };
}

afterEach(() => vi.restoreAllMocks());

describe('explain: reading the option name', () => {
  it('accepts key, section.key, [section] key and --section', () => {
    expect(parseExplainQuery('fcm.title')).toEqual({ key: 'fcm.title' });
    expect(parseExplainQuery('push.fcm.title')).toEqual({ section: 'push', key: 'fcm.title' });
    expect(parseExplainQuery('[push] fcm.title')).toEqual({ section: 'push', key: 'fcm.title' });
    expect(parseExplainQuery('[push.provider.fcmprod]fcm.Message.title')).toEqual({
      section: 'push.provider.fcmprod',
      key: 'fcm.Message.title',
    });
    expect(parseExplainQuery('fcm.title', '[push]')).toEqual({ section: 'push', key: 'fcm.title' });
    expect(parseExplainQuery('chat.customer-support.push_notification_to_active_client')).toEqual({
      section: 'chat.customer-support',
      key: 'push_notification_to_active_client',
    });
    expect(parseExplainQuery('push.provider.fcmprod.fcm.body')).toEqual({
      section: 'push.provider.fcmprod',
      key: 'fcm.body',
    });
  });

  it('refuses empty names', () => {
    expect(() => parseExplainQuery('  ')).toThrow(UsageError);
    expect(() => parseExplainQuery('[push]')).toThrow(/no option name/);
  });
});

describe('explain: the entry', () => {
  it('prints the catalog facts and where to set the option', () => {
    const e = explain(parseExplainQuery('enable_notification_mode'))!;
    const text = formatExplanation(e);
    expect(text).toMatch(/^enable_notification_mode {2}\(GMS option\)/);
    expect(text).toContain('Default:       false');
    expect(text).toContain('Takes effect:  after restart');
    expect(text).toContain('Introduced:    GMS 8.5.109.05');
    expect(text).toContain('ChatService spec.chat.enable_notification_mode');
    expect(text).toContain('Enables the notification mode for the Chat V2 CometD API');
  });

  it('says when the option is not allowed in the section asked for', () => {
    const e = explain(parseExplainQuery('[chat.support] enable_notification_mode'))!;
    expect(e.placement?.status).toBe('forbidden');
    expect(formatExplanation(e)).toMatch(
      /! not allowed in \[chat.support\]: it "is defined in the chat section only/,
    );
    const m = explain({ section: 'push', key: 'push_notification_to_active_client' })!;
    expect(m.placement?.message).toMatch(/belongs in \[chat.<service>\]/);
  });

  it('explains template instances, credentials and UNVERIFIED entries', () => {
    const t = formatExplanation(explain({ section: 'push.provider.p', key: 'fcm.Message.title' })!);
    expect(t).toMatch(/^fcm\.Message\.title \(fcm\.<Event>\.title\) {2}\(GMS option, UNVERIFIED\)/);
    expect(t).toContain('PushProvider spec.events.Message.title');
    const c = explain({ key: 'fcm.apiKey' })!;
    expect(c.resourceFields).toEqual(['PushProvider spec.fcm.apiKeySecretRef (Secret key)']);
    expect(formatExplanation(c)).toContain('Credential:    yes');
  });

  it('suggests the nearest option for unknown names', () => {
    expect(explain({ key: 'fcm.titel' })).toBeUndefined();
    expect(unknownMessage({ key: 'fcm.titel' })).toMatch(
      /did you mean fcm.title \(\[push\], \[push.provider.<name>\]\)/,
    );
    expect(unknownMessage({ key: 'zzzzzz' })).not.toMatch(/did you mean/);
  });

  it('runs: 0 with the entry, 2 with a did-you-mean, JSON on request', async () => {
    let io = capture();
    expect(await explainCommand.run({ _: ['[push]', 'fcm.title'], format: 'text' })).toBe(0);
    expect(io.out()).toContain('Firebase Cloud Messaging title');
    vi.restoreAllMocks();
    io = capture();
    expect(await explainCommand.run({ _: ['enable_notifcation_mode'], format: 'text' })).toBe(2);
    expect(io.err()).toMatch(
      /unknown option "enable_notifcation_mode"; did you mean enable_notification_mode/,
    );
    vi.restoreAllMocks();
    io = capture();
    expect(await explainCommand.run({ _: ['pushEnabled'], format: 'json' })).toBe(0);
    const json = JSON.parse(io.out());
    expect(json.option.valueIntroduced).toEqual({ comet: '8.5.103.10', fcm: '8.5.112.05' });
    vi.restoreAllMocks();
    io = capture();
    expect(await explainCommand.run({ _: ['websocket'], format: 'text' })).toBe(0);
    expect(io.out()).toContain('GMS:           8.5.110+');
  });
});

describe('options', () => {
  it('reads section names, patterns and bracketed forms', () => {
    expect(sectionArg('chat.customer-support')).toBe('chat.<service>');
    expect(sectionArg('[push]')).toBe('push');
    expect(sectionArg('push.provider.<name>')).toBe('push.provider.<name>');
    expect(() => sectionArg('cluster')).toThrow(
      /unknown section "cluster"; known sections: \[chat\]/,
    );
  });

  it('filters by section and by UNVERIFIED', () => {
    const chat = selectOptions({ section: 'chat' }).flatMap((g) => g.options.map((o) => o.name));
    expect(chat).toContain('enable_notification_mode');
    expect(chat).not.toContain('pushEnabled');
    const unverified = selectOptions({ unverifiedOnly: true }).flatMap((g) => g.options);
    expect(unverified.length).toBeGreaterThan(5);
    expect(unverified.every((o) => o.unverified)).toBe(true);
  });

  it('prints an aligned table with flags', () => {
    const text = formatOptionsTable(selectOptions({ section: 'push' }));
    const header = text.split('\n').find((l) => l.startsWith('NAME'))!;
    const row = text.split('\n').find((l) => l.startsWith('fcm.apiKey'))!;
    expect(row.indexOf('[push]')).toBe(header.indexOf('SECTIONS'));
    expect(row).toMatch(/credential$/);
    expect(text).toMatch(/\d+ options; `gmsctl explain <option>` for details\.\n$/);
  });

  it('runs: JSON is the catalog entries', async () => {
    const io = capture();
    expect(await optionsCommand.run({ section: 'chat', format: 'json', unverified: false })).toBe(
      0,
    );
    const list = JSON.parse(io.out()) as { name: string }[];
    expect(list.map((o) => o.name)).toContain('enable_notification_mode');
  });
});
