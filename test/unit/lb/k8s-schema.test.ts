/**
 * No ingress controller or Gateway implementation runs in these tests, so the Ingress and
 * HTTPRoute are checked against their published schemas (kubernetes-models: networking.k8s.io/v1
 * Ingress; @kubernetes-models/gateway-api: gateway.networking.k8s.io/v1 HTTPRoute, whose schema
 * includes the experimental-channel fields) after a YAML round trip of the rendered files.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import type { ChatService } from '../../../src/api/types.js';
import { renderLoadBalancer } from '../../../src/lb/index.js';

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

const VARIANTS: Array<[string, ChatService]> = [
  ['minimal', cs({ gateway: { name: 'public' } })],
  [
    'host, TLS, cross-site, experimental',
    cs({
      host: 'chat.example.com',
      tls: { secretName: 'chat-tls' },
      crossSite: true,
      ingressClassName: 'nginx',
      gateway: { name: 'public', namespace: 'gw', sectionName: 'https', experimental: true },
    }),
  ],
  ['source-ip (ingress) / wildcard host', cs({ host: '*.example.com', affinity: 'source-ip' })],
];

describe.each(VARIANTS)('%s', (_name, service) => {
  it('the Ingress file is one valid networking.k8s.io/v1 Ingress', () => {
    const [file] = renderLoadBalancer('ingress-nginx', service);
    const obj = parse(file!.content, { version: '1.1' });
    expect(obj.kind).toBe('Ingress');
    expect(() => new Ingress(obj).validate()).not.toThrow();
  });

  it('the HTTPRoute file is one valid gateway.networking.k8s.io/v1 HTTPRoute', () => {
    if (service.spec.expose?.affinity === 'source-ip')
      return expect(() => renderLoadBalancer('gateway-api', service)).toThrow(/affinity/);
    const [file] = renderLoadBalancer('gateway-api', service);
    const obj = parse(file!.content, { version: '1.1' });
    expect(obj.kind).toBe('HTTPRoute');
    expect(() => new HTTPRoute(obj).validate()).not.toThrow();
  });
});

it('the schema check can fail: a string port and an unknown path type are rejected', () => {
  const [file] = renderLoadBalancer('gateway-api', cs({ gateway: { name: 'public' } }));
  const obj = parse(file!.content);
  obj.spec.rules[0].matches[0].path.type = 'Glob';
  expect(() => new HTTPRoute(obj).validate()).toThrow();
  const [ing] = renderLoadBalancer('ingress-nginx', cs({}));
  const i = parse(ing!.content);
  i.spec.rules[0].http.paths[0].backend.service.port.number = '8080';
  expect(() => new Ingress(i).validate()).toThrow();
});
