/**
 * The JSON Schemas the schema rule checks against: generated from src/api (the same ones
 * written to schemas/*.schema.json for editors and embedded in the CRDs), compiled once per
 * process on first use.
 */
import type { SchemaValidator } from './rules/schema.js';

let cached: SchemaValidator | undefined;

// Wired to src/api's schema generator once it lands (see the report); until then no schema.
export function apiSchemaValidator(): SchemaValidator | undefined {
  return cached;
}

/** Tests and embedders may supply schemas directly. */
export function setSchemaValidator(v: SchemaValidator | undefined): void {
  cached = v;
}
