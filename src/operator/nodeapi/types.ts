/**
 * The GMS node API, as the rollout uses it (domain/gms.md §5, S11):
 *
 *   GET  /genesys/1/admin/node/status                     -> ONLINE | OFFLINE
 *   POST /genesys/1/admin/node/changestatus/{ONLINE|OFFLINE}
 *
 * OFFLINE takes the node out of service (Suspended in SCS); the rollout uses it to detach a
 * node from the Chat Server before restarting it and ONLINE to reattach it (domain/gms.md §7).
 * The latest GMS documentation requires authentication (basic, `curl -u default:password`).
 */

export type NodeStatus = 'ONLINE' | 'OFFLINE';

export const NODE_STATUS_PATH = '/genesys/1/admin/node/status';
export const CHANGE_STATUS_PATH = '/genesys/1/admin/node/changestatus';

export interface BasicCredentials {
  username: string;
  password: string;
}

/** One GMS node to talk to. */
export interface NodeTarget {
  /** The node's name (its pod name), for errors, logs and the recording double. */
  node: string;
  /** Base URL without a trailing slash, e.g. http://10.0.0.7:8080. */
  baseUrl: string;
  /** From the Secret referenced by spec.nodeApi.basicAuth, when the node API needs auth. */
  auth?: BasicCredentials;
}

export type NodeApiErrorKind =
  /** Connection refused/reset, DNS failure, timeout: the node may be down. */
  | 'unreachable'
  /** 401/403: the credentials are wrong; retrying will not help. */
  | 'unauthorized'
  /** Another non-2xx answer. */
  | 'http'
  /** A 2xx answer that is not a node status, or a status change the node did not take. */
  | 'protocol';

export class NodeApiError extends Error {
  constructor(
    readonly node: string,
    readonly kind: NodeApiErrorKind,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(`node ${node}: ${message}`);
    this.name = 'NodeApiError';
  }
}

/** What the rollout needs from a GMS node. Implementations: HTTP, and a recording double. */
export interface NodeApiClient {
  status(target: NodeTarget): Promise<NodeStatus>;
  changeStatus(target: NodeTarget, status: NodeStatus): Promise<void>;
}

/**
 * Change the status and confirm it with GET status (the issue: "confirm with GET status"): a
 * node that answers 200 to changestatus but still reports the old status is not detached.
 */
export async function changeStatusConfirmed(
  client: NodeApiClient,
  target: NodeTarget,
  status: NodeStatus,
): Promise<void> {
  await client.changeStatus(target, status);
  const now = await client.status(target);
  if (now !== status)
    throw new NodeApiError(
      target.node,
      'protocol',
      `changestatus/${status} answered OK but GET status reports ${now}`,
    );
}

/** Parse a status body: `ONLINE`, `"ONLINE"`, or a JSON object with a `status` field. */
export function parseNodeStatus(body: string): NodeStatus | undefined {
  let text = body.trim();
  if (text.startsWith('{')) {
    try {
      const obj = JSON.parse(text) as Record<string, unknown>;
      const v = obj['status'] ?? obj['nodeStatus'];
      text = typeof v === 'string' ? v : '';
    } catch {
      return undefined;
    }
  }
  text = text
    .replace(/^"(.*)"$/, '$1')
    .trim()
    .toUpperCase();
  return text === 'ONLINE' || text === 'OFFLINE' ? text : undefined;
}
