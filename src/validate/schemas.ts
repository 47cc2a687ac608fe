/**
 * The schema rule's validator for ChatService and PushProvider: the JSON Schemas src/api
 * generates (api-schemas.ts), compiled ahead of time into src/validate/generated/ by
 * `npm run generate:validators` (ajv standalone code, docs/adr/0015). gmsctl validate and the
 * operator neither load ajv's compiler nor compile a schema at run time; a drift test keeps the
 * generated modules equal to what the generator makes of the current schemas.
 */
import type { ValidateFunction } from 'ajv';
import * as detailed from './generated/schema-detailed.js';
import * as quick from './generated/schema-quick.js';
import { SchemaValidator } from './rules/schema.js';

let cached: SchemaValidator | undefined;
let overridden = false;

/** The generated modules export one validate function per kind. */
function byKind(mod: object): Record<string, ValidateFunction> {
  return { ...(mod as Record<string, ValidateFunction>) };
}

export function apiSchemaValidator(): SchemaValidator | undefined {
  if (!cached && !overridden) {
    cached = new SchemaValidator({}, { quick: byKind(quick), detailed: byKind(detailed) });
  }
  return cached;
}

/** Tests and embedders may supply their own schemas (undefined: back to the API's). */
export function setSchemaValidator(v: SchemaValidator | undefined): void {
  cached = v;
  overridden = v !== undefined;
}
