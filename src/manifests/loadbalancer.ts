/**
 * The load balancer the operator runs for spec.expose.mode nginx | haproxy | apache: the same
 * config `gmsctl render` writes (src/lb), rendered for the cluster, in a ConfigMap, run by a
 * Deployment of the official image, behind a Service, with a PodDisruptionBudget.
 *
 *   ConfigMap            <name>-lb   the rendered config (the Deployment mounts the main file)
 *   Deployment           <name>-lb   stateless LB pods (default 2), non-root, read-only root fs
 *   Service              <name>-lb   type LoadBalancer (spec.expose.serviceType), 80 -> 8080, 443 -> 8443
 *   PodDisruptionBudget  <name>-lb   maxUnavailable 1
 *   Service              <name>-node-<i>   nginx and apache only: one ClusterIP per GMS node (below)
 *
 * Why the LB pods can be stateless (restarted, rolled, scaled) without breaking stickiness
 * (DESIGN.md "Load balancers keep CometD sessions on one node"):
 * - HAProxy: `cookie GMSROUTE insert` writes the chosen server's `cookie` value, the GMS pod
 *   name, into the cookie (domain/load-balancers.md §3.1, "cookie insert is stateless"); any
 *   replica, or a restarted one, reads it back and picks that server.
 * - Apache: the cookie is `.<route>` with route = the pod name (mod_proxy_balancer
 *   `stickysession`, §5); any replica resolves the route to the same BalancerMember.
 * - nginx OSS: the cookie is a random `$request_id` that `hash ... consistent` maps onto a
 *   ketama ring built from the `server` names as written in the config (nginx
 *   src/http/modules/ngx_http_upstream_hash_module.c: 160 points per server, crc32 of the
 *   configured host and port), not from resolved addresses. Every replica runs the same file
 *   (one ConfigMap), so every replica maps a cookie to the same node.
 * test/integration/lb/lb-replicas.test.ts proves all three with two LB instances and a restart.
 *
 * Backends: HAProxy re-resolves the StatefulSet pod DNS names at run time (`resolvers` with
 * `parse-resolv-conf`, `init-addr last,libc,none`: starts even before a name resolves). nginx
 * OSS 1.22 resolves upstream `server` names once, at start (the `resolve` parameter is nginx
 * Plus, or OSS from 1.27.3: nginx.org/en/CHANGES; 1.22.1 answers `invalid parameter "resolve"`),
 * and Apache caches a worker's address until restart unless `addressttl` (2.4.59+) is set. A
 * GMS pod gets a new IP whenever it restarts (every rollout restarts each node), so pointing
 * those two at pod DNS names would leave them sending to a dead, or worse reused, address. They
 * point at one ClusterIP Service per node instead (`<name>-node-<i>`, selecting the pod by the
 * StatefulSet's `statefulset.kubernetes.io/pod-name` label): the ClusterIP never changes, so
 * resolving once is enough, and a node that is not Ready (detached by the rollout, restarting)
 * has no endpoint, so nginx fails over at connect time the way HAProxy's ONLINE check does. A
 * changed node count changes the rendered config, hence the config hash on the pod template,
 * and the LB pods roll.
 *
 * Node API credentials are never rendered into the ConfigMap: with spec.nodeApi.basicAuth the
 * HAProxy health checks run at TCP level (src/lb/types.ts, nodeApiCredentials).
 */
import { createHash } from 'node:crypto';
import type { ChatService, LbServiceType, ResourceRequirements, RunLbMode } from '../api/types.js';
import {
  DEFAULT_CLUSTER_DOMAIN,
  DEFAULT_GMS_REPLICAS,
  gmsNamespace,
  gmsPodName,
  gmsPort,
  renderLoadBalancer,
  type LbBackend,
  type RenderOptions,
} from '../lb/index.js';
import {
  LABEL_CHAT_SERVICE,
  LABEL_CONFIG_ROLE,
  names,
  objectMeta,
  selectorLabels,
} from './meta.js';
import { API_GROUP } from '../api/types.js';
import type { ManifestObject } from './types.js';

export const LB_COMPONENT = 'load-balancer';
export const LB_CONTAINER = 'lb';
/** Unprivileged listener ports inside the pod (the LB runs as a non-root user). */
export const LB_HTTP_PORT = 8080;
export const LB_HTTPS_PORT = 8443;
export const LB_HEALTH_PORT = 8081;
/** Service ports clients use. */
export const LB_SERVICE_HTTP_PORT = 80;
export const LB_SERVICE_HTTPS_PORT = 443;
export const LB_CONFIG_DIR = '/etc/gms-lb/conf';
/** src/lb DEFAULT_TLS_DIR: where the configs read tls.crt (and tls.key / tls.crt.key). */
export const LB_TLS_DIR = '/etc/gms-lb/tls';
/** emptyDir: pid, nginx temp files, Apache runtime files (the root file system is read-only). */
export const LB_RUN_DIR = '/run/gms-lb';
export const DEFAULT_LB_REPLICAS = 2;
export const DEFAULT_LB_SERVICE_TYPE: LbServiceType = 'LoadBalancer';
/** nginx worker processes when spec.expose.resources sets no CPU limit. */
export const DEFAULT_NGINX_WORKERS = 2;

