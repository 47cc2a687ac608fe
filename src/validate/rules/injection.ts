/**
 * injection: DESIGN.md "Rendering is injection-proof. Values that reach INI, nginx, HAProxy or
 * Apache text are checked against strict patterns; a newline, `;`, `{`, `[` or quote where it
 * does not belong is a validation error, not an escaped surprise."
 *
 * The fields below are the ones the renderers (src/config, src/lb) write into text; option
 * keys and values are checked with the options (option-check.ts). Each check is an anchored
 * pattern without nested quantifiers (linear time), mostly the catalog's own, so the CRD
 * schema, the validator and the renderers agree.
 */
import {
  CHAT_SERVER_NAME_PATTERN,
  hostProblem,
  iniValueProblem,
  isValidPort,
  printable,
  SERVICE_NAME_PATTERN,
} from './deps.js';
import type { Emit, ManifestObject } from '../model.js';
import { field, isRecord } from '../model.js';
import type { Path } from '../yaml/path.js';
import { formatPath } from '../yaml/path.js';

const SERVICE_NAME_RE = new RegExp(SERVICE_NAME_PATTERN);
const CHAT_SERVER_NAME_RE = new RegExp(CHAT_SERVER_NAME_PATTERN);
/** RFC 1123 subdomain (Kubernetes object names: Secrets, IngressClass, Gateway). */
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A cookie name safe in nginx `map`, HAProxy `cookie` and Apache `ProxySet stickysession`. */
const COOKIE_NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** A container image reference: registry/path:tag@digest, no whitespace or quotes. */
const IMAGE_RE = /^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$/;

/** Paths of the fields checked, allocated once (thousands of objects per run). */
const P_SERVICE_NAME: Path = ['spec', 'serviceName'];
const P_GMS_IMAGE: Path = ['spec', 'gms', 'image'];
const P_EXPOSE_HOST: Path = ['spec', 'expose', 'host'];
const P_EXPOSE_COOKIE_NAME: Path = ['spec', 'expose', 'cookieName'];
const P_EXPOSE_TLS_SECRET_NAME: Path = ['spec', 'expose', 'tls', 'secretName'];
const P_EXPOSE_INGRESS_CLASS_NAME: Path = ['spec', 'expose', 'ingressClassName'];
const P_EXPOSE_GATEWAY_NAME: Path = ['spec', 'expose', 'gateway', 'name'];
const P_EXPOSE_GATEWAY_NAMESPACE: Path = ['spec', 'expose', 'gateway', 'namespace'];
const P_EXPOSE_GATEWAY_SECTION_NAME: Path = ['spec', 'expose', 'gateway', 'sectionName'];
const P_CUSTOMHTTP_URL: Path = ['spec', 'customhttp', 'url'];
const P_CUSTOMHTTP_DEBUG_URL: Path = ['spec', 'customhttp', 'debugUrl'];

type Check = (value: string) => string | undefined;

const serviceName: Check = (v) =>
  SERVICE_NAME_RE.test(v)
    ? undefined
    : 'a chat service name (the [chat.<service>] section and /service/chatV2/<service> channel) may contain only letters, digits, "-" and "_", starting and ending with a letter or digit, at most 63';

const publicHost: Check = (v) => {
  // A leading wildcard label is how Ingress and Gateway API hosts match subdomains.
  const host = v.startsWith('*.') ? v.slice(2) : v;
  return hostProblem(host);
};

const dnsSubdomain: Check = (v) =>
  v.length <= 253 && DNS_SUBDOMAIN_RE.test(v)
    ? undefined
    : 'must be a Kubernetes object name (lower-case letters, digits, "-" and ".")';

const cookieName: Check = (v) =>
  COOKIE_NAME_RE.test(v)
    ? undefined
    : 'a cookie name may contain only letters, digits, "-" and "_" (at most 64)';

const image: Check = (v) => (IMAGE_RE.test(v) ? undefined : 'is not a container image reference');

const iniText: Check = (v) => iniValueProblem(v);

/** `parent[key]` (at `path`) against `fn`. */
function checkField(
  obj: ManifestObject,
  parent: unknown,
  key: string,
  path: Path,
  fn: Check,
  emit: Emit,
): void {
  const v = field(parent, key);
  if (typeof v !== 'string') return; // absent or mistyped: the schema's to report
  const problem = fn(v);
  if (problem) report(obj, path, v, problem, emit);
}

