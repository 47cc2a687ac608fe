/**
 * The CustomResourceDefinitions of ChatService and PushProvider (apiextensions.k8s.io/v1),
 * generated from the schema model (./schema) so the API server, `kubectl explain`, the JSON
 * Schemas and the catalog say the same thing. Written to crds/ by `npm run generate`; a unit
 * test fails when crds/ drifts from this.
 */
import { API_GROUP, API_VERSION, KIND_CHAT_SERVICE, KIND_PUSH_PROVIDER } from './types.js';
import { chatServiceRootRules, chatServiceSpec, chatServiceStatus } from './schema/chatservice.js';
import {
  pushProviderRootRules,
  pushProviderSpec,
  pushProviderStatus,
} from './schema/pushprovider.js';
import { toCrdSchema, type JsonObject, type SchemaNode } from './schema/model.js';
import { str } from './schema/common.js';

/** `kubectl get gms` lists both kinds. */
export const CATEGORY = 'gms';

export interface CrdNames {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
}

/** `cs` is taken by componentstatuses, so ChatService gets chatsvc / gmschat. */
export const CHAT_SERVICE_NAMES: CrdNames = {
  kind: KIND_CHAT_SERVICE,
  plural: 'chatservices',
  singular: 'chatservice',
  shortNames: ['chatsvc', 'gmschat'],
};

export const PUSH_PROVIDER_NAMES: CrdNames = {
  kind: KIND_PUSH_PROVIDER,
  plural: 'pushproviders',
  singular: 'pushprovider',
  shortNames: ['pushprov'],
};

function rootSchema(
  kindDescription: string,
  spec: SchemaNode,
  status: SchemaNode,
  rules: SchemaNode['x-kubernetes-validations'],
): SchemaNode {
  return {
    description: kindDescription,
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: str(
        'APIVersion defines the versioned schema of this representation of an object.',
      ),
      kind: str('Kind is a string value representing the REST resource this object represents.'),
      // Only name may be constrained here; it is declared so CEL rules can point at it.
      metadata: { type: 'object', properties: { name: { type: 'string' } } },
      spec,
      status,
    },
    ...(rules && rules.length > 0 ? { 'x-kubernetes-validations': rules } : {}),
  };
}

export function chatServiceRoot(): SchemaNode {
  return rootSchema(
    'ChatService is a GMS Chat API V2 CometD service: GMS nodes, their Chat Server connections, options, push providers, load balancer and rollout.',
    chatServiceSpec(),
    chatServiceStatus(),
    chatServiceRootRules(),
  );
}

export function pushProviderRoot(): SchemaNode {
  return rootSchema(
    'PushProvider is a push notification provider (FCM, Apple or custom HTTP): one [push.provider.<name>] section of GMS, selected by clients with push_notification_provider.',
    pushProviderSpec(),
    pushProviderStatus(),
    pushProviderRootRules(),
  );
}

interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'date' | 'boolean' | 'number';
  jsonPath: string;
  description: string;
  priority?: number;
}

function crd(
  names: CrdNames,
  schema: SchemaNode,
  columns: PrinterColumn[],
  subresources: JsonObject,
): JsonObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${names.plural}.${API_GROUP}`,
      labels: { 'app.kubernetes.io/part-of': 'gms-operator' },
    },
    spec: {
      group: API_GROUP,
      names: {
        kind: names.kind,
        listKind: `${names.kind}List`,
        plural: names.plural,
        singular: names.singular,
        shortNames: names.shortNames,
        categories: [CATEGORY],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          additionalPrinterColumns: columns.map((c) => ({ ...c }) as unknown as JsonObject),
          subresources,
          schema: { openAPIV3Schema: toCrdSchema(schema) },
        },
      ],
    },
  };
}

export function chatServiceCrd(): JsonObject {
  return crd(
    CHAT_SERVICE_NAMES,
    chatServiceRoot(),
    [
      {
        name: 'Service',
        type: 'string',
        jsonPath: '.status.serviceName',
        description: 'Chat service name (/service/chatV2/<name>).',
      },
      { name: 'GMS', type: 'string', jsonPath: '.spec.gms.version', description: 'GMS version.' },
      {
        name: 'Replicas',
        type: 'integer',
        jsonPath: '.spec.gms.replicas',
        description: 'Desired GMS nodes.',
      },
      {
        name: 'Ready',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="Ready")].status',
        description: 'Ready condition.',
      },
      {
        name: 'Rollout',
        type: 'string',
        jsonPath: '.status.rollout.phase',
        description: 'Rollout phase.',
      },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Age.' },
      {
        name: 'Config',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="ConfigValid")].status',
        description: 'ConfigValid condition.',
        priority: 1,
      },
      {
        name: 'Nodes-Ready',
        type: 'integer',
        jsonPath: '.status.readyReplicas',
        description: 'Ready GMS nodes.',
        priority: 1,
      },
      {
        name: 'Channel',
        type: 'string',
        jsonPath: '.status.channel',
        description: 'CometD channel.',
        priority: 1,
      },
    ],
    {
      status: {},
      // `kubectl scale chatservice` and autoscalers change spec.gms.replicas.
      scale: { specReplicasPath: '.spec.gms.replicas', statusReplicasPath: '.status.replicas' },
    },
  );
}

export function pushProviderCrd(): JsonObject {
  return crd(
    PUSH_PROVIDER_NAMES,
    pushProviderRoot(),
    [
      { name: 'Type', type: 'string', jsonPath: '.spec.type', description: 'Provider type.' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Age.' },
    ],
    { status: {} },
  );
}
