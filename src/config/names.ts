/**
 * Names the renderer and the importer share: section names, generated keys, file locations and
 * which keys are credentials. Kept in one place so import is the inverse of render.
 */
import { isCredentialKey, looksLikeCredentialKey, optionsNamed } from '../catalog/index.js';

/** Where the node reads its files (DESIGN.md, "Container contract"). */
export const GMS_CONFIG_DIR = '/etc/gms';
export const CONFIG_FILES = {
  static: `${GMS_CONFIG_DIR}/static.ini`,
  dynamic: `${GMS_CONFIG_DIR}/dynamic.ini`,
  secrets: `${GMS_CONFIG_DIR}/secrets.ini`,
} as const;
/** Files mounted from Secrets (Apple keystores) live under this directory, one folder a provider. */
export const SECRET_FILES_DIR = `${GMS_CONFIG_DIR}/secrets`;

export function chatServiceSection(serviceName: string): string {
  return `chat.${serviceName}`;
}

export function providerSection(provider: string): string {
  return `push.provider.${provider}`;
}

export function chatServerKey(name: string): string {
  return `chatserver.${name}`;
}

export function appleKeystorePath(provider: string): string {
  return `${SECRET_FILES_DIR}/${provider}/apple.keystore`;
}

/** The option key a PushProvider event text renders to (project convention, catalog UNVERIFIED). */
export function eventOptionKey(
  type: 'fcm' | 'apple' | 'customhttp',
  event: string,
  field: 'title' | 'body',
): string | undefined {
  if (type === 'fcm') return `fcm.${event}.${field}`;
  if (type === 'apple')
    return field === 'title' ? `apple.${event}.title` : `apple.${event}.alertMessage.body`;
  return field === 'body' ? `customhttp.${event}.message` : undefined;
}

/** Keys the renderer fills from Secret keys; credentials whatever the catalog says. */
export const SECRET_OPTION_KEYS: ReadonlySet<string> = new Set([
  'fcm.apiKey',
  'debug.fcm.apiKey',
  'apple.keystorePassword',
  'auth.basic.password',
]);

/**
 * Whether `key` is a credential: filled from a Secret key, or flagged by the catalog in any
 * section (an `fcm.apiKey` misplaced in [chat.x] is still a secret). `section` is kept for
 * section-specific credentials the catalog may add.
 */
export function isCredentialOption(_section: string, key: string): boolean {
  return SECRET_OPTION_KEYS.has(key) || isCredentialKey(key);
}

/**
 * A key no catalog entry knows whose name looks like a credential (`keystorePassword` in
 * [server], `proxy.token` in [gms]): refused inline like a catalog credential, because an
 * unknown option would otherwise land in the static ConfigMap (catalog looksLikeCredentialKey;
 * the validator reports the same key as inline-credential).
 */
export function isUnknownCredentialLike(key: string): boolean {
  return optionsNamed(key).length === 0 && looksLikeCredentialKey(key);
}
