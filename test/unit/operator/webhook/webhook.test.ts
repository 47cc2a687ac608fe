import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PushProvider } from '../../../../src/api/types.js';
import { review } from '../../../../src/operator/webhook/admission.js';
import { describeDiagnostic } from '../../../../src/validate/index.js';
import {
  coversHosts,
  createCa,
  createServingCert,
  needsRenewal,
  signedBy,
  unexpired,
} from '../../../../src/operator/webhook/certs.js';

const cs = (spec: Record<string, unknown>) => ({
  apiVersion: 'gms.chatops.io/v1alpha1',
  kind: 'ChatService',
  metadata: { name: 'support', namespace: 'cc' },
  spec: {
    gms: { version: '8.5.219.03' },
    chatServer: {
      version: '8.5.108.02',
      endpoints: [{ name: 'cs-1', host: 'chat-1', port: 4125 }],
    },
    ...spec,
  },
});

const req = (object: unknown, kind = 'ChatService', operation = 'CREATE') => ({
  uid: 'u-1',
  kind: { group: 'gms.chatops.io', version: 'v1alpha1', kind },
  operation,
  namespace: 'cc',
  name: 'support',
  object: object as Record<string, unknown>,
});

describe('describeDiagnostic', () => {
  const d = (path: string | undefined, message: string) =>
    ({
      file: 'ChatService/cc/support',
      line: 1,
      column: 1,
      severity: 'error',
      rule: 'r',
      message,
      ...(path ? { path } : {}),
    }) as never;

  it('prefixes the path the message does not name', () => {
    expect(describeDiagnostic(d('spec.chat.x', 'expected true or false'))).toBe(
      'spec.chat.x: expected true or false [r]',
    );
    expect(describeDiagnostic(d('spec.expose', 'spec.exposed is close'))).toBe(
      'spec.expose: spec.exposed is close [r]',
    );
    expect(describeDiagnostic(d(undefined, 'no path'))).toBe('no path [r]');
  });

  it('does not repeat a path the message starts with (an index left out)', () => {
    expect(describeDiagnostic(d('spec.expose.image', 'spec.expose.image has no effect'))).toBe(
      'spec.expose.image has no effect [r]',
    );
    expect(describeDiagnostic(d('spec.push.providers[2]', 'spec.push.providers names x'))).toBe(
      'spec.push.providers names x [r]',
    );
    expect(describeDiagnostic(d('spec.gms.version', 'spec.gms.version: too old'))).toBe(
      'spec.gms.version: too old [r]',
    );
  });
});

describe('admission review', () => {
  it('allows a valid ChatService', () => {
    expect(review(req(cs({ chat: { enable_notification_mode: true } })), () => [])).toEqual({
      uid: 'u-1',
      allowed: true,
    });
  });

  it('denies an invalid one with the validator diagnostics and HTTP 422', () => {
    const res = review(req(cs({ chat: { enable_notification_mode: 'maybe' } })), () => []);
    expect(res.allowed).toBe(false);
    expect(res.uid).toBe('u-1');
    expect(res.status?.code).toBe(422);
    expect(res.status?.reason).toBe('Invalid');
    expect(res.status?.message).toContain('enable_notification_mode');
    expect(res.status?.message).toMatch(/ChatService cc\/support is invalid/);
  });

  it('a PushProvider that does not exist yet is a warning, one that exists is checked', () => {
    const spec = {
      push: { enabled: ['comet', 'fcm'], defaultProvider: 'fcmprod', providers: ['fcmprod'] },
    };
    const missing = review(req(cs(spec)), () => []);
    expect(missing.allowed).toBe(true);
    expect(missing.warnings?.join(' ')).toContain('fcmprod');
    // The path once: the message already starts with it.
    expect(missing.warnings).toEqual([
      'spec.push.defaultProvider names PushProvider fcmprod, which does not exist in namespace cc [reference]',
      'spec.push.providers names PushProvider fcmprod, which does not exist in namespace cc [reference]',
    ]);
    const provider = {
      apiVersion: 'gms.chatops.io/v1alpha1',
      kind: 'PushProvider',
      metadata: { name: 'fcmprod', namespace: 'cc' },
      spec: { type: 'fcm', fcm: { apiKeySecretRef: { name: 'fcm', key: 'apiKey' } } },
    } as PushProvider;
    expect(review(req(cs(spec)), () => [provider])).toEqual({ uid: 'u-1', allowed: true });
  });

  it('checks PushProviders, never echoing an inline credential', () => {
    const res = review(
      req(
        {
          apiVersion: 'gms.chatops.io/v1alpha1',
          kind: 'PushProvider',
          metadata: { name: 'p' },
          spec: {
            type: 'fcm',
            fcm: { apiKeySecretRef: { name: 'k', key: 'apiKey' } },
            options: { 'fcm.apiKey': 'SUPER-SECRET' },
          },
        },
        'PushProvider',
      ),
      () => [],
    );
    expect(res.allowed).toBe(false);
    expect(JSON.stringify(res)).not.toContain('SUPER-SECRET');
  });

  it('lets DELETE and other kinds through', () => {
    expect(
      review(
        req(cs({ chat: { enable_notification_mode: 'maybe' } }), 'ChatService', 'DELETE'),
        () => [],
      ).allowed,
    ).toBe(true);
    expect(review(req({ metadata: { name: 'x' } }, 'ConfigMap'), () => []).allowed).toBe(true);
  });
});

describe('webhook certificates', () => {
  const now = Date.UTC(2026, 10, 30);

  it('issues a CA and a serving certificate for DNS names and IPs, verifiable by Node', async () => {
    const ca = await createCa(now, 'test-ca');
    const leaf = await createServingCert(now, ca, [
      'gms-operator-webhook.gms-system.svc',
      '127.0.0.1',
    ]);
    const c = new X509Certificate(leaf.cert);
    expect(c.checkHost('gms-operator-webhook.gms-system.svc')).toBeDefined();
    expect(c.checkIP('127.0.0.1')).toBeDefined();
    expect(c.ca).toBe(false);
    expect(new X509Certificate(ca.cert).ca).toBe(true);
    expect(signedBy(leaf.cert, ca.cert)).toBe(true);
    expect(coversHosts(leaf.cert, ['127.0.0.1', 'gms-operator-webhook.gms-system.svc'])).toBe(true);
    expect(coversHosts(leaf.cert, ['other.svc'])).toBe(false);
    expect(leaf.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('renews after two thirds of the lifetime, and drops expired CAs from a bundle', async () => {
    const ca = await createCa(now, 'test-ca');
    const leaf = await createServingCert(now, ca, ['a.svc']);
    const year = 365 * 24 * 3600 * 1000;
    expect(needsRenewal(leaf.cert, now + 0.6 * year)).toBe(false);
    expect(needsRenewal(leaf.cert, now + 0.7 * year)).toBe(true);
    expect(needsRenewal(undefined, now)).toBe(true);
    expect(needsRenewal('garbage', now)).toBe(true);
    const other = await createCa(now, 'other-ca');
    expect(signedBy(leaf.cert, other.cert)).toBe(false);
    const bundle = ca.cert + other.cert;
    expect(unexpired(bundle, now)).toHaveLength(2);
    expect(unexpired(bundle, now + 6 * year)).toHaveLength(0);
  });
});
