/** HAProxy 2.6 renderer (domain/load-balancers.md §3): one complete haproxy.cfg. */
import { banner, compileTemplates } from './templates.js';
import { HAPROXY_CFG } from './templates/haproxy.js';
import { hostPort, NODE_STATUS_PATH, type LbModel } from './model.js';
import type { RenderedFile } from './types.js';

const T = compileTemplates({ cfg: HAPROXY_CFG });

export function renderHaproxy(m: LbModel): RenderedFile[] {
  const ctx = {
    ...m,
    backends: m.backends.map((b) => ({ ...b, address: hostPort(b) })),
    cookieMode: m.affinity === 'cookie',
    secure: m.tls || m.crossSite,
    sameSite: m.crossSite ? 'None' : 'Lax',
    cometdTimeoutS: m.timeouts.cometdTimeoutMs / 1000,
    maxNetworkDelayS: m.timeouts.maxNetworkDelayMs / 1000,
    bindAddress: m.listenAddress && m.listenAddress !== '*' ? m.listenAddress : '',
    host: m.host ?? false,
    statusPath: NODE_STATUS_PATH,
    httpCheck: !m.nodeApiNeedsAuth || m.nodeApiAuthorization !== undefined,
    authorization: m.nodeApiAuthorization ?? false,
    banner: banner('#', 'HAProxy configuration', m.namespace, m.name),
  };
  return [{ path: 'haproxy/haproxy.cfg', content: T.cfg!(ctx) }];
}
