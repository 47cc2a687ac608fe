/**
 * Two Services per ChatService:
 * - <name>-nodes, headless, governs the StatefulSet: each node gets the DNS name
 *   <name>-<i>.<name>-nodes.<ns>.svc (src/lb/backends.ts), which the load balancers and the
 *   rollout's node API calls use. publishNotReadyAddresses: a node that is starting or
 *   detached still resolves (the node API must be reachable to reattach it).
 * - <name>, the client Service, over Ready nodes only, sticky by client address: CometD long
 *   polls must end on the node that holds the session (DESIGN.md, "Load balancers keep CometD
 *   sessions on one node"); 3 h covers a long chat.
 */
import type { ChatService } from '../api/types.js';
import { gmsPort } from '../lb/backends.js';
import { names, objectMeta, selectorLabels } from './meta.js';
import type { ManifestObject } from './types.js';

export function headlessService(cs: ChatService): ManifestObject {
  return gatewayService(cs, names.headlessService(cs), {
    clusterIP: 'None',
    publishNotReadyAddresses: true,
    selector: selectorLabels(cs),
    ports: httpPorts(cs),
  });
}

export function clientService(cs: ChatService): ManifestObject {
  return gatewayService(cs, names.clientService(cs), {
    type: 'ClusterIP',
    selector: selectorLabels(cs),
    sessionAffinity: 'ClientIP',
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    ports: httpPorts(cs),
  });
}

function gatewayService(
  cs: ChatService,
  name: string,
  spec: Record<string, unknown>,
): ManifestObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: objectMeta(cs, name, 'gateway'), spec };
}

/** Both Services expose the node's one port, named `http` on the pod. */
function httpPorts(cs: ChatService): Record<string, unknown>[] {
  return [{ name: 'http', port: gmsPort(cs), targetPort: 'http', protocol: 'TCP' }];
}

/**
 * At most one node down through voluntary disruptions (node drains): the same bound the
 * rollout keeps ("never more than one node detached").
 */
export function podDisruptionBudget(cs: ChatService): ManifestObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMeta(cs, names.podDisruptionBudget(cs), 'gateway'),
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels(cs) },
      // A node that never became Ready may be evicted (it serves nothing).
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
