// nginx OSS 1.22 templates (domain/load-balancers.md §2). Partials: `http` (http-context maps
// and upstream) and `locations` (location blocks for an existing server {}).

/** http context: maps + upstream. Included as conf.d/*.conf or inlined in nginx.conf. */
export const NGINX_HTTP = `# WebSocket: pass Upgrade/Connection hop-by-hop headers (nginx.org websocket.xml). With
# upstream keepalive an empty Upgrade maps to "" (keep the upstream connection), not "close".
map $http_upgrade $gms_{{id}}_connection_upgrade {
    default upgrade;
    ''      '';
}
{{#if (eq affinity "cookie")}}
# Stickiness from the first request without nginx Plus (load-balancers.md §2.2, §2.5): without
# a {{cookieName}} cookie the request hashes on $request_id and the response sets
# {{cookieName}}=$request_id, so the next request hashes to the same node.
map $cookie_{{cookieName}} $gms_{{id}}_route_key {
    ""      $request_id;
    default $cookie_{{cookieName}};
}
map $cookie_{{cookieName}} $gms_{{id}}_route_set_cookie {
    ""      "{{cookieName}}=$request_id; Path={{cookiePath}}; HttpOnly{{cookieAttributes}}";
    default "";
}
{{/if}}
upstream gms_{{id}} {
    # Shared memory for the peer state (failures, fail_timeout): every worker process sees a
    # node fail and come back at the same moment, so a CometD session's requests never
    # alternate between nodes depending on which worker accepted the connection (a request on
    # the wrong node is a 402, a re-handshake and possibly a lost subscription).
    zone gms_{{id}} 64k;
{{#if (eq affinity "cookie")}}
    hash $gms_{{id}}_route_key consistent;
{{else}}
    # Client-address stickiness (ketama: a removed node moves only its own clients). Needs
    # the real client address: set_real_ip_from + real_ip_header when behind another proxy.
    hash $remote_addr consistent;
{{/if}}
{{#each backends}}
    server {{this.address}} max_fails=1 fail_timeout=10s;  # {{this.name}}
{{/each}}
    keepalive 64;
}
`;

/** Proxy settings shared by the CometD and Chat V2 locations. */
const PROXY = `    proxy_pass http://gms_{{id}};
    proxy_http_version 1.1;
    proxy_set_header Host $host;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $gms_{{id}}_connection_upgrade;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    # Long polls are answered as they come: no response buffering (rule 5).
    proxy_buffering off;
    proxy_request_buffering off;
    proxy_connect_timeout {{timeouts.connectS}}s;
    # > CometD timeout + maxNetworkDelay ({{cometdTimeoutS}} s + {{maxNetworkDelayS}} s): the client gives up first (rule 1).
    proxy_read_timeout {{timeouts.readS}}s;
    proxy_send_timeout {{timeouts.readS}}s;
    # Retry only when the node could not be reached, never on timeout: the default
    # "error timeout" replays a held long-poll GET on every node (load-balancers.md §2.4).
    proxy_next_upstream error;
    proxy_next_upstream_tries 2;
{{#if (eq affinity "cookie")}}
    add_header Set-Cookie $gms_{{id}}_route_set_cookie always;
{{/if}}
{{#if crossSite}}
    # Cross-site widget: BAYEUX_BROWSER needs Secure; SameSite=None; Partitioned (gms.md §6).
    proxy_cookie_flags BAYEUX_BROWSER secure samesite=none;
    proxy_cookie_path ~^(/.*)$ "$1; Partitioned";
{{/if}}
`;

/** Location blocks, to include inside an existing server {} of the http context above. */
export const NGINX_LOCATIONS = `# CometD (long-polling, callback-polling, WebSocket) and the Chat API V2. The GMS node admin
# API (/genesys/1/admin/) is deliberately not routed.
location /genesys/cometd {
${PROXY}}
location /genesys/2/ {
${PROXY}}
`;

export const NGINX_CONF = `{{banner}}
# Standalone nginx.conf: check with  nginx -t -p <prefix>/ -c nginx.conf  (relative paths
# resolve against the -p prefix; runs as an unprivileged user too).
# One worker per core: the upstream zone below keeps the workers' view of the GMS nodes shared.
worker_processes {{nginxWorkerProcesses}};
pid nginx.pid;
error_log stderr warn;

events {
    worker_connections 4096;
}

http {
    access_log /dev/stdout;
    client_body_temp_path client_body_temp;
    proxy_temp_path proxy_temp;
    fastcgi_temp_path fastcgi_temp;
    uwsgi_temp_path uwsgi_temp;
    scgi_temp_path scgi_temp;
    server_tokens off;

    {{> http}}
{{#if tls}}
    server {
        listen {{listenPrefix}}{{httpPort}};
{{#if host}}
        server_name {{host}};
{{/if}}
        return 308 https://$host$request_uri;
    }
{{/if}}
    server {
{{#if tls}}
        listen {{listenPrefix}}{{httpsPort}} ssl;
        ssl_certificate {{tlsDir}}/tls.crt;
        ssl_certificate_key {{tlsDir}}/tls.key;
        ssl_protocols TLSv1.2 TLSv1.3;
{{else}}
        listen {{listenPrefix}}{{httpPort}};
{{/if}}
{{#if host}}
        server_name {{host}};
{{/if}}

        {{> locations}}
    }
{{#if healthPort}}

    # Liveness and readiness of nginx itself (kubelet probes); nothing here reaches GMS.
    server {
        listen {{listenPrefix}}{{healthPort}};
        access_log off;
        location = /healthz {
            default_type text/plain;
            return 200 ok;
        }
        location / {
            return 404;
        }
    }
{{/if}}
}
`;
