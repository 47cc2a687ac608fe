/**
 * Injection guards for everything that reaches INI text. DESIGN.md ("Rendering is
 * injection-proof"): "a newline, `;`, `{`, `[` or quote where it does not belong is a validation
 * error, not an escaped surprise". INI has no escaping, so the serializer refuses what these
 * guards reject (IniSafetyError) instead of trying to escape it; the validator runs the same
 * guards earlier and reports them as diagnostics with file, line and column.
 *
 * Every check is a single left-to-right scan or an anchored regex without nested quantifiers,
 * so each runs in time linear in its input.
 */

import { SECTION_NAME_MAX, SECTION_NAME_PATTERN } from '../../catalog/index.js';

/** Longest section name, key or value the guards accept (GMS options are far shorter). */
export const MAX_NAME_LENGTH = SECTION_NAME_MAX;
export const MAX_VALUE_LENGTH = 8192;

/**
 * A section name: dot-separated segments of letters, digits, `_`, `-` and `:` (Chat Server
 * sections such as `endpoints:1`, domain/gms.md §1.1). No whitespace, brackets, `;`, `#`, `=`,
 * quotes or braces anywhere, no empty segment (`chat..x`, `chat.`). The pattern lives in the
 * catalog so the CRD (ChatService spec.sections keys) and the validator use the same one.
 */
const SECTION_RE = new RegExp(SECTION_NAME_PATTERN);

/**
 * A key: dot-separated segments of letters, digits, `_` and `-` (`fcm.title`,
 * `apple.alertMessage.body`, `_client_timeout_notification`, `upload-max-files`,
 * `chatserver.cs-1`). A key may not start with `;` or `#` (a comment) or `[` (a header), and
 * may not contain `=` (the separator) or whitespace.
 */
const KEY_RE = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

export type IniTokenKind = 'section' | 'key' | 'value' | 'header';

/** Why a section name is unsafe, or undefined when it is safe. */
export function sectionNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'section name is empty';
  if (name.length > MAX_NAME_LENGTH)
    return `section name is longer than ${MAX_NAME_LENGTH} characters`;
  if (!SECTION_RE.test(name))
    return 'section name may contain only letters, digits, "_", "-", ":" and single dots between them';
  return undefined;
}

/** Why a key is unsafe, or undefined when it is safe. */
export function iniKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'key is empty';
  if (key.length > MAX_NAME_LENGTH) return `key is longer than ${MAX_NAME_LENGTH} characters`;
  if (!KEY_RE.test(key))
    return 'key may contain only letters, digits, "_", "-" and single dots between them';
  return undefined;
}

/** Whitespace a reader may trim: Java's String.trim() drops every char <= U+0020, JS trim() more. */
function isTrimmable(code: number): boolean {
  return (
    code <= 0x20 ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * A character that ends a line for some reader or cannot be written to a text file:
 * C0 controls except tab, DEL, C1 controls (NEL U+0085 ends a line in several readers),
 * U+2028/U+2029 (line and paragraph separators).
 */
export function isLineBreakingOrControl(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09) ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029
  );
}

function describeChar(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why a value is unsafe, or undefined when it is safe. Rules:
 * - no line break or control character (CR, LF, NUL, NEL, U+2028 ...): a newline would start a
 *   new `key=value` or `[section]` line, the classic INI injection;
 * - no tab (readers disagree on whether it is trimmed or kept);
 * - no leading or trailing whitespace: the parser (and GMS) trim it, so it would not survive;
 * - not wrapped in matching quotes (`"x"`, `'x'`): some readers strip them, GMS keeps them;
 * - no lone UTF-16 surrogate (cannot be written as UTF-8);
 * - at most MAX_VALUE_LENGTH characters.
 * `;`, `#`, `[` and `=` inside a value are safe: the parser only knows full-line comments and
 * splits at the first `=`, and GMS/Java-style values legitimately contain them.
 */
export function iniValueProblem(value: string): string | undefined {
  if (value.length > MAX_VALUE_LENGTH) return `value is longer than ${MAX_VALUE_LENGTH} characters`;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x09) return 'value contains a tab';
    if (isLineBreakingOrControl(c))
      return `value contains the control or line-break character ${describeChar(c)}`;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return 'value contains a lone UTF-16 surrogate';
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return 'value contains a lone UTF-16 surrogate';
    }
  }
  if (value.length > 0) {
    if (isTrimmable(value.charCodeAt(0))) return 'value starts with whitespace, which GMS trims';
    if (isTrimmable(value.charCodeAt(value.length - 1)))
      return 'value ends with whitespace, which GMS trims';
    const first = value[0];
    if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first))
      return `value is wrapped in ${first === '"' ? 'double' : 'single'} quotes, which some INI readers strip and GMS keeps`;
  }
  return undefined;
}

/** Whether `name` may be written as `[name]`. */
export function isSafeSectionName(name: string): boolean {
  return sectionNameProblem(name) === undefined;
}

/** Whether `key` may be written as `key=...`. */
export function isSafeIniKey(key: string): boolean {
  return iniKeyProblem(key) === undefined;
}

/** Whether `value` may be written as `...=value` and read back unchanged. */
export function isSafeIniValue(value: string): boolean {
  return iniValueProblem(value) === undefined;
}

/** Why a header comment line is unsafe (it must stay one comment line), or undefined. */
export function headerLineProblem(line: string): string | undefined {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (isLineBreakingOrControl(c))
      return `header contains the control or line-break character ${describeChar(c)}`;
  }
  return undefined;
}

/** Thrown by the serializer for a token it refuses to write (it never escapes). */
export class IniSafetyError extends Error {
  override readonly name = 'IniSafetyError';
  constructor(
    readonly kind: IniTokenKind,
    readonly section: string,
    readonly key: string | undefined,
    readonly reason: string,
  ) {
    super(
      kind === 'header'
        ? `refusing to write the header comment: ${reason}`
        : kind === 'section'
          ? `refusing to write section [${printable(section)}]: ${reason}`
          : `refusing to write [${printable(section)}] ${printable(key ?? '')}: ${reason}`,
    );
  }
}

/** A name made safe to quote in a one-line message (control characters shown as U+XXXX). */
export function printable(text: string, max = 80): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    out += isLineBreakingOrControl(c) || c === 0x09 ? `<${describeChar(c)}>` : ch;
    if (out.length > max) return `${out.slice(0, max)}...`;
  }
  return out;
}

// -------------------------------------------------------------------------------------------
// Hosts and ports (the [connections] section: chatserver.<name>=host:port)
// -------------------------------------------------------------------------------------------

const DNS_LABEL_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4_RE = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * A host name (RFC 1123 labels, at most 253 characters, an optional trailing dot is refused) or
 * an IPv4 address. IPv6 literals are refused: `host:port` would be ambiguous without brackets
 * and nothing in GMS's documentation shows a bracketed form.
 */
export function hostProblem(host: string): string | undefined {
  if (host.length === 0) return 'host is empty';
  if (host.length > 253) return 'host is longer than 253 characters';
  if (IPV4_RE.test(host)) return undefined;
  const labels = host.split('.');
  for (const label of labels) {
    if (!DNS_LABEL_RE.test(label))
      return `host "${printable(host)}" is not a DNS name (letters, digits and "-" in dot-separated labels) or an IPv4 address`;
  }
  return undefined;
}

export function isSafeHost(host: string): boolean {
  return hostProblem(host) === undefined;
}

export function isValidPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535;
}
