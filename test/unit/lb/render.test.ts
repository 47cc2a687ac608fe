import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ChatService } from '../../../src/api/types.js';
import {
  checkLoadBalancerInputs,
  defaultGmsBackends,
  gmsNodesServiceName,
  gmsPodDnsName,
  httpRouteFor,
  ingressFor,
  LB_TARGETS,
  LbInputError,
  lbTimeouts,
  parseBackendArgs,
  renderLoadBalancer,
  type LbTarget,
} from '../../../src/lb/index.js';

function cs(
  expose: ChatService['spec']['expose'] = {},
  gms: Partial<ChatService['spec']['gms']> = {},
): ChatService {
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name: 'customer-support', namespace: 'contact-center' },
    spec: {
      gms: { version: '8.5.219.03', replicas: 3, ...gms },
      chatServer: {
        version: '8.5.108.02',
        endpoints: [{ name: 'cs-1', host: 'chat-1', port: 4125 }],
      },
      expose,
    },
  };
}

const GOLDEN = 'test/unit/lb/golden';
/** The config without comment lines (comments name what is avoided). */
const code = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n');
const FULL = cs({
  host: 'chat.example.com',
  tls: { secretName: 'chat-tls' },
  crossSite: true,
  gateway: { name: 'public', namespace: 'gateways', sectionName: 'https', experimental: true },
  ingressClassName: 'nginx',
});

describe('golden files (UPDATE_GOLDEN=1 rewrites them)', () => {
  const cases: Array<[string, LbTarget, ChatService]> = [
    ...LB_TARGETS.map(
      (t) =>
        [`default-${t}`, t, cs({ gateway: { name: 'public' } })] as [string, LbTarget, ChatService],
    ),
    ...LB_TARGETS.map((t) => [`full-${t}`, t, FULL] as [string, LbTarget, ChatService]),
    ['source-ip-nginx', 'nginx', cs({ affinity: 'source-ip' })],
    ['source-ip-haproxy', 'haproxy', cs({ affinity: 'source-ip' })],
    ['source-ip-ingress-nginx', 'ingress-nginx', cs({ affinity: 'source-ip' })],
  ];
  it.each(cases)('%s', (name, target, service) => {
    for (const f of renderLoadBalancer(target, service)) {
      const path = join(GOLDEN, name, f.path);
      if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, f.content);
      }
      expect(f.content, path).toBe(readFileSync(path, 'utf8'));
    }
  });
});

describe('backends', () => {
  it('default backends are the StatefulSet pod DNS names on spec.gms.port', () => {
    const b = defaultGmsBackends(cs({}, { port: 9090 }));
    expect(b).toEqual(
      [0, 1, 2].map((i) => ({
        name: `customer-support-${i}`,
        host: `customer-support-${i}.customer-support-nodes.contact-center.svc.cluster.local`,
        port: 9090,
      })),
    );
    expect(gmsNodesServiceName(cs())).toBe('customer-support-nodes');
    expect(gmsPodDnsName(cs(), 2, 'corp.local')).toBe(
      'customer-support-2.customer-support-nodes.contact-center.svc.corp.local',
    );
  });

  it('parses --backend values, IPv6 in brackets, and names them gms-<i>', () => {
    expect(
      parseBackendArgs(['10.0.0.1:8080', '[2001:db8::1]:8081', 'vm-3.example.com:80']),
    ).toEqual([
      { name: 'gms-0', host: '10.0.0.1', port: 8080 },
      { name: 'gms-1', host: '2001:db8::1', port: 8081 },
      { name: 'gms-2', host: 'vm-3.example.com', port: 80 },
    ]);
    const bad = parseBackendArgs(['nohost', 'h:port']);
    expect(bad.every((b) => Number.isNaN(b.port))).toBe(true);
  });

  it('renders IPv6 backends in brackets', () => {
    const files = renderLoadBalancer('haproxy', cs(), {
      backends: parseBackendArgs(['[::1]:8080']),
    });
    expect(files[0]!.content).toContain('server gms-0 [::1]:8080 cookie gms-0 check');
  });
});