/** Pod template annotation: hash of the rendered LB config (a change rolls the LB pods). */
export const ANNOTATION_LB_CONFIG_HASH = `${API_GROUP}/lb-config-hash`;
/** Pod template annotation: hash of the TLS certificate (a renewed certificate rolls the LB pods:
 *  none of the three reloads certificate files by itself). */
export const ANNOTATION_LB_TLS_HASH = `${API_GROUP}/lb-tls-hash`;
/** The StatefulSet controller's label naming each pod (Kubernetes "StatefulSet: Pod Name Label"). */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

/** How each official image runs its server, as a non-root user with a read-only root file system. */
export interface LbImageProfile {
  image: string;
  /** The main config file (ConfigMap key and file name under LB_CONFIG_DIR). */
  configFile: string;
  command: string[];
  /** The unprivileged user of the official image. */
  uid: number;
  /** TLS Secret keys -> file names under LB_TLS_DIR. */
  tlsItems: { key: string; path: string }[];
  resources: Required<ResourceRequirements>;
  render: RenderOptions;
}

const TLS_CRT_KEY = [
  { key: 'tls.crt', path: 'tls.crt' },
  { key: 'tls.key', path: 'tls.key' },
];

export const LB_PROFILES: Record<RunLbMode, LbImageProfile> = {
  // haproxy:2.6 (Debian): user haproxy, uid 99. `-db`: foreground, logs to stderr. HAProxy 2.6
  // loads the key of `crt tls.crt` from `tls.crt.key` (docs/load-balancers.md).
  haproxy: {
    image: 'haproxy:2.6',
    configFile: 'haproxy.cfg',
    command: ['haproxy', '-db', '-f', `${LB_CONFIG_DIR}/haproxy.cfg`],
    uid: 99,
    tlsItems: [
      { key: 'tls.crt', path: 'tls.crt' },
      { key: 'tls.key', path: 'tls.crt.key' },
    ],
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    render: {},
  },
  // nginx:1.22 (Debian): user nginx, uid 101. The command bypasses the image's entrypoint
  // scripts (they edit /etc/nginx, read-only here); `-p` makes the config's relative pid and temp
  // paths land in the emptyDir; `-e stderr` keeps nginx off /var/log/nginx before it reads the file.
  nginx: {
    image: 'nginx:1.22',
    configFile: 'nginx.conf',
    command: [
      'nginx',
      '-p',
      `${LB_RUN_DIR}/`,
      '-c',
      `${LB_CONFIG_DIR}/nginx.conf`,
      '-e',
      'stderr',
      '-g',
      'daemon off;',
    ],
    uid: 101,
    tlsItems: TLS_CRT_KEY,
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    render: {},
  },
  // httpd:2.4 (Debian): user www-data, uid 33; modules under /usr/local/apache2/modules. The event
  // MPM holds a thread per long poll and WebSocket (docs/load-balancers.md), hence more memory.
  apache: {
    image: 'httpd:2.4',
    configFile: 'httpd.conf',
    command: ['httpd', '-D', 'FOREGROUND', '-f', `${LB_CONFIG_DIR}/httpd.conf`],
    uid: 33,
    tlsItems: TLS_CRT_KEY,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    render: { apacheModulesDir: '/usr/local/apache2/modules' },
  },
};

export function isRunLbMode(mode: unknown): mode is RunLbMode {
  return mode === 'nginx' || mode === 'haproxy' || mode === 'apache';
}

/** Labels selecting the LB pods. Not the GMS selector (component differs), and without the
 *  managed-by label: the operator's pod cache is for GMS nodes only (status, rollout). */
export function lbSelectorLabels(cs: ChatService): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'gms-lb',
    'app.kubernetes.io/instance': cs.metadata.name,
    'app.kubernetes.io/component': LB_COMPONENT,
  };
}

/** The per-node ClusterIP Service of GMS node `ordinal` (nginx and apache backends). */
export function nodeServiceName(cs: ChatService, ordinal: number): string {
  return `${cs.metadata.name}-node-${ordinal}`;
}

