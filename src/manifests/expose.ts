/**
 * What spec.expose.mode adds (src/lb renders it):
 *   ingress-nginx  an Ingress (sticky cookie annotations, long timeouts)
 *   gateway-api    an HTTPRoute
 *   nginx | haproxy | apache
 *                  a ConfigMap <name>-lb with the rendered config file, for the team's own
 *                  load balancer (a Deployment of theirs, or a VM in front of the cluster);
 *                  the operator does not run that proxy
 *   none / unset   nothing (the client Service only)
 * Node API credentials are never rendered into the ConfigMap: health checks then run at TCP
 * level against a node API behind basic auth (src/lb/types.ts, nodeApiCredentials).
 */
import type { ChatService } from '../api/types.js';
import { httpRouteFor, ingressFor, renderLoadBalancer } from '../lb/index.js';
import { LABEL_CONFIG_ROLE, names, objectMeta } from './meta.js';
import type { ManifestObject } from './types.js';

export function exposeObjects(cs: ChatService): ManifestObject[] {
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
    case 'apache': {
      const files = renderLoadBalancer(mode, cs);
      const data: Record<string, string> = {};
      for (const f of files) data[f.path.split('/').pop()!] = f.content;
      return [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: objectMeta(cs, names.loadBalancerConfig(cs), 'load-balancer', {
            labels: { [LABEL_CONFIG_ROLE]: 'load-balancer' },
            annotations: { 'gms.chatops.io/load-balancer': mode },
          }),
          data,
        },
      ];
    }
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