describe('timeouts', () => {
  it('read timeout is 2 x (CometD timeout + maxNetworkDelay): 80 s by default, above nginx/Apache 60 s', () => {
    expect(lbTimeouts()).toMatchObject({ readS: 80, tunnelS: 3600, connectS: 5, queueS: 5 });
    expect(lbTimeouts({ timeoutMs: 2500, maxNetworkDelayMs: 1000 }).readS).toBe(7);
  });

  it('every target carries the derived timeouts', () => {
    const t = { timeoutMs: 45_000, maxNetworkDelayMs: 15_000 };
    expect(renderLoadBalancer('nginx', cs(), { cometd: t })[0]!.content).toContain(
      'proxy_read_timeout 120s;',
    );
    expect(renderLoadBalancer('haproxy', cs(), { cometd: t })[0]!.content).toMatch(
      /timeout server 120s/,
    );
    expect(renderLoadBalancer('apache', cs(), { cometd: t })[0]!.content).toContain(
      'ProxyTimeout 120',
    );
  });
});

describe('input checks: injection-proof rendering', () => {
  const EVIL = fc
    .tuple(
      fc.string({ maxLength: 10 }),
      fc.constantFrom('\n', ';', '{', '}', '"', "'", ' ', '\t', '#', '$', '\r'),
      fc.string({ maxLength: 10 }),
    )
    .map(([a, c, b]) => `a${a}${c}${b}`);

  const fields: Array<[string, (v: string) => [ChatService, object]]> = [
    ['spec.expose.host', (v) => [cs({ host: v }), {}]],
    ['spec.expose.cookieName', (v) => [cs({ cookieName: v }), {}]],
    ['spec.expose.tls.secretName', (v) => [cs({ tls: { secretName: v } }), {}]],
    ['spec.expose.ingressClassName', (v) => [cs({ ingressClassName: v }), {}]],
    ['--backend[0].host', (v) => [cs(), { backends: [{ name: 'gms-0', host: v, port: 8080 }] }]],
    ['--backend[0].name', (v) => [cs(), { backends: [{ name: v, host: '10.0.0.1', port: 8080 }] }]],
    ['tlsDir', (v) => [cs(), { tlsDir: `/etc/${v}` }]],
  ];

  it.each(fields)(
    '%s: a newline, ";", "{", a quote or a space is an error naming the field',
    (field, make) => {
      fc.assert(
        fc.property(EVIL, (value) => {
          const [service, opts] = make(value);
          for (const target of ['nginx', 'haproxy', 'apache'] as const) {
            let err: unknown;
            try {
              renderLoadBalancer(target, service, opts);
            } catch (e) {
              err = e;
            }
            expect(err).toBeInstanceOf(LbInputError);
            expect((err as LbInputError).issues.map((i) => i.field)).toContain(field);
            expect((err as LbInputError).message).toContain(field);
          }
        }),
        { numRuns: 60 },
      );
    },
  );

  it('metadata.name must be a DNS label short enough for "<name>-nodes"', () => {
    const bad = { ...cs(), metadata: { name: 'x'.repeat(58), namespace: 'a' } };
    expect(checkLoadBalancerInputs('nginx', bad).map((i) => i.field)).toEqual(['metadata.name']);
    const evil = { ...cs(), metadata: { name: 'a;b', namespace: 'a' } };
    expect(() => renderLoadBalancer('haproxy', evil)).toThrow(/metadata\.name/);
  });

  it('refuses what a target cannot do, and names GMS cookies and missing parts', () => {
    expect(checkLoadBalancerInputs('apache', cs({ affinity: 'source-ip' }))[0]?.field).toBe(
      'spec.expose.affinity',
    );
    expect(
      checkLoadBalancerInputs(
        'gateway-api',
        cs({ affinity: 'source-ip', gateway: { name: 'g' } }),
      )[0]?.field,
    ).toBe('spec.expose.affinity');
    expect(checkLoadBalancerInputs('gateway-api', cs())[0]?.field).toBe('spec.expose.gateway');
    expect(
      checkLoadBalancerInputs('nginx', cs({ cookieName: 'BAYEUX_BROWSER' }))[0]?.message,
    ).toMatch(/set by GMS/);
    expect(checkLoadBalancerInputs('nginx', cs({}, { replicas: 0 }))[0]?.field).toBe(
      'spec.gms.replicas',
    );
    expect(
      checkLoadBalancerInputs('nginx', cs(), {
        backends: [{ name: 'a', host: '10.0.0.1', port: 70000 }],
      })[0]?.field,
    ).toBe('--backend[0].port');
    expect(
      checkLoadBalancerInputs('haproxy', cs(), {
        backends: [
          { name: 'a', host: '10.0.0.1', port: 1 },
          { name: 'a', host: '10.0.0.2', port: 1 },
        ],
      })[0]?.message,
    ).toMatch(/duplicate/);
    expect(checkLoadBalancerInputs('ingress-nginx', cs({}, { replicas: 0 }))).toEqual([]);
  });

  it('never renders node API credentials unless given, and then only base64-encoded', () => {
    const withAuth = {
      ...cs(),
      spec: { ...cs().spec, nodeApi: { basicAuth: { secretRef: { name: 'node-api' } } } },
    };
    const tcpOnly = renderLoadBalancer('haproxy', withAuth)[0]!.content;
    expect(tcpOnly).not.toContain('option httpchk');
    const checked = renderLoadBalancer('haproxy', withAuth, {
      nodeApiCredentials: { username: 'default', password: 'p"a ss;{' },
    })[0]!.content;
    expect(checked).toContain(
      `hdr Authorization "Basic ${Buffer.from('default:p"a ss;{').toString('base64')}"`,
    );
    expect(checked).not.toContain('p"a ss');
  });
});

