/**
 * Writes every generated artefact of the API and catalog:
 *   crds/gms.chatops.io_chatservices.yaml, crds/gms.chatops.io_pushproviders.yaml
 *   schemas/chatservice.schema.json, schemas/pushprovider.schema.json, schemas/gms.schema.json
 *   docs/options.md
 *
 *   npm run generate            write them (each to a temp file, then renamed)
 *   npm run generate -- --check  exit 1 and list the files that differ (CI, pre-commit)
 *
 * `generatedFiles()` is pure; the drift tests call it and compare with the checked-in files.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { renderOptionsMarkdown } from '../catalog/index.js';
import { filesOutOfDate, runGenerator } from '../util/generated-files.js';
import { chatServiceCrd, pushProviderCrd } from './crd.js';
import { chatServiceJsonSchema, combinedJsonSchema, pushProviderJsonSchema } from './jsonschema.js';

const YAML_HEADER =
  '# Generated from src/api and src/catalog by `npm run generate`; do not edit.\n' +
  '# A unit test (test/unit/api/drift.test.ts) fails when this file drifts from the generator.\n';

function yamlFile(doc: unknown): string {
  return YAML_HEADER + stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}

function jsonFile(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Repository-relative path -> content of every generated file. */
export function generatedFiles(): Map<string, string> {
  return new Map([
    ['crds/gms.chatops.io_chatservices.yaml', yamlFile(chatServiceCrd())],
    ['crds/gms.chatops.io_pushproviders.yaml', yamlFile(pushProviderCrd())],
    ['schemas/chatservice.schema.json', jsonFile(chatServiceJsonSchema())],
    ['schemas/pushprovider.schema.json', jsonFile(pushProviderJsonSchema())],
    ['schemas/gms.schema.json', jsonFile(combinedJsonSchema())],
    ['docs/options.md', renderOptionsMarkdown()],
  ]);
}

/** Files under `root` whose content differs from the generator (missing files included). */
export function driftedFiles(root: string): string[] {
  return filesOutOfDate(root, generatedFiles());
}

export function main(argv: string[]): number {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return runGenerator(argv, root, generatedFiles, 'npm run generate');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
