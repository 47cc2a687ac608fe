/**
 * Every rendered variant passes the server's own check (`nginx -t`, `haproxy -c`,
 * `apache2 -t`), the include snippets too, and the cross-site cookie attributes really reach
 * the browser through each LB.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatService } from '../../../src/api/types.js';
import { renderLoadBalancer, type LbBackend } from '../../../src/lb/index.js';
import { startBackends, stopBackends, type RunningBackend } from '../../support/cometd-backends.js';
import { CometdHttpClient } from '../../support/cometd-backend-client.js';
import {
  checkConfig,
  freePort,
  startLb,
  tempDir,
  writeFiles,
  type RunnableTarget,
} from './harness.js';
import { chatService, renderFor } from './fixtures.js';

const LOOPBACK: LbBackend[] = [
  { name: 'gms-0', host: '127.0.0.1', port: 18081 },
  { name: 'gms-1', host: '127.0.0.1', port: 18082 },
  { name: 'gms-2', host: '::1', port: 18083 },
];

interface Variant {
  name: string;
  cs: ChatService;
  targets: RunnableTarget[];
  backends?: LbBackend[];
}

const VARIANTS: Variant[] = [
  {
    name: 'cookie affinity, no host',
    cs: chatService({}),
    targets: ['nginx', 'haproxy', 'apache'],
  },
  {
    name: 'cookie affinity, TLS, cross-site widget',
    cs: chatService({
      host: 'chat.example.com',
      tls: { secretName: 'chat-tls' },
      crossSite: true,
      cookieName: 'GMS_AFFINITY',
    }),
    targets: ['nginx', 'haproxy', 'apache'],
  },
  {
    name: 'source-ip affinity',
    cs: chatService({ host: 'chat.example.com', affinity: 'source-ip' }),
    targets: ['nginx', 'haproxy'],
  },
  {
    // The default backends: StatefulSet pod DNS names, which do not resolve here. nginx resolves
    // upstream names when it loads, so only HAProxy (init-addr none) and Apache check them.
    name: 'default backends (pod DNS names)',
    cs: chatService({ host: 'chat.example.com' }),
    targets: ['haproxy', 'apache'],
    backends: undefined,
  },
];

function tlsDir(dir: string): string {
  const tls = join(dir, 'tls');
  execFileSync('mkdir', ['-p', tls]);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(tls, 'tls.key'),
      '-out',
      join(tls, 'tls.crt'),
      '-days',
      '1',
      '-subj',
      '/CN=chat.example.com',
    ],
    { stdio: 'ignore' },
  );
  // HAProxy reads the key of tls.crt from tls.crt.key (the Secret mounted with items).
  execFileSync('cp', [join(tls, 'tls.key'), join(tls, 'tls.crt.key')]);
  return tls;
}

describe.each(VARIANTS)('$name', (variant) => {
  it.each(variant.targets)(
    '%s: the standalone config passes the server’s check',
    async (target) => {
      const dir = tempDir(`check-${target}`);
      const port = await freePort();
      const files = renderLoadBalancer(target, variant.cs, {
        ...('backends' in variant ? {} : { backends: LOOPBACK }),
        listen: { address: '127.0.0.1', httpPort: port, httpsPort: await freePort() },
        tlsDir: variant.cs.spec.expose?.tls ? tlsDir(dir) : '/nonexistent',
        runDir: join(dir, 'run'),
      });
      writeFiles(dir, files);
      execFileSync('mkdir', ['-p', join(dir, 'run')]);
      const r = checkConfig(target, dir);
      expect(r.output).not.toMatch(/\[emerg\]|\[ALERT\]|Syntax error|AH0\d+/);
      expect(r.code, r.output).toBe(0);
    },
  );
});

describe('include snippets', () => {
  it('nginx: conf.d part in http {} and the locations in an existing server {} pass nginx -t', async () => {
    const dir = tempDir('snippet-nginx');
    const files = renderLoadBalancer('nginx', chatService({ host: 'chat.example.com' }), {
      backends: LOOPBACK,
    });
    writeFiles(dir, files);
    const port = await freePort();
    // An existing site: its own server {} with other locations, including ours.
    writeFileSync(
      join(dir, 'site.conf'),
      `pid nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n  access_log off;\n  client_body_temp_path client_body_temp;\n  proxy_temp_path proxy_temp;\n  fastcgi_temp_path fastcgi_temp;\n  uwsgi_temp_path uwsgi_temp;\n  scgi_temp_path scgi_temp;\n  include ${dir}/nginx/conf.d/*.conf;\n  server {\n    listen 127.0.0.1:${port};\n    location / { return 200 "site"; }\n    include ${dir}/nginx/snippets/gms-customer-support-locations.conf;\n  }\n}\n`,
    );
    const r = checkConfig('nginx', dir, join(dir, 'site.conf'));
    expect(r.code, r.output).toBe(0);
  });

  it('apache: the VirtualHost part included in an existing vhost passes apache2 -t', async () => {
    const dir = tempDir('snippet-apache');
    const files = renderLoadBalancer('apache', chatService({ host: 'chat.example.com' }), {
      backends: LOOPBACK,
      runDir: join(dir, 'run'),
    });
    writeFiles(dir, files);
    execFileSync('mkdir', ['-p', join(dir, 'run')]);
    const standalone = files.find((f) => f.path === 'apache/httpd.conf')!.content;
    const modules = standalone
      .split('\n')
      .filter((l) => /IfModule|LoadModule/.test(l))
      .join('\n');
    const port = await freePort();
    writeFileSync(
      join(dir, 'site.conf'),
      `${modules}\nServerName localhost\nPidFile ${dir}/run/httpd.pid\nDefaultRuntimeDir ${dir}/run\nErrorLog /dev/stderr\nListen 127.0.0.1:${port}\n<VirtualHost 127.0.0.1:${port}>\n  ServerName chat.example.com\n  Include ${dir}/apache/gms-customer-support.conf\n</VirtualHost>\n`,
    );
    const r = checkConfig('apache', dir, join(dir, 'site.conf'));
    expect(r.code, r.output).toBe(0);
  });
});

describe('cross-site widget cookies through each LB', () => {
  let backends: RunningBackend[];
  beforeAll(async () => {
    backends = await startBackends(3, { timeoutMs: 1000 });
  });
  afterAll(async () => stopBackends(backends ?? []));

  it.each(['nginx', 'haproxy', 'apache'] as const)(
    '%s: affinity cookie and BAYEUX_BROWSER are Secure; SameSite=None; Partitioned',
    async (target) => {
      const port = await freePort();
      const dir = tempDir(`xsite-${target}`);
      const lb = await startLb(
        target,
        renderFor(
          target,
          chatService({ host: 'chat.example.com', crossSite: true }),
          backends,
          port,
          dir,
        ),
        port,
        dir,
      );
      try {
        const client = new CometdHttpClient(lb.url, { host: 'chat.example.com' });
        const r = await client.handshake();
        expect(client.clientId).toBeDefined();
        const cookies = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
        const bayeux = cookies.find((c) => c.startsWith('BAYEUX_BROWSER='));
        const affinity = cookies.find((c) => c.startsWith('GMSROUTE='));
        for (const c of [bayeux, affinity]) {
          expect(c, cookies.join(' | ')).toBeDefined();
          expect(c).toMatch(/;\s*Secure/i);
          expect(c).toMatch(/;\s*SameSite=None/i);
          expect(c).toMatch(/;\s*Partitioned/i);
        }
        expect(affinity).toMatch(/;\s*HttpOnly/i);
      } finally {
        await lb.stop();
      }
    },
  );
});