function report(obj: ManifestObject, path: Path, v: string, problem: string, emit: Emit): void {
  emit({
    rule: 'injection',
    obj,
    path,
    message: `${formatPath(path)} "${printable(v)}": ${problem}`,
  });
}

const CHAT_SERVER_NAME =
  'a Chat Server connection name may contain only letters, digits, "-" and "_"';

/** The fields of a ChatService that reach INI or load-balancer text. */
export function checkChatServiceInjection(cs: ManifestObject, emit: Emit): void {
  // Each parent read once (thousands of ChatServices per run); the paths are the same.
  const spec = field(cs.data, 'spec');
  // metadata.name (the default service name) is a DNS-1035 label by the schema, which is
  // stricter than a service name; spec.serviceName is checked here.
  checkField(cs, spec, 'serviceName', P_SERVICE_NAME, serviceName, emit);
  checkField(cs, field(spec, 'gms'), 'image', P_GMS_IMAGE, image, emit);
  const endpoints = field(field(spec, 'chatServer'), 'endpoints');
  if (Array.isArray(endpoints)) {
    // Read directly (paths are made only for a finding): thousands of ChatServices per run.
    for (let i = 0; i < endpoints.length; i++) {
      const e: unknown = endpoints[i];
      if (e === null || typeof e !== 'object') continue;
      const { name, host, port } = e as Record<string, unknown>;
      if (typeof name === 'string' && !CHAT_SERVER_NAME_RE.test(name))
        report(cs, ['spec', 'chatServer', 'endpoints', i, 'name'], name, CHAT_SERVER_NAME, emit);
      if (typeof host === 'string') {
        const problem = hostProblem(host);
        if (problem)
          report(cs, ['spec', 'chatServer', 'endpoints', i, 'host'], host, problem, emit);
      }
      if (isRecord(e) && port !== undefined && typeof port !== 'string' && !isValidPort(port)) {
        const path = ['spec', 'chatServer', 'endpoints', i, 'port'];
        emit({
          rule: 'injection',
          obj: cs,
          path,
          message: `${formatPath(path)} ${String(port)} is not a TCP port (1-65535)`,
        });
      }
    }
  }
  const expose = field(spec, 'expose');
  if (expose === undefined) return;
  checkField(cs, expose, 'host', P_EXPOSE_HOST, publicHost, emit);
  checkField(cs, expose, 'cookieName', P_EXPOSE_COOKIE_NAME, cookieName, emit);
  checkField(cs, field(expose, 'tls'), 'secretName', P_EXPOSE_TLS_SECRET_NAME, dnsSubdomain, emit);
  checkField(cs, expose, 'ingressClassName', P_EXPOSE_INGRESS_CLASS_NAME, dnsSubdomain, emit);
  const gateway = field(expose, 'gateway');
  checkField(cs, gateway, 'name', P_EXPOSE_GATEWAY_NAME, dnsSubdomain, emit);
  checkField(cs, gateway, 'namespace', P_EXPOSE_GATEWAY_NAMESPACE, dnsSubdomain, emit);
  checkField(cs, gateway, 'sectionName', P_EXPOSE_GATEWAY_SECTION_NAME, dnsSubdomain, emit);
}

const EVENT_TEXT_FIELDS = ['title', 'body'] as const;

/** The fields of a PushProvider that reach INI text. */
export function checkPushProviderInjection(pp: ManifestObject, emit: Emit): void {
  const spec = field(pp.data, 'spec');
  // customhttp.url / debugUrl render as the provider's customhttp.url options.
  const customhttp = field(spec, 'customhttp');
  checkField(pp, customhttp, 'url', P_CUSTOMHTTP_URL, iniText, emit);
  checkField(pp, customhttp, 'debugUrl', P_CUSTOMHTTP_DEBUG_URL, iniText, emit);
  const events = field(spec, 'events');
  if (isRecord(events)) {
    for (const event in events) {
      if (!Object.prototype.hasOwnProperty.call(events, event)) continue;
      const text = events[event];
      if (!isRecord(text)) continue;
      for (const field of EVENT_TEXT_FIELDS) {
        const v = text[field];
        if (typeof v !== 'string') continue;
        const problem = iniValueProblem(v);
        if (problem) report(pp, ['spec', 'events', event, field], v, problem, emit);
      }
    }
  }
}