describe('rendered content', () => {
  it('nginx: WebSocket map, HTTP/1.1, no buffering, error-only retries, minted cookie, shared upstream zone, read timeout > 60 s', () => {
    const text = renderLoadBalancer('nginx', cs())[0]!.content;
    for (const s of [
      'map $http_upgrade $gms_customer_support_connection_upgrade',
      'proxy_http_version 1.1;',
      'proxy_set_header Upgrade $http_upgrade;',
      'proxy_set_header Connection $gms_customer_support_connection_upgrade;',
      'proxy_buffering off;',
      'proxy_next_upstream error;',
      'hash $gms_customer_support_route_key consistent;',
      // peer state shared by all worker processes (test/integration/lb/nginx-workers.test.ts)
      'zone gms_customer_support 64k;',
      '"GMSROUTE=$request_id; Path=/genesys; HttpOnly; SameSite=Lax"',
      'proxy_read_timeout 80s;',
    ])
      expect(text).toContain(s);
    expect(code(text)).not.toMatch(/\/genesys\/1\/admin/);
    expect(renderLoadBalancer('nginx', cs({ affinity: 'source-ip' }))[0]!.content).toContain(
      'hash $remote_addr consistent;',
    );
  });

  it('haproxy: cookie insert, Secure + SameSite=None + Partitioned cross-site, tunnel, health check on node status', () => {
    const text = renderLoadBalancer('haproxy', FULL)[0]!.content;
    expect(text).toContain(
      'cookie GMSROUTE insert indirect nocache httponly secure attr "SameSite=None" attr "Partitioned"',
    );
    expect(text).toContain('timeout tunnel 3600s');
    expect(text).toContain('http-check send meth GET uri /genesys/1/admin/node/status');
    expect(text).toContain('http-check expect string ONLINE');
    expect(text).toContain('bind :443 ssl crt /etc/gms-lb/tls/tls.crt');
    expect(code(text)).not.toMatch(/retry-on|timeout server 25s/);
    const srcip = renderLoadBalancer('haproxy', cs({ affinity: 'source-ip' }))[0]!.content;
    expect(srcip).toContain('stick on src');
    expect(srcip).not.toMatch(/^\s*cookie /m);
  });

  it('apache: sticky route cookie minted by Apache, upgrade=websocket, ProxyTimeout > 40 s, never ProxyRequests On', () => {
    const [conf, vhost] = renderLoadBalancer('apache', cs());
    expect(vhost!.content).toContain(
      'Header add Set-Cookie "GMSROUTE=.%{BALANCER_WORKER_ROUTE}e; Path=/genesys; HttpOnly; SameSite=Lax" env=BALANCER_ROUTE_CHANGED',
    );
    expect(vhost!.content).toContain('ProxySet stickysession=GMSROUTE');
    expect(vhost!.content).toMatch(
      /BalancerMember "http:\/\/customer-support-0\.customer-support-nodes\.contact-center\.svc\.cluster\.local:8080" route=customer-support-0 upgrade=websocket/,
    );
    expect(conf!.content).toContain('ProxyTimeout 80');
    expect(conf!.content).toContain(
      'LoadModule proxy_balancer_module /usr/lib/apache2/modules/mod_proxy_balancer.so',
    );
    expect(code(conf!.content + vhost!.content)).not.toMatch(/ProxyRequests\s+On/i);
  });
});

