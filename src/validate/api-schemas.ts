/**
 * The JSON Schemas the schema rule checks ChatService and PushProvider against: the ones src/api
 * generates from the same model as the CRDs (and writes to schemas/*.schema.json for editors),
 * so `gmsctl validate`, editors and the API server judge a manifest alike.
 *
 * The option maps (ChatService spec.chat, spec.options, spec.push.options; PushProvider
 * spec.options) are reduced to "an object": their per-option subschemas are three quarters of
 * the text, and the schema rule leaves everything inside them to the option-* rules, which
 * check the same catalog with better messages.
 *
 * Build time only: schema-codegen.ts compiles these into src/validate/generated/ (ajv
 * standalone code) and the drift test compares; gmsctl itself never loads this module.
 */
import { chatServiceJsonSchema, pushProviderJsonSchema } from '../api/jsonschema.js';
import { KIND_CHAT_SERVICE, KIND_PUSH_PROVIDER } from '../api/types.js';
import { OPTION_MAP_PATHS, type SchemaSet } from './rules/schema.js';

type Json = Record<string, unknown>;

const OPTION_MAP: Json = {
  type: 'object',
  description: 'GMS options (checked against the option catalog by the option rules).',
};

function child(node: unknown, ...keys: string[]): Json | undefined {
  let cur = node as Json | undefined;
  for (const k of keys) cur = (cur?.[k] as Json | undefined) ?? undefined;
  return cur && typeof cur === 'object' ? cur : undefined;
}

/** A copy of `schema` whose option maps are plain objects (see the module comment). */
export function withoutOptionMaps(schema: object, maps: readonly (readonly string[])[]): object {
  const copy = structuredClone(schema) as Json;
  for (const path of maps) {
    const parent = child(
      copy,
      ...path.slice(0, -1).flatMap((k) => ['properties', k]),
      'properties',
    );
    const key = path.at(-1)!;
    if (parent && parent[key]) parent[key] = OPTION_MAP;
  }
  return copy;
}

/** ChatService and PushProvider schemas by kind, option maps reduced. */
export function apiSchemaSet(): SchemaSet {
  return {
    [KIND_CHAT_SERVICE]: withoutOptionMaps(
      chatServiceJsonSchema(),
      OPTION_MAP_PATHS[KIND_CHAT_SERVICE] ?? [],
    ),
    [KIND_PUSH_PROVIDER]: withoutOptionMaps(
      pushProviderJsonSchema(),
      OPTION_MAP_PATHS[KIND_PUSH_PROVIDER] ?? [],
    ),
  };
}
