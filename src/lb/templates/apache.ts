// Apache httpd 2.4 templates (domain/load-balancers.md §5). `vhost` is the part to include in an
// existing <VirtualHost>; `conf` is a standalone httpd.conf around it.

/** Modules the vhost part needs, in load order: [module id, file]. */
export const APACHE_MODULES: ReadonlyArray<readonly [string, string]> = [
  ['mpm_event_module', 'mod_mpm_event.so'],
  ['unixd_module', 'mod_unixd.so'],
  ['log_config_module', 'mod_log_config.so'],
  ['authz_core_module', 'mod_authz_core.so'],
  ['headers_module', 'mod_headers.so'],
  ['slotmem_shm_module', 'mod_slotmem_shm.so'],
  ['watchdog_module', 'mod_watchdog.so'],
  ['proxy_module', 'mod_proxy.so'],
  ['proxy_http_module', 'mod_proxy_http.so'],
  ['proxy_balancer_module', 'mod_proxy_balancer.so'],
  ['proxy_hcheck_module', 'mod_proxy_hcheck.so'],
  ['lbmethod_byrequests_module', 'mod_lbmethod_byrequests.so'],
];
/** For the /healthz listener (in-cluster only). */
export const APACHE_HEALTH_MODULES: ReadonlyArray<readonly [string, string]> = [
  ['status_module', 'mod_status.so'],
];
export const APACHE_TLS_MODULES: ReadonlyArray<readonly [string, string]> = [
  ['alias_module', 'mod_alias.so'],
  ['socache_shmcb_module', 'mod_socache_shmcb.so'],
  ['ssl_module', 'mod_ssl.so'],
];

export const APACHE_VHOST = `# Needs: mod_proxy, mod_proxy_http (>= 2.4.47 for upgrade=websocket), mod_proxy_balancer,
# mod_lbmethod_byrequests, mod_slotmem_shm, mod_proxy_hcheck, mod_headers
# (Debian: a2enmod proxy proxy_http proxy_balancer lbmethod_byrequests slotmem_shm proxy_hcheck headers).
# Never "ProxyRequests On" (the GMS sample's open forward proxy).
ProxyRequests Off
ProxyPreserveHost On
RequestHeader set X-Forwarded-Proto "{{scheme}}"

# Stickiness by a route cookie Apache sets itself when it picks a node (mod_proxy_balancer):
# {{cookieName}}=.<route>; the balancer reads the route after the dot.
Header add Set-Cookie "{{cookieName}}=.%{BALANCER_WORKER_ROUTE}e; Path={{cookiePath}}; HttpOnly{{cookieAttributes}}" env=BALANCER_ROUTE_CHANGED
{{#if crossSite}}
# Cross-site widget: BAYEUX_BROWSER needs Secure; SameSite=None; Partitioned (gms.md §6).
Header edit* Set-Cookie "^(BAYEUX_BROWSER=.*)$" "$1; Secure; SameSite=None; Partitioned"
{{/if}}

{{#if httpCheck}}
# Health: the GMS node status API answers ONLINE, or OFFLINE while the node is detached.
ProxyHCExpr gms_online {hc('body') =~ /ONLINE/}
ProxyHCTemplate gms_{{id}}_hc hcmethod=GET hcuri={{statusPath}} hcexpr=gms_online hcinterval=2 hcfails=3 hcpasses=2
{{else}}
# The node API needs credentials (spec.nodeApi.basicAuth) and mod_proxy_hcheck cannot send
# them: TCP checks only.
ProxyHCTemplate gms_{{id}}_hc hcmethod=TCP hcinterval=2 hcfails=3 hcpasses=2
{{/if}}

<Proxy "balancer://gms_{{id}}">
{{#each backends}}
    BalancerMember "http://{{this.address}}" route={{this.name}} upgrade=websocket connectiontimeout={{../timeouts.connectS}} timeout={{../timeouts.readS}} hctemplate=gms_{{../id}}_hc
{{/each}}
    # timeout > CometD timeout + maxNetworkDelay ({{cometdTimeoutS}} s + {{maxNetworkDelayS}} s): the client gives up first.
    ProxySet stickysession={{cookieName}} lbmethod=byrequests timeout={{timeouts.readS}}
</Proxy>

# CometD and the Chat API V2 only; the node admin API (/genesys/1/admin/) is not routed.
ProxyPass "/genesys/cometd" "balancer://gms_{{id}}/genesys/cometd"
ProxyPassReverse "/genesys/cometd" "balancer://gms_{{id}}/genesys/cometd"
ProxyPass "/genesys/2/" "balancer://gms_{{id}}/genesys/2/"
ProxyPassReverse "/genesys/2/" "balancer://gms_{{id}}/genesys/2/"
`;

