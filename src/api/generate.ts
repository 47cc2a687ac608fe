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
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { renderOptionsMarkdown } from '../catalog/index.js';
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
  const drifted: string[] = [];
  for (const [path, content] of generatedFiles()) {
    let current: string | undefined;
    try {
      current = readFileSync(join(root, path), 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== content) drifted.push(path);
  }
  return drifted;
}

function writeAtomically(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

export function main(argv: string[]): number {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  if (argv.includes('--check')) {
    const drifted = driftedFiles(root);
    for (const p of drifted)
      process.stderr.write(`generate: ${p} is out of date; run npm run generate\n`);
    return drifted.length === 0 ? 0 : 1;
  }
  for (const [path, content] of generatedFiles()) {
    writeAtomically(join(root, path), content);
    process.stdout.write(`generate: wrote ${path}\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
