/**
 * nginx OSS 1.22 renderer (domain/load-balancers.md §2): a standalone nginx.conf that passes
 * `nginx -t`, plus the same text split for an existing installation: `conf.d/gms-<name>.conf`
 * (http context: maps and upstream) and `snippets/gms-<name>-locations.conf` (include it inside
 * your server {}).
 */
import { banner, compileTemplates } from './templates.js';
import { NGINX_CONF, NGINX_HTTP, NGINX_LOCATIONS } from './templates/nginx.js';
import { AFFINITY_COOKIE_PATH, hostPort, type LbModel } from './model.js';
import type { RenderedFile } from './types.js';

const T = compileTemplates(
  { conf: NGINX_CONF, http: NGINX_HTTP, locations: NGINX_LOCATIONS },
  { http: NGINX_HTTP, locations: NGINX_LOCATIONS },
);

export function nginxContext(m: LbModel): Record<string, unknown> {
  return {
    ...m,
    backends: m.backends.map((b) => ({ ...b, address: hostPort(b) })),
    cookiePath: AFFINITY_COOKIE_PATH,
    cometdTimeoutS: m.timeouts.cometdTimeoutMs / 1000,
    maxNetworkDelayS: m.timeouts.maxNetworkDelayMs / 1000,
    listenPrefix: m.listenAddress && m.listenAddress !== '*' ? `${m.listenAddress}:` : '',
    host: m.host ?? false,
    banner: banner('#', 'nginx configuration', m.namespace, m.name),
  };
}

export function renderNginx(m: LbModel): RenderedFile[] {
  const ctx = nginxContext(m);
  const head = (what: string): string => `${banner('#', what, m.namespace, m.name)}\n`;
  return [
    { path: 'nginx/nginx.conf', content: T.conf!(ctx) },
    {
      path: `nginx/conf.d/gms-${m.name}.conf`,
      content: `${head('nginx http-context part (maps, upstream); include in http {}, e.g. /etc/nginx/conf.d/')}${T.http!(ctx)}`,
    },
    {
      path: `nginx/snippets/gms-${m.name}-locations.conf`,
      content: `${head('nginx locations; `include` this inside your server {} (needs conf.d/gms-' + m.name + '.conf)')}${T.locations!(ctx)}`,
    },
  ];
}
