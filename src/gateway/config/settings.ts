/**
 * The gateway's typed view of a node's configuration (gms.ini or the three contract files):
 * which chat services exist, how they authenticate, where the Chat Servers are, which push
 * types are on. Rebuilt after every accepted reload; nothing caches option values elsewhere.
 */
import {
  CHAT_SERVER_NAME_PATTERN,
  HOST_PORT_PATTERN,
  SERVICE_NAME_PATTERN,
} from '../../catalog/index.js';
import type { GmsConfig } from '../../config/index.js';
import type { ChatServerEndpoint } from '../chatserver/connection.js';
import { originKey, type Origin } from './load.js';

export interface ServiceSettings {
  name: string;
  /** Seed "Authentication": requestChat must carry these credentials when set. */
  basicAuth?: { username: string; password: string };
  /** push_notification_to_active_client (default true, 8.5.219.03). */
  pushToActiveClient: boolean;
  /** push_notification_include_payload (default false): chat event payload in custom HTTP pushes. */
  includePayload: boolean;
}

export interface GatewaySettings {
  /** [chat] enable_notification_mode: the CometD API and the Chat Server connections. */
  notificationMode: boolean;
  services: Map<string, ServiceSettings>;
  chatServers: ChatServerEndpoint[];
  /** [push] pushEnabled, lower case. */
  pushEnabled: Set<string>;
  /** Provider sections present ([push.provider.<name>]). */
  providers: Set<string>;
  config: GmsConfig;
}

export class SettingsError extends Error {}

const SERVICE = new RegExp(SERVICE_NAME_PATTERN);
const CHAT_SERVER = new RegExp(CHAT_SERVER_NAME_PATTERN);
const HOST_PORT = new RegExp(HOST_PORT_PATTERN);

/** Build settings; every problem names its file:line:column and the rule it breaks. */
export function buildSettings(
  config: GmsConfig,
  origins: Map<string, Origin> = new Map(),
): GatewaySettings {
  const problems: string[] = [];
  const at = (section: string, key: string): string => {
    const o = origins.get(originKey(section, key));
    return o ? `${o.file}:${o.line}:${o.column}: ` : '';
  };
  const bool = (section: string, key: string, def: boolean): boolean => {
    const v = config.get(section)?.get(key);
    if (v === undefined || v === '') return def;
    const l = v.toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
    problems.push(`${at(section, key)}[${section}] ${key}=${v}: must be true or false`);
    return def;
  };

  const notificationMode = bool('chat', 'enable_notification_mode', false);
  const services = new Map<string, ServiceSettings>();
  const providers = new Set<string>();
  for (const [section, entries] of config) {
    if (section.startsWith('push.provider.')) providers.add(section.slice('push.provider.'.length));
    if (!section.startsWith('chat.')) continue;
    const name = section.slice('chat.'.length);
    if (!SERVICE.test(name)) {
      problems.push(`[${section}]: chat service name "${name}" must match ${SERVICE_NAME_PATTERN}`);
      continue;
    }
    if (entries.has('enable_notification_mode'))
      problems.push(
        `${at(section, 'enable_notification_mode')}[${section}] enable_notification_mode: "defined in the chat section only, cannot apply to the chat.<service-name> section" (seed)`,
      );
    const svc: ServiceSettings = {
      name,
      pushToActiveClient: bool(section, 'push_notification_to_active_client', true),
      includePayload: bool(section, 'push_notification_include_payload', false),
    };
    const username = entries.get('auth.basic.username');
    const password = entries.get('auth.basic.password');
    if (username !== undefined && username !== '') {
      if (password === undefined)
        problems.push(
          `${at(section, 'auth.basic.username')}[${section}] auth.basic.username is set but auth.basic.password is missing (secrets.ini)`,
        );
      else svc.basicAuth = { username, password };
    } else if (password !== undefined) {
      problems.push(
        `${at(section, 'auth.basic.password')}[${section}] auth.basic.password is set without auth.basic.username`,
      );
    }
    services.set(name, svc);
  }

  const chatServers: ChatServerEndpoint[] = [];
  for (const [key, value] of config.get('connections') ?? []) {
    if (!key.startsWith('chatserver.')) continue;
    const name = key.slice('chatserver.'.length);
    if (!CHAT_SERVER.test(name)) {
      problems.push(
        `${at('connections', key)}[connections] ${key}: Chat Server name must match ${CHAT_SERVER_NAME_PATTERN}`,
      );
      continue;
    }
    if (!HOST_PORT.test(value)) {
      problems.push(
        `${at('connections', key)}[connections] ${key}=${value}: must be <host>:<port>`,
      );
      continue;
    }
    const colon = value.lastIndexOf(':');
    const port = Number(value.slice(colon + 1));
    if (port < 1 || port > 65535) {
      problems.push(`${at('connections', key)}[connections] ${key}=${value}: port must be 1-65535`);
      continue;
    }
    chatServers.push({ name, host: value.slice(0, colon), port });
  }
  if (notificationMode && chatServers.length === 0)
    problems.push(
      `${at('chat', 'enable_notification_mode')}[chat] enable_notification_mode=true needs at least one Chat Server connection ([connections] chatserver.<name>=<host>:<port>)`,
    );

  const pushEnabledRaw = config.get('push')?.get('pushEnabled') ?? 'comet';
  const pushEnabled = new Set(
    pushEnabledRaw
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== ''),
  );

  if (problems.length > 0) throw new SettingsError(problems.join('\n'));
  return { notificationMode, services, chatServers, pushEnabled, providers, config };
}

/** A provider-section lookup with [push] as the fallback (domain/gms.md §1.4). */
export function pushOption(
  settings: GatewaySettings,
  provider: string | undefined,
  key: string,
): string | undefined {
  if (provider) {
    const v = settings.config.get(`push.provider.${provider}`)?.get(key);
    if (v !== undefined) return v;
  }
  return settings.config.get('push')?.get(key);
}
