/**
 * Push senders: FCM (legacy HTTP API with `fcm.apiKey`, the key GMS 8.5 is configured with),
 * Apple (APNs HTTP/2, `apple.keystore` + `apple.keystorePassword` as the TLS client
 * certificate) and custom HTTP (`customhttp.url`, JSON `{deviceId, message}`, domain/gms.md §1.3).
 * Endpoints of FCM and APNs are gateway flags, not INI keys, so tests point them at a local
 * receiver. Failures are logged and counted, not retried (domain/gms.md §2: without
 * GCTI_GMS_PushResend "failures are not resent").
 */
import { readFileSync } from 'node:fs';
import { connect, constants as h2 } from 'node:http2';
import type { Logger } from '../util/log.js';
import type { PushFamily } from './texts.js';

export interface PushEndpoints {
  /** FCM legacy send URL (default https://fcm.googleapis.com/fcm/send). */
  fcm: string;
  /** APNs production origin (default https://api.push.apple.com). */
  apns: string;
  /** APNs development origin, used when push_notification_debug=true (default https://api.sandbox.push.apple.com). */
  apnsSandbox: string;
}

export const DEFAULT_PUSH_ENDPOINTS: PushEndpoints = {
  fcm: 'https://fcm.googleapis.com/fcm/send',
  apns: 'https://api.push.apple.com',
  apnsSandbox: 'https://api.sandbox.push.apple.com',
};

export interface OutgoingPush {
  family: PushFamily;
  deviceId: string;
  debug: boolean;
  title: string;
  body: string;
  /** Small, string-valued data for the app: chat id, event type and index. */
  data: Record<string, string>;
  /** Custom HTTP with push_notification_include_payload=true: the chat event notification. */
  payload?: unknown;
}

/** Credentials and endpoints of the section the push uses (provider, falling back to [push]). */
export interface ProviderConfig {
  option(key: string): string | undefined;
}

export interface PushResult {
  ok: boolean;
  status?: number;
  error?: string;
}

const TIMEOUT_MS = 5000;

async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<PushResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok
      ? { ok: true, status: res.status }
      : { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

export async function sendFcm(
  p: OutgoingPush,
  cfg: ProviderConfig,
  endpoints: PushEndpoints,
): Promise<PushResult> {
  const apiKey = p.debug
    ? (cfg.option('debug.fcm.apiKey') ?? cfg.option('fcm.apiKey'))
    : cfg.option('fcm.apiKey');
  if (!apiKey) return { ok: false, error: 'no fcm.apiKey configured' };
  return postJson(
    endpoints.fcm,
    {
      to: p.deviceId,
      priority: 'high',
      notification: { title: p.title, body: p.body },
      data: p.data,
    },
    { authorization: `key=${apiKey}` },
  );
}

export async function sendCustomHttp(p: OutgoingPush, cfg: ProviderConfig): Promise<PushResult> {
  const url = p.debug
    ? (cfg.option('debug.customhttp.url') ?? cfg.option('customhttp.url'))
    : cfg.option('customhttp.url');
  if (!url) return { ok: false, error: 'no customhttp.url configured' };
  const body: Record<string, unknown> = {
    deviceId: p.deviceId,
    message: p.body,
    title: p.title,
    ...p.data,
  };
  if (p.payload !== undefined) body.payload = p.payload;
  return postJson(url, body, {});
}

export async function sendApple(
  p: OutgoingPush,
  cfg: ProviderConfig,
  endpoints: PushEndpoints,
): Promise<PushResult> {
  const origin = p.debug ? endpoints.apnsSandbox : endpoints.apns;
  const tls: { pfx?: Buffer; passphrase?: string } = {};
  const keystore = cfg.option('apple.keystore');
  if (origin.startsWith('https:')) {
    if (!keystore) return { ok: false, error: 'no apple.keystore configured' };
    try {
      tls.pfx = readFileSync(keystore);
    } catch (e) {
      return {
        ok: false,
        error: `cannot read apple.keystore ${keystore}: ${(e as Error).message}`,
      };
    }
    const pass = cfg.option('apple.keystorePassword');
    if (pass !== undefined) tls.passphrase = pass;
  }
  const aps: Record<string, unknown> = { alert: { title: p.title, body: p.body } };
  const sound = cfg.option('apple.sound');
  if (sound) aps.sound = sound;
  const badge = cfg.option('apple.badge');
  if (badge && /^\d+$/.test(badge)) aps.badge = Number(badge);
  const body = JSON.stringify({ aps, ...p.data });
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: PushResult): void => {
      if (settled) return;
      settled = true;
      session.close();
      resolve(r);
    };
    const session = connect(origin, tls);
    session.on('error', (e) => done({ ok: false, error: e.message }));
    session.setTimeout(TIMEOUT_MS, () => done({ ok: false, error: 'timeout' }));
    const req = session.request({
      [h2.HTTP2_HEADER_METHOD]: 'POST',
      [h2.HTTP2_HEADER_PATH]: `/3/device/${encodeURIComponent(p.deviceId)}`,
      'content-type': 'application/json',
      'apns-push-type': 'alert',
      'apns-priority': '10',
    });
    let status = 0;
    req.on('response', (headers) => {
      status = Number(headers[h2.HTTP2_HEADER_STATUS]);
    });
    req.on('data', () => {});
    req.on('end', () =>
      done(
        status >= 200 && status < 300
          ? { ok: true, status }
          : { ok: false, status, error: `HTTP ${status}` },
      ),
    );
    req.on('error', (e) => done({ ok: false, error: e.message }));
    req.end(body);
  });
}

export type Sender = (
  p: OutgoingPush,
  cfg: ProviderConfig,
  endpoints: PushEndpoints,
) => Promise<PushResult>;

export const SENDERS: Record<PushFamily, Sender> = {
  fcm: sendFcm,
  apple: sendApple,
  customhttp: (p, cfg) => sendCustomHttp(p, cfg),
};

/** push_notification_type -> sender family and the pushEnabled value that must be on. */
export function familyOf(type: string): { family: PushFamily; enabledAs: string } | undefined {
  switch (type) {
    case 'fcm':
      return { family: 'fcm', enabledAs: 'fcm' };
    case 'ios':
      return { family: 'apple', enabledAs: 'ios' };
    case 'customhttp':
      return { family: 'customhttp', enabledAs: 'customhttp' };
    default:
      return undefined;
  }
}

export type { Logger };