describe('Kubernetes objects', () => {
  it('Ingress: ingress-nginx annotations as strings, persistent cookie affinity on /genesys, whole-second timeouts, no snippets', () => {
    const ing = ingressFor(FULL);
    const a = ing.metadata.annotations!;
    expect(a['nginx.ingress.kubernetes.io/affinity']).toBe('cookie');
    expect(a['nginx.ingress.kubernetes.io/affinity-mode']).toBe('persistent');
    expect(a['nginx.ingress.kubernetes.io/session-cookie-path']).toBe('/genesys');
    expect(a['nginx.ingress.kubernetes.io/session-cookie-samesite']).toBe('None');
    expect(a['nginx.ingress.kubernetes.io/session-cookie-secure']).toBe('true');
    expect(a['nginx.ingress.kubernetes.io/proxy-next-upstream']).toBe('error');
    for (const k of ['proxy-read-timeout', 'proxy-send-timeout', 'proxy-connect-timeout'])
      expect(a[`nginx.ingress.kubernetes.io/${k}`]).toMatch(/^\d+$/);
    for (const [k, v] of Object.entries(a)) {
      expect(typeof v).toBe('string');
      expect(k).not.toMatch(/snippet/);
    }
    expect(ing.spec).toMatchObject({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['chat.example.com'], secretName: 'chat-tls' }],
    });
  });

  it('the YAML file keeps annotation values strings for YAML 1.1 readers (kubectl)', () => {
    const text = renderLoadBalancer('ingress-nginx', FULL)[0]!.content;
    expect(text).toContain('proxy-buffering: "off"');
    expect(text).toContain('session-cookie-secure: "true"');
    expect(
      parse(text, { version: '1.1' }).metadata.annotations[
        'nginx.ingress.kubernetes.io/proxy-buffering'
      ],
    ).toBe('off');
  });

  it('HTTPRoute: standard fields, "0s" request timeout, sessionPersistence only on the experimental channel', () => {
    const standard = httpRouteFor(cs({ gateway: { name: 'public' } }));
    const rule = (standard.spec.rules as Array<Record<string, unknown>>)[0]!;
    expect(rule.sessionPersistence).toBeUndefined();
    expect(rule.timeouts).toEqual({ request: '0s' });
    expect(standard.metadata.annotations!['gms.chatops.io/gateway-api-channel']).toBe('standard');
    const exp = httpRouteFor(FULL);
    expect((exp.spec.rules as Array<Record<string, unknown>>)[0]!.sessionPersistence).toEqual({
      sessionName: 'GMSROUTE',
      type: 'Cookie',
      cookieConfig: { lifetimeType: 'Session' },
    });
    expect(exp.spec.parentRefs).toEqual([
      {
        group: 'gateway.networking.k8s.io',
        kind: 'Gateway',
        name: 'public',
        namespace: 'gateways',
        sectionName: 'https',
      },
    ]);
  });
});
