/**
 * Shared types of the load-balancer renderers (DESIGN.md box `lb`). The renderers are pure
 * functions of a ChatService and these options: gmsctl and the operator call the same ones.
 */

/** Every target `gmsctl render --target` and `spec.expose.mode` can name (but `none`). */
export const LB_TARGETS = ['nginx', 'haproxy', 'apache', 'ingress-nginx', 'gateway-api'] as const;
export type LbTarget = (typeof LB_TARGETS)[number];

export function isLbTarget(value: unknown): value is LbTarget {
  return typeof value === 'string' && (LB_TARGETS as readonly string[]).includes(value);
}

/** One GMS node the load balancer sends traffic to. */
export interface LbBackend {
  /** Stable name: the pod name for StatefulSet nodes, `gms-<i>` for `--backend` ones. It is
   *  the HAProxy server name and cookie value and the Apache route, so it must not change when
   *  other backends come or go (stickiness survives a scale-out). */
  name: string;
  /** DNS name, IPv4 address, or IPv6 address (without brackets). */
  host: string;
  port: number;
}

/** A file a renderer produced; `path` is relative (the CLI puts it under `--output`). */
export interface RenderedFile {
  path: string;
  content: string;
}

/** CometD timing the load balancer must respect (domain/load-balancers.md §1). */
export interface CometdTiming {
  /** Server `timeout`: how long a `/meta/connect` long poll is held (CometD default 30000). */
  timeoutMs?: number;
  /** Client `maxNetworkDelay` (CometD JS client default 10000). */
  maxNetworkDelayMs?: number;
}

export interface RenderOptions {
  /** GMS nodes to balance over; default: the StatefulSet pod DNS names (see ./backends.ts). */
  backends?: LbBackend[];
  /** Where the standalone nginx/HAProxy/Apache config listens (default all addresses, 80/443). */
  listen?: { address?: string; httpPort?: number; httpsPort?: number };
  /** CometD timing; defaults are CometD's. Lower values exist for tests and special setups. */
  cometd?: CometdTiming;
  /** Directory holding `tls.crt` and `tls.key` (the Kubernetes TLS Secret mounted as files). */
  tlsDir?: string;
  /** Apache: directory of the `mod_*.so` files (Debian: /usr/lib/apache2/modules). */
  apacheModulesDir?: string;
  /** Apache and nginx: directory for pid file, runtime files and temp files of the standalone config. */
  runDir?: string;
  /** HAProxy/Apache health checks: `user:password` for the GMS node API when it requires basic
   *  auth (spec.nodeApi.basicAuth). Rendered into the LB config, so only pass it when the file
   *  is kept as a secret. Without it a node API behind auth is checked at TCP level only. */
  nodeApiCredentials?: { username: string; password: string };
  /** In-cluster (the load balancer the operator runs): a second listener on this port that
   *  answers `GET /healthz` with 200, for the kubelet's probes (the main listener routes GMS
   *  paths only). Unset: no such listener. */
  healthPort?: number;
  /** nginx: `worker_processes` (default `auto`: one per CPU of the machine, which in a
   *  container is the node's CPU count, not the pod's share). */
  nginxWorkerProcesses?: number;
}

/** One problem with a value that would reach load-balancer text. */
export interface LbInputIssue {
  /** Dotted field path, e.g. `spec.expose.host` or `--backend[1]`. */
  field: string;
  value: unknown;
  message: string;
}

/** Thrown by the renderers when an input is invalid; nothing is rendered then. */
export class LbInputError extends Error {
  readonly issues: LbInputIssue[];
  constructor(issues: LbInputIssue[]) {
    super(
      `invalid load-balancer input: ${issues
        .map((i) => `${i.field}: ${i.message} (got ${JSON.stringify(i.value)})`)
        .join('; ')}`,
    );
    this.name = 'LbInputError';
    this.issues = issues;
  }
}