export const APACHE_CONF = `{{banner}}
# Standalone httpd.conf: check with  apache2 -t -f <absolute path>  (or httpd -t -f ...).
# Module directory {{modulesDir}}; runtime files under {{runDir}}.
{{#each modules}}
<IfModule !{{this.[0]}}>
    LoadModule {{this.[0]}} {{../modulesDir}}/{{this.[1]}}
</IfModule>
{{/each}}

# Every held long poll and every WebSocket occupies one worker thread while it lasts; when the
# threads run out, the event MPM closes idle keep-alive connections (clients see resets). Size
# MaxRequestWorkers above the number of concurrent CometD sessions.
<IfModule mpm_event_module>
    StartServers 4
    ServerLimit 16
    ThreadsPerChild 64
    ThreadLimit 64
    MaxRequestWorkers 1024
    MinSpareThreads 128
    MaxSpareThreads 512
</IfModule>

ServerName {{serverName}}
PidFile {{runDir}}/httpd.pid
DefaultRuntimeDir {{runDir}}
Mutex file:{{runDir}} default
ErrorLog /dev/stderr
LogLevel warn
LogFormat "%h %l %u %t \\"%r\\" %>s %b %D" gms
CustomLog /dev/stdout gms
ServerTokens Prod
KeepAlive On
# CometD clients reuse one connection for every long poll; Apache's default (100) closes it
# under them, and a request racing the close fails.
MaxKeepAliveRequests 10000
# > CometD timeout + maxNetworkDelay; the core default (60 s) would be the proxy timeout otherwise.
Timeout {{timeouts.readS}}
ProxyTimeout {{timeouts.readS}}

{{#if healthPort}}
# Liveness and readiness of Apache itself (kubelet probes): mod_status counters only, nothing
# here reaches GMS.
ExtendedStatus Off
Listen {{listenPrefix}}{{healthPort}}
<VirtualHost {{vhostAddress}}:{{healthPort}}>
    ServerName {{serverName}}
    CustomLog /dev/null gms
    <Location "/healthz">
        SetHandler server-status
    </Location>
</VirtualHost>

{{/if}}
{{#if tls}}
Listen {{listenPrefix}}{{httpPort}}
Listen {{listenPrefix}}{{httpsPort}}
<VirtualHost {{vhostAddress}}:{{httpPort}}>
    ServerName {{serverName}}
    RedirectMatch permanent "^/(.*)$" "https://{{serverName}}/$1"
</VirtualHost>
<VirtualHost {{vhostAddress}}:{{httpsPort}}>
    ServerName {{serverName}}
    SSLEngine on
    SSLCertificateFile {{tlsDir}}/tls.crt
    SSLCertificateKeyFile {{tlsDir}}/tls.key
    SSLProtocol -all +TLSv1.2 +TLSv1.3
    {{> vhost}}
</VirtualHost>
{{else}}
Listen {{listenPrefix}}{{httpPort}}
<VirtualHost {{vhostAddress}}:{{httpPort}}>
    ServerName {{serverName}}
    {{> vhost}}
</VirtualHost>
{{/if}}
`;
