/**
 * Names, labels and owner references of everything a ChatService becomes. Node and Service
 * names come from src/lb/backends.ts, so the load-balancer renderers and the StatefulSet can
 * never disagree about them.
 */
import type { ChatService } from '../api/types.js';
import { API_GROUP } from '../api/types.js';
import { gmsNamespace, gmsNodesServiceName, gmsStatefulSetName } from '../lb/backends.js';

export const MANAGED_BY = 'gms-operator';
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
/** Which ChatService an object belongs to (also on pods, which the StatefulSet owns). */
export const LABEL_CHAT_SERVICE = `${API_GROUP}/chatservice`;
/** static | dynamic | credentials | load-balancer: what a ConfigMap or Secret holds. */
export const LABEL_CONFIG_ROLE = `${API_GROUP}/config-role`;

/** Pod template annotation: hash of the restart-required config (static.ini + credentials). */
export const ANNOTATION_STATIC_HASH = `${API_GROUP}/static-config-hash`;
/** On hash-named ConfigMaps/Secrets: the full content hash. */
export const ANNOTATION_CONTENT_HASH = `${API_GROUP}/content-hash`;

/** Label selector of every object the operator manages (its informers watch only these). */
export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
  blockOwnerDeletion: boolean;
}

/** Deleting the ChatService garbage-collects what it owns (no finalizer needed). */
export function ownerRef(cs: ChatService): OwnerRef {
  if (!cs.metadata.uid)
    throw new Error(`ChatService ${cs.metadata.name} has no uid (not read from the API server)`);
  return {
    apiVersion: cs.apiVersion,
    kind: cs.kind,
    name: cs.metadata.name,
    uid: cs.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Labels selecting the GMS pods of a ChatService (immutable once the StatefulSet exists). */
export function selectorLabels(cs: ChatService): Record<string, string> {
  return {
    [LABEL_NAME]: 'gms',
    [LABEL_INSTANCE]: cs.metadata.name,
    [LABEL_COMPONENT]: 'gateway',
  };
}

export function commonLabels(cs: ChatService, component: string): Record<string, string> {
  return {
    [LABEL_NAME]: 'gms',
    [LABEL_INSTANCE]: cs.metadata.name,
    [LABEL_COMPONENT]: component,
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_PART_OF]: 'gms-operator',
    [LABEL_CHAT_SERVICE]: cs.metadata.name,
  };
}

export function objectMeta(
  cs: ChatService,
  name: string,
  component: string,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
) {
  const meta: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences: OwnerRef[];
  } = {
    name,
    namespace: gmsNamespace(cs),
    labels: { ...commonLabels(cs, component), ...(extra.labels ?? {}) },
    ownerReferences: [ownerRef(cs)],
  };
  if (extra.annotations && Object.keys(extra.annotations).length > 0)
    meta.annotations = extra.annotations;
  return meta;
}

export const names = {
  statefulSet: (cs: ChatService) => gmsStatefulSetName(cs),
  headlessService: (cs: ChatService) => gmsNodesServiceName(cs),
  clientService: (cs: ChatService) => cs.metadata.name,
  dynamicConfigMap: (cs: ChatService) => `${cs.metadata.name}-dynamic`,
  staticConfigMap: (cs: ChatService, hash: string) => `${cs.metadata.name}-static-${hash}`,
  credentialsSecret: (cs: ChatService, hash: string) => `${cs.metadata.name}-secrets-${hash}`,
  podDisruptionBudget: (cs: ChatService) => cs.metadata.name,
  loadBalancerConfig: (cs: ChatService) => `${cs.metadata.name}-lb`,
};
