/**
 * Apache httpd 2.4 renderer (domain/load-balancers.md §5): `apache/gms-<name>.conf` to include
 * in an existing <VirtualHost>, and a standalone `apache/httpd.conf` (explicit LoadModule lines,
 * so `apache2 -t -f` checks it without Debian's APACHE_* environment).
 */
import { banner, compileTemplates } from './templates.js';
import {
  APACHE_CONF,
  APACHE_HEALTH_MODULES,
  APACHE_MODULES,
  APACHE_TLS_MODULES,
  APACHE_VHOST,
} from './templates/apache.js';
import { AFFINITY_COOKIE_PATH, hostPort, NODE_STATUS_PATH, type LbModel } from './model.js';
import type { RenderedFile } from './types.js';

const T = compileTemplates({ conf: APACHE_CONF, vhost: APACHE_VHOST }, { vhost: APACHE_VHOST });

export function renderApache(m: LbModel): RenderedFile[] {
  const ctx = {
    ...m,
    backends: m.backends.map((b) => ({ ...b, address: hostPort(b) })),
    cookiePath: AFFINITY_COOKIE_PATH,
    cometdTimeoutS: m.timeouts.cometdTimeoutMs / 1000,
    maxNetworkDelayS: m.timeouts.maxNetworkDelayMs / 1000,
    scheme: m.tls ? 'https' : 'http',
    statusPath: NODE_STATUS_PATH,
    // mod_proxy_hcheck sends no Authorization header: a node API behind auth gets TCP checks.
    httpCheck: !m.nodeApiNeedsAuth,
    modules: [
      ...APACHE_MODULES,
      ...(m.tls ? APACHE_TLS_MODULES : []),
      ...(m.healthPort !== false ? APACHE_HEALTH_MODULES : []),
    ],
    modulesDir: m.apacheModulesDir,
    listenPrefix: m.listenAddress && m.listenAddress !== '*' ? `${m.listenAddress}:` : '',
    vhostAddress: m.listenAddress ?? '*',
    serverName: m.host && !m.host.startsWith('*') ? m.host : 'localhost',
    banner: banner('#', 'Apache httpd configuration', m.namespace, m.name),
  };
  return [
    { path: 'apache/httpd.conf', content: T.conf!(ctx) },
    {
      path: `apache/gms-${m.name}.conf`,
      content: `${banner('#', 'Apache httpd <VirtualHost> part; Include it inside your VirtualHost', m.namespace, m.name)}\n${T.vhost!(ctx)}`,
    },
  ];
}
