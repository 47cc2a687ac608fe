/**
 * The GMS node API (domain/gms.md §5, S11) and the probes a Kubernetes pod needs:
 *
 *   GET  /genesys/1/admin/node/status                  -> ONLINE | OFFLINE (text/plain)
 *   POST /genesys/1/admin/node/changestatus/ONLINE     -> attach to the Chat Server(s), accept CometD
 *   POST /genesys/1/admin/node/changestatus/OFFLINE    -> detach from the Chat Server(s), end the
 *                                                         CometD sessions, refuse new ones
 *   GET  /genesys/1/admin/node/info                    -> JSON details (project extension)
 *   GET  /healthz                                      -> 200 while the process serves (liveness)
 *   GET  /readyz                                       -> 200 when ONLINE, config loaded and (with
 *                                                         enable_notification_mode) a Chat Server
 *                                                         attached; 503 with the reasons otherwise
 *
 * OFFLINE is the seed's keep-GMS-online change procedure ("remove the connection to the Chat
 * Server instance ... add the connection again") made callable, so the operator can detach,
 * restart and reattach one node at a time (DESIGN.md, "Rollout (DetachReattach)").
 * The node API takes optional Basic authentication ("Latest docs require auth").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { sendJson, sendText } from '../util/http.js';

export type NodeStatus = 'ONLINE' | 'OFFLINE';

export interface Readiness {
  ready: boolean;
  reasons: string[];
  details: Record<string, unknown>;
}

export interface NodeApiContext {
  status(): NodeStatus;
  changeStatus(to: NodeStatus): Promise<void>;
  readiness(): Readiness;
  info(): Record<string, unknown>;
  auth?: { username: string; password: string };
}

export const NODE_API_PREFIX = '/genesys/1/admin/node';

function authorized(req: IncomingMessage, auth: NodeApiContext['auth']): boolean {
  if (!auth) return true;
  const h = req.headers.authorization ?? '';
  if (!h.startsWith('Basic ')) return false;
  const given = Buffer.from(h.slice(6), 'base64');
  const want = Buffer.from(`${auth.username}:${auth.password}`);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Handle a node API or probe request; false when the path is not one of them. */
export async function handleNodeApi(
  ctx: NodeApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const method = req.method ?? 'GET';
  if (path === '/healthz') {
    sendText(res, 200, 'ok\n');
    return true;
  }
  if (path === '/readyz') {
    const r = ctx.readiness();
    sendJson(res, r.ready ? 200 : 503, r);
    return true;
  }
  if (!path.startsWith(`${NODE_API_PREFIX}/`)) return false;
  if (!authorized(req, ctx.auth)) {
    sendText(res, 401, 'authentication required\n', {
      'www-authenticate': 'Basic realm="GMS node API"',
    });
    return true;
  }
  const sub = path.slice(NODE_API_PREFIX.length);
  if (sub === '/status') {
    if (method !== 'GET') return (methodNotAllowed(res, 'GET'), true);
    sendText(res, 200, ctx.status());
    return true;
  }
  if (sub === '/info') {
    if (method !== 'GET') return (methodNotAllowed(res, 'GET'), true);
    sendJson(res, 200, ctx.info());
    return true;
  }
  const m = /^\/changestatus\/([A-Za-z]+)$/.exec(sub);
  if (m) {
    if (method !== 'POST') return (methodNotAllowed(res, 'POST'), true);
    const to = (m[1] as string).toUpperCase();
    if (to !== 'ONLINE' && to !== 'OFFLINE') {
      sendText(
        res,
        400,
        `unknown status "${(m[1] as string).slice(0, 20)}"; expected ONLINE or OFFLINE\n`,
      );
      return true;
    }
    await ctx.changeStatus(to);
    sendText(res, 200, ctx.status());
    return true;
  }
  sendText(res, 404, `no node API ${sub}\n`);
  return true;
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendText(res, 405, `method not allowed; use ${allow}\n`, { allow });
}
