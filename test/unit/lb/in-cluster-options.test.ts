/**
 * The render options the operator's in-cluster load balancer uses (src/manifests/loadbalancer.ts):
 * a /healthz listener for the kubelet probes and an explicit nginx worker count. Off by default,
 * so `gmsctl render` output is unchanged (the golden files in render.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ChatService } from '../../../src/api/types.js';
import { checkLoadBalancerInputs, renderLoadBalancer } from '../../../src/lb/index.js';

const cs = (expose: ChatService['spec']['expose'] = {}): ChatService => ({
  apiVersion: 'gms.chatops.io/v1alpha1',
  kind: 'ChatService',
  metadata: { name: 'chat', namespace: 'cc' },
  spec: {
    gms: { version: '8.5.219.03', replicas: 2 },
    chatServer: { version: '8.5.108.02', endpoints: [{ name: 'cs-1', host: 'cs', port: 4125 }] },
    expose,
  },
});

const main = (
  target: 'nginx' | 'haproxy' | 'apache',
  opts: Parameters<typeof renderLoadBalancer>[2],
) => renderLoadBalancer(target, cs(), opts)[0]!.content;

describe('in-cluster render options', () => {
  it('renders no health listener and nginx worker_processes auto by default', () => {
    expect(main('nginx', {})).toContain('worker_processes auto;');
    expect(main('nginx', {})).not.toContain('/healthz');
    expect(main('haproxy', {})).not.toContain('fe_health');
    expect(main('apache', {})).not.toContain('server-status');
    expect(main('apache', {})).not.toContain('mod_status');
  });

  it('adds a /healthz listener on healthPort to each standalone config', () => {
    const o = { listen: { httpPort: 8080 }, healthPort: 8081 };
    expect(main('nginx', o)).toMatch(
      /listen 8081;\n\s+access_log off;\n\s+location = \/healthz \{/,
    );
    expect(main('haproxy', o)).toMatch(/frontend fe_health\n\s+bind :8081\n/);
    expect(main('haproxy', o)).toContain('if { path /healthz }');
    const apache = main('apache', o);
    expect(apache).toContain('Listen 8081');
    expect(apache).toContain('LoadModule status_module /usr/lib/apache2/modules/mod_status.so');
    expect(apache).toMatch(/<Location "\/healthz">\n\s+SetHandler server-status/);
  });

  it('sets nginx worker_processes', () => {
    expect(main('nginx', { nginxWorkerProcesses: 2 })).toContain('worker_processes 2;');
  });

  it('refuses a health port that clashes with a listener, or a bad worker count', () => {
    expect(
      checkLoadBalancerInputs('haproxy', cs(), { listen: { httpPort: 8080 }, healthPort: 8080 }),
    ).toEqual([expect.objectContaining({ field: 'healthPort' })]);
    expect(
      checkLoadBalancerInputs('nginx', cs({ tls: { secretName: 't' } }), {
        listen: { httpsPort: 8443 },
        healthPort: 8443,
      }),
    ).toEqual([expect.objectContaining({ field: 'healthPort' })]);
    expect(checkLoadBalancerInputs('nginx', cs(), { healthPort: 70000 })).toEqual([
      expect.objectContaining({ field: 'healthPort' }),
    ]);
    for (const n of [0, 1.5, 1000])
      expect(checkLoadBalancerInputs('nginx', cs(), { nginxWorkerProcesses: n })).toEqual([
        expect.objectContaining({ field: 'nginxWorkerProcesses' }),
      ]);
  });
});
