/** Test helpers: fixture loading and golden files (UPDATE_GOLDEN=1 rewrites them). */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { expect } from 'vitest';
import type { ChatService, PushProvider, SecretData } from '../../../src/api/types.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/ini/', import.meta.url));

export interface Fixture {
  chatService: ChatService;
  providers: PushProvider[];
  secrets: SecretData;
}

export function loadFixture(relative: string): Fixture {
  const docs = parseAllDocuments(readFileSync(FIXTURES + relative, 'utf8')).map(
    (d) => d.toJS() as Record<string, unknown>,
  );
  const chatService = docs.find((d) => d.kind === 'ChatService') as unknown as ChatService;
  const providers = docs.filter((d) => d.kind === 'PushProvider') as unknown as PushProvider[];
  const secrets: SecretData = {};
  for (const d of docs.filter((x) => x.kind === 'Secret')) {
    const meta = d.metadata as { name: string };
    secrets[meta.name] = d.stringData as Record<string, string>;
  }
  return { chatService, providers, secrets };
}

export function readFixture(relative: string): string {
  return readFileSync(FIXTURES + relative, 'utf8');
}

/** Compare `actual` with the golden file; UPDATE_GOLDEN=1 writes it instead. */
export function expectGolden(relative: string, actual: string): void {
  const path = FIXTURES + relative;
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.UPDATE_GOLDEN !== '1')
      throw new Error(`golden file ${relative} is missing; run with UPDATE_GOLDEN=1`);
    writeFileSync(path, actual);
    return;
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
