import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { driftedFiles, generatedFiles } from '../../../src/api/generate.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('generated files', () => {
  it('are checked in exactly as the generator writes them (run `npm run generate`)', () => {
    expect(driftedFiles(ROOT)).toEqual([]);
  });

  it('cover the CRDs, the JSON Schemas and the option reference', () => {
    expect([...generatedFiles().keys()].sort()).toEqual([
      'crds/gms.chatops.io_chatservices.yaml',
      'crds/gms.chatops.io_pushproviders.yaml',
      'docs/options.md',
      'schemas/chatservice.schema.json',
      'schemas/gms.schema.json',
      'schemas/pushprovider.schema.json',
    ]);
  });

  it('notices a changed file', () => {
    const files = generatedFiles();
    const crd = files.get('crds/gms.chatops.io_chatservices.yaml')!;
    const onDisk = readFileSync(join(ROOT, 'crds/gms.chatops.io_chatservices.yaml'), 'utf8');
    expect(onDisk).toBe(crd);
    expect(onDisk.replace('chatsvc', 'chatsrv')).not.toBe(crd);
  });

  it('is deterministic', () => {
    const a = generatedFiles();
    const b = generatedFiles();
    for (const [k, v] of a) expect(b.get(k)).toBe(v);
  });
});
