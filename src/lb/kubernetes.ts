/**
 * ingress-nginx Ingress and Gateway API HTTPRoute for a ChatService, as plain objects (the
 * operator server-side-applies them) and as YAML files (gmsctl render).
 */
import { stringify } from 'yaml';
import { AFFINITY_COOKIE_PATH, PUBLIC_PATH_PREFIXES, type LbModel } from './model.js';
import type { RenderedFile } from './types.js';

/** Gateway API release whose HTTPRoute fields we render; `sessionPersistence` (GEP-1619,
 *  experimental channel) has had this shape since v1.1 and through v1.6.1, while `idleTimeout`
 *  came and went and unreleased main renames the cookie fields (load-balancers.md §6). Install
 *  the CRDs of this version. */
export const GATEWAY_API_VERSION = 'v1.6.1';

const ANN = 'nginx.ingress.kubernetes.io/';

/** Path prefixes without the trailing slash: Ingress `Prefix` and Gateway `PathPrefix` match
 *  whole path elements, so `/genesys/2` covers `/genesys/2/chat` but not `/genesys/20`. */
const ROUTE_PREFIXES = PUBLIC_PATH_PREFIXES.map((p) => p.replace(/\/$/, ''));

function labels(m: LbModel): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'gms',
    'app.kubernetes.io/instance': m.name,
    'app.kubernetes.io/component': 'load-balancer',
  };
}

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

/** ingress-nginx annotations (load-balancers.md §4), all YAML strings. */
export function ingressNginxAnnotations(m: LbModel): Record<string, string> {
  const a: Record<string, string> = {};
  if (m.affinity === 'cookie') {
    a[`${ANN}affinity`] = 'cookie';
    // balanced moves sessions on scale-up (kubernetes/ingress-nginx#5944).
    a[`${ANN}affinity-mode`] = 'persistent';
    a[`${ANN}session-cookie-name`] = m.cookieName;
    // Default would be the matched path; one cookie for CometD and Chat V2.
    a[`${ANN}session-cookie-path`] = AFFINITY_COOKIE_PATH;
    a[`${ANN}session-cookie-samesite`] = m.crossSite ? 'None' : 'Lax';
    if (m.crossSite) a[`${ANN}session-cookie-conditional-samesite-none`] = 'true';
    if (m.tls || m.crossSite) a[`${ANN}session-cookie-secure`] = 'true';
    // A node that is gone: pick another one and rewrite the cookie (the client re-handshakes).
    a[`${ANN}session-cookie-change-on-failure`] = 'true';
  } else {
    // Ignored when `affinity` is set; needs the real client address at the controller.
    a[`${ANN}upstream-hash-by`] = '$remote_addr';
  }
  // One timeout for long polls and WebSockets (ingress-nginx cannot tell them apart); unitless
  // seconds ("3600s" is rejected). >= 3600 as the ingress-nginx WebSocket docs suggest.
  a[`${ANN}proxy-read-timeout`] = String(m.timeouts.tunnelS);
  a[`${ANN}proxy-send-timeout`] = String(m.timeouts.tunnelS);
  a[`${ANN}proxy-connect-timeout`] = String(m.timeouts.connectS);
  // Never replay a long poll on another node (the ConfigMap default is "error timeout").
  a[`${ANN}proxy-next-upstream`] = 'error';
  a[`${ANN}proxy-next-upstream-tries`] = '2';
  a[`${ANN}proxy-buffering`] = 'off';
  if (m.tls) a[`${ANN}ssl-redirect`] = 'true';
  return a;
}

export function buildIngress(m: LbModel): KubernetesObject {
  const backend = { service: { name: m.nodeServiceName, port: { number: m.nodePort } } };
  const rule: Record<string, unknown> = {
    ...(m.host ? { host: m.host } : {}),
    http: {
      paths: ROUTE_PREFIXES.map((path) => ({
        path,
        pathType: 'Prefix',
        backend: structuredClone(backend),
      })),
    },
  };
  const spec: Record<string, unknown> = {};
  if (m.ingressClassName) spec.ingressClassName = m.ingressClassName;
  if (m.tls) spec.tls = [{ ...(m.host ? { hosts: [m.host] } : {}), secretName: m.tlsSecretName }];
  spec.rules = [rule];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      labels: labels(m),
      annotations: ingressNginxAnnotations(m),
    },
    spec,
  };
}

