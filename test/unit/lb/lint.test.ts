import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderLoadBalancer } from '../../../src/lb/index.js';
import {
  claimsLbConfig,
  detectLbConfig,
  lbConfigChecker,
  lintLoadBalancerConfig,
} from '../../../src/lb/lint/index.js';
import type { ChatService } from '../../../src/api/types.js';

const fixture = (name: string) => {
  const file = `test/unit/lb/fixtures/${name}`;
  return { file, text: readFileSync(file, 'utf8') };
};
const lint = (name: string) => {
  const { file, text } = fixture(name);
  return lintLoadBalancerConfig(file, text).map(
    (d) => `${d.line}:${d.column} ${d.severity} ${d.rule}`,
  );
};

function cs(expose: ChatService['spec']['expose']): ChatService {
  return {
    apiVersion: 'gms.chatops.io/v1alpha1',
    kind: 'ChatService',
    metadata: { name: 'customer-support', namespace: 'contact-center' },
    spec: {
      gms: { version: '8.5.219.03', replicas: 3 },
      chatServer: { version: '8.5.108.02', endpoints: [] },
      expose,
    },
  };
}

describe('lint of hand-written LB configs', () => {
  it('the GMS nginx sample: WebSocket fine, single node, but buffering on by default', () => {
    expect(lint('gms-sample.nginx.conf')).toEqual(['14:1 warning lb-buffering']);
  });

  it('flags a short read timeout, retry on timeout, buffering, and a round-robin upstream (nginx)', () => {
    const d = lint('bad.nginx.conf');
    expect(d).toEqual(
      expect.arrayContaining([
        '11:13 error lb-websocket', // proxy_http_version 1.0 by default
        '9:9 error lb-read-timeout', // 20s < 35 s, inherited from server {}
        '12:13 error lb-retry-on-timeout',
        '13:13 warning lb-buffering',
        '3:5 error lb-stickiness',
      ]),
    );
  });

  it('warns about a sticky nginx upstream without a shared zone (workers disagree after a node restart)', () => {
    const conf = (zone: string, workers = 'auto') => `worker_processes ${workers};
events {}
http {
  upstream gms {
    hash $remote_addr consistent;${zone}
    server 10.0.0.1:8080;
    server 10.0.0.2:8080;
  }
  server {
    location /genesys/cometd {
      proxy_pass http://gms;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 80s;
      proxy_next_upstream error;
      proxy_buffering off;
    }
  }
}
`;
    const diags = (text: string) => lintLoadBalancerConfig('gms/nginx.conf', text);
    const noZone = diags(conf(''));
    expect(noZone.map((d) => `${d.line}:${d.column} ${d.severity} ${d.rule}`)).toEqual([
      '4:3 warning lb-stickiness',
    ]);
    expect(noZone[0]!.message).toContain('add "zone gms 64k;"');
    expect(diags(conf('\n    zone gms 64k;'))).toEqual([]);
    expect(diags(conf('', '1'))).toEqual([]);
  });

  it('reports messages a user can act on, at file:line:col', () => {
    const { file, text } = fixture('bad.nginx.conf');
    const rt = lintLoadBalancerConfig(file, text).find((x) => x.rule === 'lb-read-timeout')!;
    expect(rt).toMatchObject({ file, line: 9, column: 9, severity: 'error' });
    expect(rt.message).toContain('proxy_read_timeout 20s');
    expect(rt.message).toContain('45 s');
  });

  it('the GMS Apache sample: open forward proxy; WebSocket via ws:// rewrite is accepted', () => {
    expect(lint('gms-sample.apache.conf')).toEqual(['7:1 error lb-forward-proxy']);
  });

  it('an Apache balancer without stickysession, without WebSocket, with ProxyTimeout 30', () => {
    expect(lint('bad-balancer.apache.conf').sort()).toEqual(
      ['2:5 error lb-read-timeout', '7:5 error lb-stickiness', '7:5 error lb-websocket'].sort(),
    );
  });

  it('the GMS HAProxy sample: timeout server 25s and server cookies without a backend cookie line', () => {
    const { file, text } = fixture('gms-sample.haproxy.cfg');
    const d = lintLoadBalancerConfig(file, text);
    expect(d.map((x) => `${x.line}:${x.column} ${x.severity} ${x.rule}`).sort()).toEqual(
      ['11:5 error lb-read-timeout', '19:5 error lb-stickiness'].sort(),
    );
    expect(d.find((x) => x.rule === 'lb-read-timeout')!.message).toContain('the GMS sample value');
  });

  it('HAProxy: retry-on response-timeout and a server without a cookie value', () => {
    expect(lint('retry.haproxy.cfg').sort()).toEqual(
      [
        '5:5 error lb-retry-on-timeout',
        '9:5 error lb-stickiness',
        '6:1 warning lb-tunnel-timeout',
      ].sort(),
    );
  });

  it('reports a parse error instead of throwing', () => {
    const d = lintLoadBalancerConfig(
      'gms/nginx.conf',
      'http {\n  upstream gms {\n    server a:1;\n',
    );
    expect(d).toEqual([
      expect.objectContaining({ rule: 'lb-parse', line: 2, column: 16, severity: 'error' }),
    ]);
  });

  it('ignores configs that do not front GMS and files that are no LB config', () => {
    expect(
      lintLoadBalancerConfig(
        'site/nginx.conf',
        'http { server { location / { proxy_pass http://app; } } }',
      ),
    ).toEqual([]);
    expect(lintLoadBalancerConfig('notes.conf', 'just some text about gms')).toEqual([]);
  });

  it('detects the server by content, and claims files by name', () => {
    expect(detectLbConfig('x.conf', fixture('gms-sample.haproxy.cfg').text)).toBe('haproxy');
    expect(detectLbConfig('x.conf', fixture('gms-sample.apache.conf').text)).toBe('apache');
    expect(detectLbConfig('x.conf', fixture('bad.nginx.conf').text)).toBe('nginx');
    for (const f of [
      'nginx.conf',
      'deploy/haproxy.cfg',
      'lb/gms.nginx.conf',
      'etc/apache2/sites-enabled/gms.conf',
      'etc/nginx/conf.d/gms.conf',
      'httpd.conf',
    ])
      expect(claimsLbConfig(f), f).toBe(true);
    for (const f of ['gms.ini', 'app.cfg', 'settings.conf', 'values.yaml'])
      expect(claimsLbConfig(f), f).toBe(false);
    expect(lbConfigChecker.rules.map((r) => r.id)).toContain('lb-stickiness');
  });

  describe('every rendered config lints clean', () => {
    const variants: Array<[string, ChatService]> = [
      ['cookie', cs({ host: 'chat.example.com' })],
      [
        'tls cross-site',
        cs({ host: 'chat.example.com', tls: { secretName: 'chat-tls' }, crossSite: true }),
      ],
      ['source-ip', cs({ affinity: 'source-ip' })],
    ];
    for (const [name, service] of variants)
      for (const target of ['nginx', 'haproxy', 'apache'] as const) {
        if (target === 'apache' && name === 'source-ip') continue;
        it(`${target} (${name})`, () => {
          for (const f of renderLoadBalancer(target, service))
            expect(lintLoadBalancerConfig(f.path, f.content), f.path).toEqual([]);
        });
      }
  });
});
