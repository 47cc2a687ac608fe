/**
 * Naming rules for the names that become part of GMS configuration and CometD channels. They are
 * shared by the catalog (templated keys), the validator, and the generated JSON Schemas and
 * CRDs, so `gmsctl validate` and the API server agree. Every pattern is anchored and excludes
 * what could break out of an INI section header or key (`]`, `=`, `;`, `#`, whitespace, line
 * breaks) or a CometD channel (`/`, `*`).
 */

/**
 * Chat service name: `[chat.<serviceName>]` and `/service/chatV2/<serviceName>`. DNS-label-ish
 * (letters, digits, `-`, `_`; starts and ends with a letter or digit; at most 63), upper case
 * allowed because existing GMS deployments have channel names their clients already use.
 */
export const SERVICE_NAME_PATTERN = '^[A-Za-z0-9]([-_A-Za-z0-9]{0,61}[A-Za-z0-9])?$';
export const SERVICE_NAME_MAX = 63;

/**
 * Push provider name: `[push.provider.<name>]` and the `push_notification_provider` user data.
 * The seed: "use short strings that include short words and exclude any special symbols or
 * punctuation" -> letters and digits only, at most 32.
 */
export const PROVIDER_NAME_PATTERN = '^[A-Za-z0-9]{1,32}$';
export const PROVIDER_NAME_MAX = 32;

/** Chat Server connection name: `chatserver.<name>` in the project's `[connections]` section. */
export const CHAT_SERVER_NAME_PATTERN = '^[A-Za-z0-9]([-_A-Za-z0-9]{0,61}[A-Za-z0-9])?$';

/** A DNS name or IPv4 address (no scheme, port, path or brackets). */
export const HOST_PATTERN =
  '^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$';
export const HOST_MAX = 253;

/** `host:port` as the `[connections]` section writes a Chat Server endpoint. */
export const HOST_PORT_PATTERN =
  '^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*:[0-9]{1,5}$';

/**
 * A GMS section name as the INI serializer writes it (`[name]`): dot-separated segments of
 * letters, digits, `_`, `-` and `:` (Chat Server sections such as `endpoints:1`, domain/gms.md
 * §1.1); no whitespace, brackets, `;`, `#`, `=`, quotes or braces anywhere, no empty segment.
 * src/config/ini/safety.ts (isSafeSectionName), the validator and the CRD's ChatService
 * spec.sections keys all use this one pattern.
 */
export const SECTION_NAME_PATTERN = '^[A-Za-z0-9_:-]+(\\.[A-Za-z0-9_:-]+)*$';
export const SECTION_NAME_MAX = 200;

/** Strip the anchors of a pattern to embed it in a larger one. */
export function unanchored(pattern: string): string {
  return pattern.replace(/^\^/, '').replace(/\$$/, '');
}