export function buildHttpRoute(m: LbModel): KubernetesObject {
  const gw = m.gateway!;
  const parentRef: Record<string, unknown> = {
    group: 'gateway.networking.k8s.io',
    kind: 'Gateway',
    name: gw.name,
  };
  if (gw.namespace) parentRef.namespace = gw.namespace;
  if (gw.sectionName) parentRef.sectionName = gw.sectionName;
  const rule: Record<string, unknown> = {
    matches: ROUTE_PREFIXES.map((value) => ({ path: { type: 'PathPrefix', value } })),
    backendRefs: [{ group: '', kind: 'Service', name: m.nodeServiceName, port: m.nodePort }],
    // GEP-1742: "0s" disables the total request deadline. A finite one would also end
    // WebSockets on implementations that apply it to upgraded streams, and Envoy Gateway's
    // 15 s default would cut every 30 s long poll (rule 1: "0s" or > 40 s).
    timeouts: { request: '0s' },
  };
  if (gw.experimental) {
    // GEP-1619, experimental channel only: a cookie the gateway sets itself, session lifetime.
    rule.sessionPersistence = {
      sessionName: m.cookieName,
      type: 'Cookie',
      cookieConfig: { lifetimeType: 'Session' },
    };
  }
  const spec: Record<string, unknown> = { parentRefs: [parentRef] };
  if (m.host) spec.hostnames = [m.host];
  spec.rules = [rule];
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      labels: labels(m),
      annotations: {
        'gms.chatops.io/gateway-api-version': GATEWAY_API_VERSION,
        'gms.chatops.io/gateway-api-channel': gw.experimental ? 'experimental' : 'standard',
      },
    },
    spec,
  };
}

/** YAML 1.1 quoting (`"off"`, `"true"`): kubectl's sigs.k8s.io/yaml reads YAML 1.1, where a bare
 *  off is a boolean and an annotation must be a string. */
function yamlFile(path: string, notes: string[], obj: KubernetesObject): RenderedFile {
  const head = notes.map((n) => `# ${n}`).join('\n');
  return {
    path,
    content: `${head}\n${stringify(obj, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' })}`,
  };
}

export function renderIngressNginx(m: LbModel): RenderedFile[] {
  const notes = [
    `ingress-nginx Ingress for ChatService ${m.namespace}/${m.name}, rendered by gmsctl (gms-operator).`,
    'ingress-nginx is retired (kubernetes.io blog 2025-11-11): plan a move to Gateway API (--target gateway-api).',
  ];
  if (m.crossSite)
    notes.push(
      'ingress-nginx cannot add "Partitioned" to its cookie (kubernetes/ingress-nginx#10428): use nginx or haproxy for CHIPS.',
    );
  if (m.affinity === 'source-ip')
    notes.push(
      'upstream-hash-by $remote_addr needs the real client address (externalTrafficPolicy: Local or proxy protocol).',
    );
  return [yamlFile(`ingress-nginx/${m.name}-ingress.yaml`, notes, buildIngress(m))];
}

export function renderGatewayApi(m: LbModel): RenderedFile[] {
  const notes = [
    `Gateway API HTTPRoute for ChatService ${m.namespace}/${m.name}, rendered by gmsctl (gms-operator).`,
    `Fields of Gateway API ${GATEWAY_API_VERSION}, ${m.gateway?.experimental ? 'experimental' : 'standard'} channel.`,
  ];
  if (!m.gateway?.experimental)
    notes.push(
      'NOT STICKY: session persistence is experimental-channel only (spec.expose.gateway.experimental: true) or an implementation policy; CometD long polls need it.',
    );
  return [yamlFile(`gateway-api/${m.name}-httproute.yaml`, notes, buildHttpRoute(m))];
}