/** Whether the mode's LB resolves backend names once (so it needs the per-node Services). */
export function resolvesOnce(mode: RunLbMode): boolean {
  return mode !== 'haproxy';
}

/** Backends of the in-cluster LB: pod names as server names / routes / cookie values; hosts
 *  are the per-node Services for nginx and apache, the pod DNS names for HAProxy. */
export function lbBackends(cs: ChatService, mode: RunLbMode): LbBackend[] | undefined {
  if (!resolvesOnce(mode)) return undefined; // src/lb default: the StatefulSet pod DNS names
  const n = Math.max(0, cs.spec.gms.replicas ?? DEFAULT_GMS_REPLICAS);
  return Array.from({ length: n }, (_, i) => ({
    name: gmsPodName(cs, i),
    host: `${nodeServiceName(cs, i)}.${gmsNamespace(cs)}.svc.${DEFAULT_CLUSTER_DOMAIN}`,
    port: gmsPort(cs),
  }));
}

/** CPU count of a Kubernetes quantity ("500m", "2"), rounded up; undefined if not one. */
function cpuCount(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  const s = String(q);
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(s);
  if (!m) return undefined;
  const cores = Number(m[1]) / (m[2] === 'm' ? 1000 : 1);
  return Math.min(64, Math.max(1, Math.ceil(cores)));
}

export function lbResources(cs: ChatService, mode: RunLbMode): ResourceRequirements {
  return cs.spec.expose?.resources ?? LB_PROFILES[mode].resources;
}

/** The render options of the in-cluster config (ports, paths, health listener, backends). */
export function lbRenderOptions(cs: ChatService, mode: RunLbMode): RenderOptions {
  const backends = lbBackends(cs, mode);
  return {
    ...LB_PROFILES[mode].render,
    ...(backends ? { backends } : {}),
    listen: { httpPort: LB_HTTP_PORT, httpsPort: LB_HTTPS_PORT },
    healthPort: LB_HEALTH_PORT,
    tlsDir: LB_TLS_DIR,
    runDir: LB_RUN_DIR,
    ...(mode === 'nginx'
      ? {
          nginxWorkerProcesses:
            cpuCount(lbResources(cs, mode).limits?.cpu) ?? DEFAULT_NGINX_WORKERS,
        }
      : {}),
  };
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

export interface LoadBalancerInput {
  /** tls.crt of spec.expose.tls.secretName as stored (base64), when the Secret exists. */
  tlsCertificate?: string;
}

/** Every object of an operator-run load balancer, in apply order. */
export function loadBalancerObjects(
  cs: ChatService,
  mode: RunLbMode,
  input: LoadBalancerInput = {},
): ManifestObject[] {
  const profile = LB_PROFILES[mode];
  const expose = cs.spec.expose ?? {};
  const files = renderLoadBalancer(mode, cs, lbRenderOptions(cs, mode));
  const data: Record<string, string> = {};
  for (const f of files) data[f.path.split('/').pop()!] = f.content;
  const configHash = sha(
    Object.keys(data)
      .sort()
      .map((k) => `${k}\0${data[k]}`)
      .join('\0'),
  );
  const name = names.loadBalancerConfig(cs);
  const configMap: ManifestObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(cs, name, LB_COMPONENT, {
      labels: { [LABEL_CONFIG_ROLE]: 'load-balancer' },
      annotations: { 'gms.chatops.io/load-balancer': mode },
    }),
    data,
  };
  const tls = expose.tls !== undefined;
  const objects: ManifestObject[] = [configMap];
  const backends = lbBackends(cs, mode);
  for (let i = 0; i < (backends?.length ?? 0); i++) objects.push(nodeService(cs, i));
  objects.push(
    deployment(cs, mode, profile, { configHash, tls, tlsCertificate: input.tlsCertificate }),
    service(cs, tls),
    podDisruptionBudget(cs),
  );
  return objects;
}

