/**
 * gmsctl validate checks each document as it is read and lets it go (docs/adr/0019): findings
 * of the cross-object rules about files read earlier (references, duplicates) must still point
 * at the right line and carry the right code frame, whether the file's text was kept or read
 * again; and a file that changes while gmsctl runs must not produce a wrong position or a crash.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  formatReport,
  validatePaths,
  validateTexts,
  type FileChecker,
} from '../../../src/validate/index.js';
import { chatService, pushProvider } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gmsctl-streaming-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A ChatService that uses PushProvider `provider` (not defined unless given). */
function user(name: string, provider: string): string {
  return chatService({
    name,
    extra: `  push:\n    enabled: [comet, fcm]\n    providers: [${provider}]`,
  });
}

const FCM = pushProvider(
  'fcmprod',
  '  type: fcm\n  fcm:\n    apiKeySecretRef: { name: fcm, key: apiKey }',
);

describe('findings about files read earlier', () => {
  it('point where they would with every text kept (reference, duplicate) and keep code frames', async () => {
    const files = {
      // Clean when read: its reference is only known to be missing at the end.
      'a-missing.yaml': user('support', 'nosuch'),
      'b-provider.yaml': FCM,
      // Clean when read: the first of two objects of the same name.
      'c-first.yaml': user('twice', 'fcmprod'),
      'd-second.yaml': `# a comment line\n${user('twice', 'fcmprod')}`,
      'e-fine.yaml': user('other', 'fcmprod'),
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);

    const fromFiles = await validatePaths(['.'], { cwd: dir, keepObjects: false });
    const inMemory = await validateTexts(
      Object.entries(files).map(([file, text]) => ({ file, text })),
    );
    expect(fromFiles.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`)).toEqual([
      'a-missing.yaml:17:17 reference',
      'd-second.yaml:5:9 duplicate-object',
    ]);
    expect(fromFiles.diagnostics).toEqual(inMemory.diagnostics);
    expect(fromFiles.diagnostics[1]!.message).toContain('first in c-first.yaml:4');

    const text = (r: typeof fromFiles) =>
      formatReport(
        'text',
        { diagnostics: r.diagnostics, summary: r.summary },
        { sources: r.sources, rules: [], files: r.files },
      );
    expect(text(fromFiles)).toEqual(text(inMemory));
    expect(text(fromFiles)).toContain('17 |     providers: [nosuch]');
    // Only files with findings keep (or get back) their text for the frames.
    expect([...fromFiles.sources.keys()].sort()).toEqual(['a-missing.yaml', 'd-second.yaml']);
  });

  it('fall back to line 1, column 1 when the file changed since it was read', async () => {
    writeFileSync(join(dir, 'a.yaml'), user('support', 'nosuch'));
    writeFileSync(join(dir, 'b.yaml'), FCM);
    writeFileSync(join(dir, 'z.conf'), 'changes a.yaml while the run goes on');
    // A file checker runs in input order, after a.yaml was read and checked.
    const rewriter: FileChecker = {
      id: 'rewriter',
      rules: [],
      claims: (file) => file.endsWith('z.conf'),
      check: () => {
        writeFileSync(join(dir, 'a.yaml'), `# longer now\n${user('support', 'nosuch')}`);
        return [];
      },
    };
    const r = await validatePaths(['a.yaml', 'b.yaml', 'z.conf'], {
      cwd: dir,
      keepObjects: false,
      checkers: [rewriter],
    });
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`)).toEqual([
      'a.yaml:1:1 reference',
    ]);
    expect(r.diagnostics[0]!.message).toContain('PushProvider nosuch');
  });
});
