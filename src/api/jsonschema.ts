/**
 * JSON Schemas (draft-07) of ChatService and PushProvider for editors (yaml-language-server)
 * and for the `schema` rule of `gmsctl validate` (ajv), rendered from the same model as the
 * CRDs. CEL rules of the CRDs have their JSON Schema equivalents next to them in the model;
 * the root-level ones (they read metadata.name) become the metadata.name pattern here.
 */
import { PROVIDER_NAME_MAX, PROVIDER_NAME_PATTERN } from '../catalog/index.js';
import { chatServiceRoot, pushProviderRoot } from './crd.js';
import { metadataJson } from './schema/common.js';
import { toJsonSchema, type JsonObject, type SchemaNode } from './schema/model.js';
import { API_GROUP_VERSION, KIND_CHAT_SERVICE, KIND_PUSH_PROVIDER } from './types.js';
import {
  CHAT_SERVICE_NAME_MAX,
  CHAT_SERVICE_NAME_PATTERN,
  CHAT_SERVICE_NAME_RULE_MESSAGE,
} from './schema/chatservice.js';
import { PROVIDER_NAME_RULE_MESSAGE } from './schema/pushprovider.js';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
export const SCHEMA_BASE = 'https://gms.chatops.io/schemas/';

function document(
  kind: string,
  id: string,
  root: SchemaNode,
  metadata: SchemaNode,
  extra: JsonObject,
): JsonObject {
  const body = toJsonSchema({
    ...root,
    properties: {
      ...root.properties,
      apiVersion: {
        description: 'API group and version.',
        json: { replace: { const: API_GROUP_VERSION } },
      },
      kind: { description: 'Kind.', json: { replace: { const: kind } } },
      metadata,
      status: { ...root.properties!.status!, json: { replace: { type: 'object' } } },
    },
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
  });
  return { $schema: DRAFT_07, $id: `${SCHEMA_BASE}${id}`, title: kind, ...body, ...extra };
}

export function chatServiceJsonSchema(): JsonObject {
  return document(
    KIND_CHAT_SERVICE,
    'chatservice.schema.json',
    chatServiceRoot(),
    metadataJson(CHAT_SERVICE_NAME_PATTERN, CHAT_SERVICE_NAME_RULE_MESSAGE, CHAT_SERVICE_NAME_MAX),
    {},
  );
}

export function pushProviderJsonSchema(): JsonObject {
  return document(
    KIND_PUSH_PROVIDER,
    'pushprovider.schema.json',
    pushProviderRoot(),
    metadataJson(PROVIDER_NAME_PATTERN, PROVIDER_NAME_RULE_MESSAGE, PROVIDER_NAME_MAX),
    {},
  );
}

/**
 * One schema for files that mix both kinds (the examples carry a yaml-language-server line
 * pointing at it): picks the kind's schema by `kind`.
 */
export function combinedJsonSchema(): JsonObject {
  const strip = (s: JsonObject): JsonObject => {
    const { $schema: _s, $id: _i, ...rest } = s;
    return rest;
  };
  return {
    $schema: DRAFT_07,
    $id: `${SCHEMA_BASE}gms.schema.json`,
    title: 'gms-operator resources (ChatService, PushProvider)',
    type: 'object',
    required: ['kind'],
    properties: { kind: { enum: [KIND_CHAT_SERVICE, KIND_PUSH_PROVIDER] } },
    definitions: {
      ChatService: strip(chatServiceJsonSchema()),
      PushProvider: strip(pushProviderJsonSchema()),
    },
    allOf: [
      {
        if: { type: 'object', properties: { kind: { const: KIND_CHAT_SERVICE } } },
        then: { $ref: '#/definitions/ChatService' },
      },
      {
        if: { type: 'object', properties: { kind: { const: KIND_PUSH_PROVIDER } } },
        then: { $ref: '#/definitions/PushProvider' },
      },
    ],
  };
}
