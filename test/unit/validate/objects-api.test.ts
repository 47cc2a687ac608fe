/** validateObjects: the operator's entry point runs the same rules on objects in memory. */
import { describe, expect, it } from 'vitest';
import type { ChatService, PushProvider } from '../../../src/api/types.js';
import { validateObjects } from '../../../src/validate/index.js';

const cs = (spec: Partial<ChatService['spec']> = {}): ChatService => ({
  apiVersion: 'gms.chatops.io/v1alpha1',
  kind: 'ChatService',
  metadata: { name: 'customer-support', namespace: 'contact-center' },
  spec: {
    gms: { version: '8.5.219.03' },
    chatServer: {
      version: '8.5.108.02',
      endpoints: [{ name: 'cs-1', host: 'chat-1.contact-center.svc', port: 4125 }],
    },
    chat: { enable_notification_mode: true },
    ...spec,
  },
});

const fcm: PushProvider = {
  apiVersion: 'gms.chatops.io/v1alpha1',
  kind: 'PushProvider',
  metadata: { name: 'fcmprod', namespace: 'contact-center' },
  spec: { type: 'fcm', fcm: { apiKeySecretRef: { name: 'fcm', key: 'apiKey' } } },
};

describe('validateObjects', () => {
  it('a valid set is clean', () => {
    expect(
      validateObjects({
        chatServices: [cs({ push: { enabled: ['comet', 'fcm'], providers: ['fcmprod'] } })],
        pushProviders: [fcm],
      }),
    ).toEqual([]);
  });

  it('names the object as the file, line 1 column 1, and the field in path', () => {
    const d = validateObjects({
      chatServices: [cs({ options: { enable_notification_mode: true } })],
    });
    expect(d).toEqual([
      {
        file: 'ChatService/contact-center/customer-support',
        line: 1,
        column: 1,
        severity: 'error',
        rule: 'option-placement',
        message: expect.stringContaining('enable_notification_mode'),
        path: 'spec.options.enable_notification_mode',
      },
    ]);
  });

  it('runs the schema and cross-object rules', () => {
    const bad = cs({ push: { enabled: ['comet'], providers: ['missing'] } }) as unknown as Record<
      string,
      unknown
    >;
    (bad.spec as Record<string, unknown>).expose = { mode: 'traefik' };
    const d = validateObjects({ chatServices: [bad] });
    expect(d.map((x) => [x.rule, x.path])).toEqual([
      ['reference', 'spec.push.providers[0]'],
      ['schema', 'spec.expose.mode'],
    ]);
  });

  it('lets the caller lower missing PushProviders to a warning', () => {
    const d = validateObjects(
      { chatServices: [cs({ push: { enabled: ['comet', 'fcm'], providers: ['fcmprod'] } })] },
      { missingProvider: 'warning' },
    );
    expect(d.map((x) => [x.rule, x.severity])).toEqual([['reference', 'warning']]);
  });

  it('words a missing PushProvider for objects read from the cluster, not files', () => {
    // The operator's ConfigValid condition and the webhook's warning: no "given files" there.
    const d = validateObjects({
      chatServices: [
        cs({
          push: { enabled: ['comet', 'fcm'], defaultProvider: 'fcmprod', providers: ['fcmprod'] },
        }),
      ],
    });
    expect(d.map((x) => x.message)).toEqual([
      'spec.push.defaultProvider names PushProvider fcmprod, which does not exist in namespace contact-center',
      'spec.push.providers names PushProvider fcmprod, which does not exist in namespace contact-center',
    ]);
    // gmsctl's wording when asked for it (the default of the file-based engine).
    const files = validateObjects(
      { chatServices: [cs({ push: { enabled: ['comet', 'fcm'], providers: ['fcmprod'] } })] },
      { source: 'files' },
    );
    expect(files.map((x) => x.message)).toEqual([
      'spec.push.providers names PushProvider fcmprod, which is not defined in the given files (namespace contact-center)',
    ]);
  });

  it('checks Secret references against the Secrets given, and never prints their values', () => {
    const withAuth = cs({ auth: { basic: { secretRef: { name: 'chat-basic-auth' } } } });
    const d = validateObjects({
      chatServices: [withAuth],
      secrets: [
        {
          metadata: { name: 'chat-basic-auth', namespace: 'contact-center' },
          data: { username: Buffer.from('u').toString('base64') },
        },
      ],
    });
    expect(d.map((x) => x.message)).toEqual([
      'Secret chat-basic-auth has no key password (it has: username)',
    ]);
  });

  it('words a missing Secret for objects read from the cluster, not files', () => {
    const withAuth = cs({ auth: { basic: { secretRef: { name: 'chat-basic-auth' } } } });
    const other = {
      metadata: { name: 'unrelated', namespace: 'contact-center' },
      data: { k: Buffer.from('v').toString('base64') },
    };
    const d = validateObjects({ chatServices: [withAuth], secrets: [other] });
    expect(d.map((x) => x.message)).toEqual([
      'Secret chat-basic-auth does not exist in namespace contact-center; create it (the credentials of ChatService contact-center/customer-support come from it)',
    ]);
    const files = validateObjects(
      { chatServices: [withAuth], secrets: [other] },
      { source: 'files' },
    );
    expect(files[0]?.message).toMatch(/^Secret chat-basic-auth is not among the given files/);
  });

  it('objects built in code without apiVersion and kind are accepted', () => {
    const { apiVersion: _a, kind: _k, ...bare } = cs();
    expect(validateObjects({ chatServices: [bare as unknown as ChatService] })).toEqual([]);
  });
});
