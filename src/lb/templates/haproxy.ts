// HAProxy 2.6 template (domain/load-balancers.md §3, tested haproxy.cfg §3.4).

export const HAPROXY_CFG = `{{banner}}
# Check with  haproxy -c -f haproxy.cfg  (pod names that do not resolve yet are re-tried at run time).
global
    log stderr format short local0 warning
    # Each connection needs two file descriptors (client and server side): keep 2 x maxconn
    # below the process limit (ulimit -n) or HAProxy refuses to start.
    maxconn 4000
{{#unless backendsAreIps}}

# GMS pods get a new address when they restart: re-resolve their DNS names at run time.
resolvers gms_dns
    parse-resolv-conf
    hold valid 10s
    resolve_retries 3
    timeout resolve 1s
    timeout retry 1s
{{/unless}}

defaults
    mode http
    log global
    option httplog
    option dontlognull
    option forwardfor
    # A connect failure moves the request to another node (CometD re-handshakes there).
    option redispatch
    retries 2
    timeout connect {{timeouts.connectS}}s
    timeout queue {{timeouts.queueS}}s
    timeout http-request 10s
    timeout http-keep-alive 10s
    # > CometD timeout + maxNetworkDelay ({{cometdTimeoutS}} s + {{maxNetworkDelayS}} s): the client gives up first (rule 1).
    # The GMS sample's 25s is below CometD's 30 s long poll. No retry-on: a long poll that
    # timed out is answered 504, never replayed on another node (§2.4, §3.3).
    timeout server {{timeouts.readS}}s
    timeout client {{timeouts.readS}}s
    timeout client-fin 30s
    timeout server-fin 30s
    # WebSocket after the 101 (rule 2).
    timeout tunnel {{timeouts.tunnelS}}s

frontend fe_gms_{{id}}
{{#if tls}}
    bind {{bindAddress}}:{{httpPort}}
    # HAProxy 2.6 reads the key of tls.crt from tls.crt.key: mount the TLS Secret with
    # items tls.crt -> tls.crt and tls.key -> tls.crt.key (docs/load-balancers.md).
    bind {{bindAddress}}:{{httpsPort}} ssl crt {{tlsDir}}/tls.crt alpn http/1.1
    http-request redirect scheme https code 308 unless { ssl_fc }
    http-request set-header X-Forwarded-Proto https if { ssl_fc }
{{else}}
    bind {{bindAddress}}:{{httpPort}}
    http-request set-header X-Forwarded-Proto http
{{/if}}
{{#if host}}
    acl gms_host hdr(host),field(1,:) -i {{host}}
{{/if}}
    # CometD and the Chat API V2 only; the node admin API (/genesys/1/admin/) is not routed.
    acl gms_public path /genesys/cometd
    acl gms_public path_beg /genesys/cometd/ /genesys/2/
    http-request return status 404 content-type text/plain string "not found" unless gms_public{{#if host}} gms_host{{/if}}
    use_backend be_gms_{{id}}
{{#if healthPort}}

# Liveness and readiness of HAProxy itself (kubelet probes); nothing here reaches GMS.
frontend fe_health
    bind {{bindAddress}}:{{healthPort}}
    option dontlog-normal
    http-request return status 200 content-type text/plain string "ok" if { path /healthz }
    http-request return status 404 content-type text/plain string "not found"
{{/if}}

backend be_gms_{{id}}
{{#if (eq affinity "cookie")}}
    balance roundrobin
    # Stickiness by a cookie HAProxy sets itself (§3.1): sent once (indirect), not cached,
    # stripped toward GMS.
    cookie {{cookieName}} insert indirect nocache httponly{{#if secure}} secure{{/if}} attr "SameSite={{sameSite}}"{{#if crossSite}} attr "Partitioned"{{/if}}
{{else}}
    # Client-address stickiness (§3.2); the table is per HAProxy instance (add peers for more).
    balance source
    hash-type consistent
    stick-table type ip size 200k expire 30m
    stick on src
{{/if}}
{{#if crossSite}}
    # Cross-site widget: BAYEUX_BROWSER needs Secure; SameSite=None; Partitioned (gms.md §6).
    http-response replace-header Set-Cookie '^(BAYEUX_BROWSER=.*)$' '\\1; Secure; SameSite=None; Partitioned'
{{/if}}
{{#if httpCheck}}
    # Health: the GMS node status API answers ONLINE, or OFFLINE while the node is detached.
    option httpchk
    http-check send meth GET uri {{statusPath}} ver HTTP/1.1 hdr Host gms-health{{#if authorization}} hdr Authorization "{{authorization}}"{{/if}}
    http-check expect string ONLINE
{{else}}
    # The node API needs credentials (spec.nodeApi.basicAuth) that were not given to the
    # renderer: TCP checks only. Render with the credentials to check for ONLINE.
{{/if}}
    default-server inter 2s fall 3 rise 2{{#unless backendsAreIps}} resolvers gms_dns init-addr last,libc,none{{/unless}}
{{#each backends}}
    server {{this.name}} {{this.address}}{{#if ../cookieMode}} cookie {{this.name}}{{/if}} check
{{/each}}
`;
