/**
 * The bundled examples: examples/*.yaml validate clean (no errors, no warnings) and render;
 * every file in examples/bad/ triggers exactly the rule its header names; every rule has a bad
 * example and a docs/rules page.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderIniTarget } from '../../../src/cli/commands/render.js';
import { builtinRules, parseSize, validatePaths } from '../../../src/validate/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const EXAMPLES = join(ROOT, 'examples');
const BAD = join(EXAMPLES, 'bad');
const badFiles = readdirSync(BAD).sort();

function header(file: string, key: string): string | undefined {
  const text = readFileSync(join(BAD, file), 'latin1');
  return new RegExp(`^[#;] ${key}: (.+)$`, 'm').exec(text)?.[1]?.trim();
}

describe('examples/', () => {
  it('validates clean', async () => {
    const r = await validatePaths(['examples'], { cwd: ROOT, exclude: ['examples/bad'] });
    expect(r.ioErrors).toEqual([]);
    expect(r.diagnostics).toEqual([]);
    expect(r.summary).toMatchObject({ files: 6, errors: 0, warnings: 0 });
    expect(r.model.chatServices.map((c) => c.name).sort()).toEqual([
      'customer-support',
      'mobile-chat',
    ]);
    expect(r.model.pushProviders.map((c) => c.name).sort()).toEqual([
      'apnsprod',
      'fcmprod',
      'hooks',
    ]);
  });

  it('every example starts with a yaml-language-server schema line that resolves', () => {
    for (const f of readdirSync(EXAMPLES).filter((x) => x.endsWith('.yaml'))) {
      const first = readFileSync(join(EXAMPLES, f), 'utf8').split('\n')[0]!;
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(m, f).not.toBeNull();
      if (!m![1]!.startsWith('https://'))
        expect(existsSync(join(EXAMPLES, m![1]!)), `${f}: ${m![1]}`).toBe(true);
    }
  });

  it('renders, with credentials only in secrets.ini', async () => {
    const r = await validatePaths(['examples'], { cwd: ROOT, exclude: ['examples/bad'] });
    const out = await renderIniTarget({ model: r.model, backends: [] });
    expect(out.errors).toEqual([]);
    const paths = out.files.map((f) => f.path).sort();
    expect(paths).toEqual([
      'contact-center/customer-support/dynamic.ini',
      'contact-center/customer-support/gms.ini',
      'contact-center/customer-support/secrets.ini',
      'contact-center/customer-support/static.ini',
      'contact-center/mobile-chat/dynamic.ini',
      'contact-center/mobile-chat/gms.ini',
      'contact-center/mobile-chat/secrets.ini',
      'contact-center/mobile-chat/static.ini',
    ]);
    const secrets = out.files.find(
      (f) => f.path === 'contact-center/customer-support/secrets.ini',
    )!;
    expect(secrets.mode).toBe(0o600);
    expect(secrets.content).toContain('fcm.apiKey=FAKE-FCM-API-KEY-for-examples-only');
    for (const f of out.files.filter((x) => !x.path.endsWith('secrets.ini'))) {
      expect(f.content).not.toContain('FAKE-FCM');
      expect(f.content).not.toContain('not-a-real-password');
    }
    const gms = out.files.find(
      (f) => f.path === 'contact-center/customer-support/gms.ini',
    )!.content;
    expect(gms).toContain('[chat.customer-support]');
    expect(gms).toContain('[push.provider.fcmprod]');
  });
});

describe('examples/bad/', () => {
  it.each(badFiles.map((f) => [f]))('%s triggers exactly its rule', async (file) => {
    const expected = header(file, 'gmsctl-expect');
    expect(expected, 'header "gmsctl-expect: <rule>"').toBeDefined();
    const args = header(file, 'gmsctl-args');
    const maxFileSize = args ? parseSize(/--max-file-size (\S+)/.exec(args)![1]!) : undefined;
    const r = await validatePaths([join('examples/bad', file)], { cwd: ROOT, maxFileSize });
    expect(r.ioErrors).toEqual([]);
    expect([...new Set(r.diagnostics.map((d) => d.rule))]).toEqual([expected]);
  });

  it('every rule has a bad example and a docs page', () => {
    const covered = new Set(badFiles.map((f) => header(f, 'gmsctl-expect')));
    for (const rule of builtinRules()) {
      expect(covered.has(rule.id), `examples/bad for ${rule.id}`).toBe(true);
      expect(
        existsSync(join(ROOT, 'docs/rules', `${rule.id}.md`)),
        `docs/rules/${rule.id}.md`,
      ).toBe(true);
    }
  });
});
