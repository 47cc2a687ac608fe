import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runImport, command, type ImportArgs } from '../../../src/cli/commands/import.js';
import { readInputFile, DEFAULT_MAX_FILE_SIZE } from '../../../src/validate/input/sources.js';
import { render } from '../../../src/config/render.js';
import { UsageError } from '../../../src/cli/command.js';
import type { ChatService, PushProvider } from '../../../src/api/types.js';
import { FIXTURES, expectGolden } from './fixtures.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gmsctl-import-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: ImportArgs): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runImport(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    read: async (f) => readInputFile(f, DEFAULT_MAX_FILE_SIZE),
  });
  return { code, stdout, stderr };
}

describe('gmsctl import', () => {
  it('prints multi-document YAML that matches the golden file and exits 0', async () => {
    const file = `${FIXTURES}import/customer-support.ini`;
    const r = await run({ file, gmsVersion: '8.5.219.03', namespace: 'contact-center' });
    expect(r.code).toBe(0);
    expectGolden('import/customer-support.yaml', r.stdout.replaceAll(FIXTURES, '<fixtures>/'));
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string });
    expect(docs.map((d) => d.kind)).toEqual([
      'ChatService',
      'PushProvider',
      'PushProvider',
      'PushProvider',
    ]);
    expect(r.stdout).not.toMatch(/s3cret-basic|AAAA-fcm|apns-keystore-pass/);
  });

  it('gives YAML that renders back to the same options', async () => {
    const r = await run({
      file: `${FIXTURES}import/customer-support.ini`,
      gmsVersion: '8.5.219.03',
    });
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    const rendered = render(docs[0] as ChatService, docs.slice(1) as PushProvider[]);
    expect(rendered.problems).toEqual([]);
    expect(rendered.all.get('chat')!.get('enable_notification_mode')).toBe('true');
    expect(rendered.all.get('push.provider.webhook')!.get('customhttp.url')).toBe(
      'https://push.example.com/gms/notify',
    );
    expect(rendered.missingSecrets.map((m) => m.secretName).sort()).toEqual([
      'apnsprod-apple',
      'apnsprod-apple',
      'customer-support-basic-auth',
      'customer-support-basic-auth',
      'fcmprod-fcm',
      'fcmprod-fcm',
      'fcmprod-fcm',
      'fcmprod-fcm',
    ]);
  });

  it('reports notes on stderr as file:line:col lines, with the kubectl commands for the Secrets', async () => {
    const file = `${FIXTURES}import/customer-support.ini`;
    const r = await run({ file, gmsVersion: '8.5.219.03' });
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toContain(
      `${file}:24:1: warning: [push.provider.fcmprod] fcm.apiKey is a credential and is not copied into the YAML: spec.fcm.apiKeySecretRef refers to Secret fcmprod-fcm key apiKey; create it with the value at line 24, column 12 [import-secret]`,
    );
    expect(lines).toContain(
      'imported ChatService customer-support and PushProviders fcmprod, apnsprod, webhook',
    );
    expect(lines.at(-1)).toMatch(
      /^ {2}kubectl create secret generic apnsprod-apple --from-file=keystore=\/opt\/gms\/keys\/apns-prod\.p12 /,
    );
    for (const l of lines) expect(l).not.toMatch(/^\s+at /);
  });

  it('exits 1 when something could not be placed, and still writes what it could', async () => {
    const out = join(dir, 'legacy.yaml');
    const r = await run({ file: `${FIXTURES}import/legacy.ini`, output: out });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `${FIXTURES}import/legacy.ini:24:1: error: [server] ssl.keystorePassword was not imported`,
    );
    expect(r.stderr).toContain('8 things were not placed');
    const docs = parseAllDocuments(readFileSync(out, 'utf8')).map(
      (d) => d.toJS() as { metadata: { name: string } },
    );
    expect(docs.map((d) => d.metadata.name)).toEqual([
      'mobile-chat',
      'fcmlegacy',
      'empty',
      'mobilechatdefault',
    ]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('chooses the service with --service', async () => {
    const file = `${FIXTURES}import/two-services.ini`;
    expect((await run({ file })).code).toBe(1);
    const r = await run({ file, service: 'sales', gmsVersion: '8.5.219.03' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('name: sales');
    expect(r.stdout).toContain('_client_timeout_notification: 60');
  });

  it('exits 2 with one line for a file that cannot be read', async () => {
    const missing = await run({ file: join(dir, 'nope.ini') });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^gmsctl import: .*nope\.ini: .+\n$/);
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    const d = await run({ file: sub });
    expect(d.code).toBe(2);
    expect(d.stderr).toBe(`gmsctl import: ${sub}: is a directory\n`);
  });

  it('exits 2 for a file over the size cap without reading it whole', async () => {
    const big = join(dir, 'big.ini');
    writeFileSync(big, Buffer.alloc(DEFAULT_MAX_FILE_SIZE + 1, 0x61));
    const r = await run({ file: big });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('larger than');
  });

  it('reports a binary or non-UTF-8 file as notes with positions, never a stack trace', async () => {
    const bin = join(dir, 'binary.ini');
    writeFileSync(
      bin,
      Buffer.from([0x5b, 0x63, 0x5d, 0x0a, 0x00, 0xff, 0xfe, 0x0a, 0x78, 0x3d, 0xc3]),
    );
    const r = await run({ file: bin });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bin}:2:2: error: ini-encoding: invalid UTF-8`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a bad --gms-version, --namespace or --name as a usage error', async () => {
    const file = `${FIXTURES}import/two-services.ini`;
    await expect(run({ file, gmsVersion: 'latest' })).rejects.toThrow(UsageError);
    await expect(run({ file, namespace: 'Bad_NS' })).rejects.toThrow(UsageError);
    await expect(run({ file, name: 'a b' })).rejects.toThrow(UsageError);
  });

  it('is wired as a command module', () => {
    expect(command.usage).toMatch(/^import <file>/);
  });
});
