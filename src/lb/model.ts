/**
 * The checked view of a ChatService that the templates render. Every value that reaches
 * nginx, HAProxy or Apache text passes a strict pattern here first (DESIGN.md: "Rendering is
 * injection-proof"): a newline, `;`, `{`, a quote or a space where it does not belong is an
 * LbInputError naming the field, never an escaped surprise in the output.
 */
import type { ChatService } from '../api/types.js';
import { defaultGmsBackends, gmsNamespace, gmsNodesServiceName, gmsPort } from './backends.js';
import { lbTimeouts, type LbTimeouts } from './timeouts.js';
import {
  LbInputError,
  type LbBackend,
  type LbInputIssue,
  type LbTarget,
  type RenderOptions,
} from './types.js';

/** DNS-1123 label (Kubernetes object names used in pod DNS names). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** DNS-1123 subdomain. */
export const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A virtual host name: lowercase DNS name, optionally one leading wildcard label. */
export const HOST_NAME =
  /^(?=.{1,253}$)(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A backend host: DNS name (any case), IPv4, or IPv6 without brackets. */
export const BACKEND_DNS =
  /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/;
export const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const IPV6 = /^(?=.*:)[0-9A-Fa-f:.]{2,45}$/;
/** Backend / server / route name: used as HAProxy server name, cookie value and Apache route
 *  (mod_proxy_balancer splits the cookie at the first `.`, so no dots). */
export const BACKEND_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
/** Affinity cookie name: an RFC 6265 token that is also an nginx variable suffix
 *  (`$cookie_<name>` stops at the first character outside [A-Za-z0-9_]). */
export const COOKIE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** Absolute file-system path without spaces, quotes or config punctuation. */
export const SAFE_ABS_PATH = /^\/[A-Za-z0-9._/-]*$/;

/** Cookies GMS sets itself: the LB's affinity cookie must not shadow them. */
const GMS_COOKIES = ['BAYEUX_BROWSER', 'JSESSIONID'];

/** The public GMS paths a ChatService needs: CometD and the Chat API V2 (REST, file transfer
 *  in CometD mode, `/genesys/2/chat-ntf`). The node admin API (`/genesys/1/admin/...`, which
 *  can take a node OFFLINE) is deliberately never routed (domain/gms.md §5). */
export const PUBLIC_PATH_PREFIXES = ['/genesys/cometd', '/genesys/2/'] as const;
/** Cookie path of the affinity cookie: covers both prefixes (load-balancers.md §1 rule 7). */
export const AFFINITY_COOKIE_PATH = '/genesys';
/** GMS node status API used for health checks (domain/gms.md §5): body ONLINE or OFFLINE. */
export const NODE_STATUS_PATH = '/genesys/1/admin/node/status';
export const DEFAULT_COOKIE_NAME = 'GMSROUTE';
export const DEFAULT_TLS_DIR = '/etc/gms-lb/tls';
export const DEFAULT_APACHE_MODULES_DIR = '/usr/lib/apache2/modules';
export const DEFAULT_RUN_DIR = '/run/gms-lb';

export interface LbModel {
  target: LbTarget;
  name: string;
  namespace: string;
  /** `name` as an nginx-variable / HAProxy-section safe identifier (`-` → `_`). */
  id: string;
  host?: string;
  tls: boolean;
  tlsSecretName?: string;
  tlsDir: string;
  affinity: 'cookie' | 'source-ip';
  cookieName: string;
  crossSite: boolean;
  /** Attributes after `Path` and `HttpOnly` on the affinity cookie, e.g. `; Secure; SameSite=None; Partitioned`. */
  cookieAttributes: string;
  backends: LbBackend[];
  backendsAreIps: boolean;
  listenAddress?: string;
  httpPort: number;
  httpsPort: number;
  timeouts: LbTimeouts;
  nodeServiceName: string;
  nodePort: number;
  ingressClassName?: string;
  gateway?: { name: string; namespace?: string; sectionName?: string; experimental: boolean };
  apacheModulesDir: string;
  runDir: string;
  nodeApiAuthorization?: string;
  nodeApiNeedsAuth: boolean;
  /** Port of the /healthz listener (in-cluster only), or false. */
  healthPort: number | false;
  /** nginx worker_processes: a count, or `auto`. */
  nginxWorkerProcesses: number | 'auto';
}

function isPort(p: unknown): p is number {
  return typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 65535;
}

/** Check the inputs of `target` and return every problem (empty: renderable). */
export function checkLoadBalancerInputs(
  target: LbTarget,
  cs: ChatService,
  opts: RenderOptions = {},
): LbInputIssue[] {
  return buildModel(target, cs, opts).issues;
}

/** Build the model or throw LbInputError listing every bad field. */
export function lbModel(target: LbTarget, cs: ChatService, opts: RenderOptions = {}): LbModel {
  const { model, issues } = buildModel(target, cs, opts);
  if (issues.length > 0 || !model) throw new LbInputError(issues);
  return model;
}

function buildModel(
  target: LbTarget,
  cs: ChatService,
  opts: RenderOptions,
): { model?: LbModel; issues: LbInputIssue[] } {
  const issues: LbInputIssue[] = [];
  const bad = (field: string, value: unknown, message: string): void => {
    issues.push({ field, value, message });
  };
  const expose = cs.spec?.expose ?? {};
  const name = cs.metadata?.name;
  if (typeof name !== 'string' || !DNS_LABEL.test(name)) {
    bad('metadata.name', name, 'must be a DNS-1123 label (lowercase letters, digits, "-")');
  } else if (name.length > 57) {
    bad(
      'metadata.name',
      name,
      `at most 57 characters, so that the headless Service "${name}-nodes" is a valid name`,
    );
  }
  const namespace = cs.metadata?.namespace ?? 'default';
  if (!DNS_LABEL.test(namespace)) bad('metadata.namespace', namespace, 'must be a DNS-1123 label');

  const host = expose.host;
  if (host !== undefined && (typeof host !== 'string' || !HOST_NAME.test(host))) {
    bad(
      'spec.expose.host',
      host,
      'must be a lowercase DNS name (optionally "*." first), without port, path or spaces',
    );
  }
  const tlsSecretName = expose.tls?.secretName;
  if (
    expose.tls !== undefined &&
    (typeof tlsSecretName !== 'string' || !DNS_SUBDOMAIN.test(tlsSecretName))
  ) {
    bad(
      'spec.expose.tls.secretName',
      tlsSecretName,
      'must be a DNS-1123 subdomain (a Secret name)',
    );
  }
  const affinity = expose.affinity ?? 'cookie';
  if (affinity !== 'cookie' && affinity !== 'source-ip') {
    bad('spec.expose.affinity', affinity, 'must be "cookie" or "source-ip"');
  }
  if (affinity === 'source-ip' && target === 'apache') {
    bad(
      'spec.expose.affinity',
      affinity,
      'Apache mod_proxy_balancer has no client-address stickiness; use "cookie" with the apache target',
    );
  }
  if (affinity === 'source-ip' && target === 'gateway-api') {
    bad(
      'spec.expose.affinity',
      affinity,
      'Gateway API has no client-address session persistence (GEP-1619 covers cookies and headers); use "cookie"',
    );
  }
  const cookieName = expose.cookieName ?? DEFAULT_COOKIE_NAME;
  if (typeof cookieName !== 'string' || !COOKIE_NAME.test(cookieName)) {
    bad(
      'spec.expose.cookieName',
      cookieName,
      'must be a letter then letters, digits or "_" (at most 64)',
    );
  } else if (GMS_COOKIES.includes(cookieName.toUpperCase())) {
    bad(
      'spec.expose.cookieName',
      cookieName,
      `${cookieName} is set by GMS itself; choose another name`,
    );
  }
  const crossSite = expose.crossSite === true;
  if (expose.crossSite !== undefined && typeof expose.crossSite !== 'boolean') {
    bad('spec.expose.crossSite', expose.crossSite, 'must be true or false');
  }
  const ingressClassName = expose.ingressClassName;
  if (
    ingressClassName !== undefined &&
    (typeof ingressClassName !== 'string' || !DNS_SUBDOMAIN.test(ingressClassName))
  ) {
    bad('spec.expose.ingressClassName', ingressClassName, 'must be a DNS-1123 subdomain');
  }
  const gw = expose.gateway;
  if (target === 'gateway-api') {
    if (!gw)
      bad(
        'spec.expose.gateway',
        gw,
        'the gateway-api target needs spec.expose.gateway.name (the parent Gateway)',
      );
    else {
      if (typeof gw.name !== 'string' || !DNS_SUBDOMAIN.test(gw.name))
        bad('spec.expose.gateway.name', gw.name, 'must be a DNS-1123 subdomain');
      if (
        gw.namespace !== undefined &&
        (typeof gw.namespace !== 'string' || !DNS_LABEL.test(gw.namespace))
      )
        bad('spec.expose.gateway.namespace', gw.namespace, 'must be a DNS-1123 label');
      if (
        gw.sectionName !== undefined &&
        (typeof gw.sectionName !== 'string' || !DNS_LABEL.test(gw.sectionName))
      )
        bad(
          'spec.expose.gateway.sectionName',
          gw.sectionName,
          'must be a DNS-1123 label (a listener name)',
        );
      if (gw.experimental !== undefined && typeof gw.experimental !== 'boolean')
        bad('spec.expose.gateway.experimental', gw.experimental, 'must be true or false');
    }
  }

  const nodePort = gmsPort(cs);
  if (!isPort(nodePort)) bad('spec.gms.port', nodePort, 'must be an integer port 1-65535');
  const replicas = cs.spec?.gms?.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) {
    bad('spec.gms.replicas', replicas, 'must be a non-negative integer');
  }

  // Backends: explicit ones are checked under their CLI name, default ones come from names
  // checked above.
  const explicit = opts.backends !== undefined;
  const backends = explicit ? opts.backends! : issues.length === 0 ? defaultGmsBackends(cs) : [];
  const field = (i: number): string =>
    explicit ? `--backend[${i}]` : `spec.gms.replicas(pod ${i})`;
  const seen = new Set<string>();
  backends.forEach((b, i) => {
    if (
      typeof b.host !== 'string' ||
      !(BACKEND_DNS.test(b.host) || IPV4.test(b.host) || IPV6.test(b.host))
    ) {
      bad(
        `${field(i)}.host`,
        b.host,
        'must be a DNS name, an IPv4 address or a bracketed IPv6 address',
      );
    }
    if (!isPort(b.port)) bad(`${field(i)}.port`, b.port, 'must be an integer port 1-65535');
    if (typeof b.name !== 'string' || !BACKEND_NAME.test(b.name)) {
      bad(`${field(i)}.name`, b.name, 'must be letters, digits, "_" or "-" (no dots), at most 63');
    } else if (seen.has(b.name)) bad(`${field(i)}.name`, b.name, 'duplicate backend name');
    seen.add(b.name);
  });
  if (
    issues.length === 0 &&
    backends.length === 0 &&
    target !== 'ingress-nginx' &&
    target !== 'gateway-api'
  ) {
    bad(
      explicit ? '--backend' : 'spec.gms.replicas',
      explicit ? [] : replicas,
      'no GMS node to balance over',
    );
  }

  const listenAddress = opts.listen?.address;
  if (listenAddress !== undefined && !(IPV4.test(listenAddress) || listenAddress === '*')) {
    bad('listen.address', listenAddress, 'must be an IPv4 address or "*"');
  }
  const httpPort = opts.listen?.httpPort ?? 80;
  const httpsPort = opts.listen?.httpsPort ?? 443;
  if (!isPort(httpPort)) bad('listen.httpPort', httpPort, 'must be an integer port 1-65535');
  if (!isPort(httpsPort)) bad('listen.httpsPort', httpsPort, 'must be an integer port 1-65535');
  const healthPort = opts.healthPort;
  if (healthPort !== undefined) {
    if (!isPort(healthPort)) bad('healthPort', healthPort, 'must be an integer port 1-65535');
    else if (healthPort === httpPort || (expose.tls !== undefined && healthPort === httpsPort))
      bad('healthPort', healthPort, 'must differ from the HTTP and HTTPS listener ports');
  }
  const workers = opts.nginxWorkerProcesses;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 256)) {
    bad('nginxWorkerProcesses', workers, 'must be an integer 1-256');
  }
  const tlsDir = opts.tlsDir ?? DEFAULT_TLS_DIR;
  if (!SAFE_ABS_PATH.test(tlsDir))
    bad('tlsDir', tlsDir, 'must be an absolute path of letters, digits, ".", "_", "-" and "/"');
  const apacheModulesDir = opts.apacheModulesDir ?? DEFAULT_APACHE_MODULES_DIR;
  if (!SAFE_ABS_PATH.test(apacheModulesDir))
    bad('apacheModulesDir', apacheModulesDir, 'must be a safe absolute path');
  const runDir = opts.runDir ?? DEFAULT_RUN_DIR;
  if (!SAFE_ABS_PATH.test(runDir)) bad('runDir', runDir, 'must be a safe absolute path');

  const t = opts.cometd ?? {};
  for (const [k, v] of Object.entries(t)) {
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 3_600_000))
      bad(`cometd.${k}`, v, 'must be an integer number of milliseconds, 0-3600000');
  }

  let nodeApiAuthorization: string | undefined;
  const creds = opts.nodeApiCredentials;
  if (creds) {
    // RFC 7617: the user-id may not contain ':'; both are base64-encoded, so any other text is safe.
    if (
      typeof creds.username !== 'string' ||
      creds.username.includes(':') ||
      /[\r\n]/.test(creds.username)
    )
      bad('nodeApiCredentials.username', '<redacted>', 'must not contain ":" or line breaks');
    if (typeof creds.password !== 'string' || /[\r\n]/.test(creds.password))
      bad('nodeApiCredentials.password', '<redacted>', 'must not contain line breaks');
    nodeApiAuthorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  }

  if (issues.length > 0) return { issues };
  const tls = expose.tls !== undefined;
  const secure = tls || crossSite;
  const cookieAttributes = `${secure ? '; Secure' : ''}; SameSite=${crossSite ? 'None; Partitioned' : 'Lax'}`;
  return {
    issues,
    model: {
      target,
      name: name!,
      namespace: gmsNamespace(cs),
      id: name!.replace(/-/g, '_'),
      ...(host !== undefined ? { host } : {}),
      tls,
      ...(tlsSecretName !== undefined ? { tlsSecretName } : {}),
      tlsDir,
      affinity,
      cookieName,
      crossSite,
      cookieAttributes,
      backends,
      backendsAreIps: backends.every((b) => IPV4.test(b.host) || IPV6.test(b.host)),
      ...(listenAddress !== undefined ? { listenAddress } : {}),
      httpPort,
      httpsPort,
      timeouts: lbTimeouts(t),
      nodeServiceName: gmsNodesServiceName(cs),
      nodePort,
      ...(ingressClassName !== undefined ? { ingressClassName } : {}),
      ...(gw ? { gateway: { ...gw, experimental: gw.experimental === true } } : {}),
      apacheModulesDir,
      runDir,
      ...(nodeApiAuthorization ? { nodeApiAuthorization } : {}),
      nodeApiNeedsAuth: cs.spec?.nodeApi?.basicAuth !== undefined,
      healthPort: healthPort ?? false,
      nginxWorkerProcesses: workers ?? 'auto',
    },
  };
}

/** `host:port` with IPv6 in brackets (nginx, HAProxy and Apache URLs all take this form). */
export function hostPort(b: LbBackend): string {
  return IPV6.test(b.host) ? `[${b.host}]:${b.port}` : `${b.host}:${b.port}`;
}
