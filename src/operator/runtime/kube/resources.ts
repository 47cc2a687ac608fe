/**
 * The resource types the operator talks to, with their REST paths. A static table instead of
 * discovery: every kind the operator reads or writes is known at build time, and skipping
 * discovery saves a round trip per API group at start-up (client-node's KubernetesObjectApi
 * runs one GET /apis/<group>/<version> per group before its first call).
 */
import { API_GROUP, API_GROUP_VERSION } from '../../../api/types.js';

export interface ResourceType {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

function rt(apiVersion: string, kind: string, plural: string, namespaced = true): ResourceType {
  return { apiVersion, kind, plural, namespaced };
}

export const RESOURCES = {
  ChatService: rt(API_GROUP_VERSION, 'ChatService', 'chatservices'),
  PushProvider: rt(API_GROUP_VERSION, 'PushProvider', 'pushproviders'),
  ConfigMap: rt('v1', 'ConfigMap', 'configmaps'),
  Secret: rt('v1', 'Secret', 'secrets'),
  Service: rt('v1', 'Service', 'services'),
  Pod: rt('v1', 'Pod', 'pods'),
  Namespace: rt('v1', 'Namespace', 'namespaces', false),
  StatefulSet: rt('apps/v1', 'StatefulSet', 'statefulsets'),
  Deployment: rt('apps/v1', 'Deployment', 'deployments'),
  PodDisruptionBudget: rt('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets'),
  Ingress: rt('networking.k8s.io/v1', 'Ingress', 'ingresses'),
  HTTPRoute: rt('gateway.networking.k8s.io/v1', 'HTTPRoute', 'httproutes'),
  Lease: rt('coordination.k8s.io/v1', 'Lease', 'leases'),
  Event: rt('events.k8s.io/v1', 'Event', 'events'),
  ValidatingWebhookConfiguration: rt(
    'admissionregistration.k8s.io/v1',
    'ValidatingWebhookConfiguration',
    'validatingwebhookconfigurations',
    false,
  ),
  CustomResourceDefinition: rt(
    'apiextensions.k8s.io/v1',
    'CustomResourceDefinition',
    'customresourcedefinitions',
    false,
  ),
} as const satisfies Record<string, ResourceType>;

export type KnownKind = keyof typeof RESOURCES;

const byGvk = new Map<string, ResourceType>(
  Object.values(RESOURCES).map((r) => [`${r.apiVersion}/${r.kind}`, r]),
);

/** The resource type of an object by its apiVersion and kind. */
export function resourceFor(apiVersion: string, kind: string): ResourceType {
  const r = byGvk.get(`${apiVersion}/${kind}`);
  if (!r) throw new Error(`unknown resource type ${apiVersion} ${kind}`);
  return r;
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** /api/v1 or /apis/<group>/<version>. */
export function apiPrefix(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** Collection or object path; namespace '' (or undefined) lists across all namespaces. */
export function resourcePath(
  type: ResourceType,
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  let p = apiPrefix(type.apiVersion);
  if (type.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${type.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

export const OPERATOR_GROUP = API_GROUP;
