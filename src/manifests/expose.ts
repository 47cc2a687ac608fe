/**
 * What spec.expose.mode adds (src/lb renders it):
 *   ingress-nginx  an Ingress (sticky cookie annotations, long timeouts)
 *   gateway-api    an HTTPRoute
 *   nginx | haproxy | apache
 *                  the load balancer itself, run by the operator (./loadbalancer.ts): a
 *                  ConfigMap <name>-lb with the rendered config, a Deployment of the official
 *                  image, a Service, a PodDisruptionBudget (and, for nginx and apache, one
 *                  ClusterIP Service per GMS node)
 *   none / unset   nothing (the client Service only)
 * Objects of a mode no longer selected are pruned by the reconciler (label
 * app.kubernetes.io/component=load-balancer, owned by the ChatService).
 */
import type { ChatService } from '../api/types.js';
import { httpRouteFor, ingressFor } from '../lb/index.js';
import { loadBalancerObjects, type LoadBalancerInput } from './loadbalancer.js';
import { objectMeta } from './meta.js';
import type { ManifestObject } from './types.js';

export function exposeObjects(cs: ChatService, input: LoadBalancerInput = {}): ManifestObject[] {
  const mode = cs.spec.expose?.mode ?? 'none';
  switch (mode) {
    case 'none':
      return [];
    case 'ingress-nginx':
      return [withOwner(cs, ingressFor(cs) as unknown as ManifestObject)];
    case 'gateway-api':
      return [withOwner(cs, httpRouteFor(cs) as unknown as ManifestObject)];
    case 'nginx':
    case 'haproxy':
    case 'apache':
      return loadBalancerObjects(cs, mode, input);
  }
}

function withOwner(cs: ChatService, obj: ManifestObject): ManifestObject {
  const meta = objectMeta(cs, obj.metadata.name, 'load-balancer');
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      labels: { ...meta.labels, ...(obj.metadata.labels ?? {}) },
      ownerReferences: meta.ownerReferences,
    },
  };
}