function nodeService(cs: ChatService, ordinal: number): ManifestObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(cs, nodeServiceName(cs, ordinal), LB_COMPONENT, {
      labels: { [`${API_GROUP}/node`]: gmsPodName(cs, ordinal) },
    }),
    spec: {
      type: 'ClusterIP',
      // Ready endpoints only: a node the rollout detached (OFFLINE, not Ready) or one that is
      // restarting refuses connections here, so nginx/Apache move to another node at connect.
      selector: { ...selectorLabels(cs), [POD_NAME_LABEL]: gmsPodName(cs, ordinal) },
      ports: [{ name: 'http', port: gmsPort(cs), targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

function deployment(
  cs: ChatService,
  mode: RunLbMode,
  profile: LbImageProfile,
  opts: { configHash: string; tls: boolean; tlsCertificate: string | undefined },
): ManifestObject {
  const expose = cs.spec.expose ?? {};
  const selector = lbSelectorLabels(cs);
  const annotations: Record<string, string> = {
    [ANNOTATION_LB_CONFIG_HASH]: opts.configHash,
    'kubectl.kubernetes.io/default-container': LB_CONTAINER,
  };
  if (opts.tls && opts.tlsCertificate !== undefined)
    annotations[ANNOTATION_LB_TLS_HASH] = sha(opts.tlsCertificate);
  const ports: Record<string, unknown>[] = [
    { name: 'http', containerPort: LB_HTTP_PORT, protocol: 'TCP' },
  ];
  if (opts.tls) ports.push({ name: 'https', containerPort: LB_HTTPS_PORT, protocol: 'TCP' });
  ports.push({ name: 'health', containerPort: LB_HEALTH_PORT, protocol: 'TCP' });
  const volumeMounts: Record<string, unknown>[] = [
    { name: 'config', mountPath: LB_CONFIG_DIR, readOnly: true },
    { name: 'run', mountPath: LB_RUN_DIR },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  const volumes: Record<string, unknown>[] = [
    {
      name: 'config',
      configMap: {
        name: names.loadBalancerConfig(cs),
        items: [{ key: profile.configFile, path: profile.configFile }],
        defaultMode: 0o444,
      },
    },
    { name: 'run', emptyDir: { sizeLimit: '256Mi' } },
    { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
  ];
  if (opts.tls) {
    volumeMounts.push({ name: 'tls', mountPath: LB_TLS_DIR, readOnly: true });
    volumes.push({
      name: 'tls',
      // Group-readable through fsGroup: the key never becomes world-readable.
      secret: { secretName: expose.tls!.secretName, items: profile.tlsItems, defaultMode: 0o440 },
    });
  }
  const probe = { httpGet: { path: '/healthz', port: 'health' } };
  const container: Record<string, unknown> = {
    name: LB_CONTAINER,
    image: expose.image || profile.image,
    command: profile.command,
    ports,
    readinessProbe: {
      ...probe,
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 2,
      successThreshold: 1,
    },
    livenessProbe: {
      ...probe,
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
    // The endpoints controller and every kube-proxy / cloud LB need a moment to stop sending
    // new connections here before the server stops accepting them.
    lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
    resources: lbResources(cs, mode),
    volumeMounts,
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    },
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(cs, names.loadBalancerConfig(cs), LB_COMPONENT, {
      annotations: { 'gms.chatops.io/load-balancer': mode },
    }),
    spec: {
      replicas: expose.replicas ?? DEFAULT_LB_REPLICAS,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      // Never below the desired count while rolling: a new pod is Ready before an old one stops.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: {
            ...selector,
            'app.kubernetes.io/part-of': 'gms-operator',
            [LABEL_CHAT_SERVICE]: cs.metadata.name,
          },
          annotations,
        },
        spec: {
          // The official images stop gracefully on their STOPSIGNAL (nginx QUIT, HAProxy USR1,
          // httpd WINCH): held long polls (at most CometD timeout + maxNetworkDelay, 40 s) end;
          // WebSockets are cut at the deadline and CometD reconnects, sticky to the same node.
          terminationGracePeriodSeconds: 60,
          enableServiceLinks: false,
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: profile.uid,
            runAsGroup: profile.uid,
            fsGroup: profile.uid,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [container],
          volumes,
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
            },
          ],
        },
      },
    },
  };
}

function service(cs: ChatService, tls: boolean): ManifestObject {
  const expose = cs.spec.expose ?? {};
  const type = expose.serviceType ?? DEFAULT_LB_SERVICE_TYPE;
  const ports: Record<string, unknown>[] = [
    { name: 'http', port: LB_SERVICE_HTTP_PORT, targetPort: 'http', protocol: 'TCP' },
  ];
  if (tls)
    ports.push({
      name: 'https',
      port: LB_SERVICE_HTTPS_PORT,
      targetPort: 'https',
      protocol: 'TCP',
    });
  const annotations = expose.serviceAnnotations ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(cs, names.loadBalancerConfig(cs), LB_COMPONENT, { annotations }),
    spec: {
      type,
      selector: lbSelectorLabels(cs),
      ports,
      // source-ip affinity hashes the client address: keep it (no SNAT to a node address).
      ...(expose.affinity === 'source-ip' && type !== 'ClusterIP'
        ? { externalTrafficPolicy: 'Local' }
        : {}),
    },
  };
}

function podDisruptionBudget(cs: ChatService): ManifestObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMeta(cs, names.loadBalancerConfig(cs), LB_COMPONENT),
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: lbSelectorLabels(cs) },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
