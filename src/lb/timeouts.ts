/**
 * Load-balancer timeouts derived from CometD's timing (domain/load-balancers.md §1).
 *
 * T = server `timeout` (a `/meta/connect` is held that long), D = client `maxNetworkDelay`; the
 * client abandons a `/meta/connect` after T + D (40 s by default) and retries. The LB must never
 * give up before the client does, or every idle long poll ends in a 502/504 instead of an empty
 * reply (rule 1). We render twice that: (T + D) * 2 = 80 s by default, above the defaults of
 * nginx (60 s proxy_read_timeout) and Apache (60 s Timeout) so a rendered config never lowers a
 * limit, and far enough above T that slow GC pauses on a GMS node do not turn into errors.
 */
import type { CometdTiming } from './types.js';

export const COMETD_DEFAULT_TIMEOUT_MS = 30_000;
export const COMETD_DEFAULT_MAX_NETWORK_DELAY_MS = 10_000;
/** CometD `maxInterval`: a session without a `/meta/connect` for this long is dropped. */
export const COMETD_DEFAULT_MAX_INTERVAL_MS = 10_000;

/** WebSocket idle limit (HAProxy `timeout tunnel`, ingress-nginx docs suggest >= 3600, rule 2). */
export const TUNNEL_TIMEOUT_S = 3600;
/** Connect and queue limits stay far below maxInterval (rule 3) so a retry still finds the session. */
export const CONNECT_TIMEOUT_S = 5;
export const QUEUE_TIMEOUT_S = 5;

export interface LbTimeouts {
  /** CometD server timeout T, in ms. */
  cometdTimeoutMs: number;
  /** CometD client maxNetworkDelay D, in ms. */
  maxNetworkDelayMs: number;
  /** Read/send (idle) timeout toward a GMS node for HTTP requests, whole seconds. */
  readS: number;
  connectS: number;
  queueS: number;
  tunnelS: number;
}

export function lbTimeouts(timing: CometdTiming = {}): LbTimeouts {
  const cometdTimeoutMs = timing.timeoutMs ?? COMETD_DEFAULT_TIMEOUT_MS;
  const maxNetworkDelayMs = timing.maxNetworkDelayMs ?? COMETD_DEFAULT_MAX_NETWORK_DELAY_MS;
  const readS = Math.ceil((2 * (cometdTimeoutMs + maxNetworkDelayMs)) / 1000);
  return {
    cometdTimeoutMs,
    maxNetworkDelayMs,
    readS,
    connectS: Math.min(CONNECT_TIMEOUT_S, readS),
    queueS: Math.min(QUEUE_TIMEOUT_S, readS),
    tunnelS: Math.max(TUNNEL_TIMEOUT_S, readS),
  };
}

/**
 * Thresholds `gmsctl validate` applies to hand-written configs (load-balancers.md §1, rule 1):
 * a read timeout below T + 5 s cuts every idle long poll (error); below T + D + 5 s it cuts
 * long polls the client still waits for (warning).
 */
export function readTimeoutThresholds(timing: CometdTiming = {}): {
  errorBelowS: number;
  warnBelowS: number;
} {
  const t = (timing.timeoutMs ?? COMETD_DEFAULT_TIMEOUT_MS) / 1000;
  const d = (timing.maxNetworkDelayMs ?? COMETD_DEFAULT_MAX_NETWORK_DELAY_MS) / 1000;
  return { errorBelowS: t + 5, warnBelowS: t + d + 5 };
}
