/** gmsctl validate as a process: exit codes, inputs, formats, and no stack trace ever. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, gmsctl, hasStackTrace, ROOT } from './run-cli.js';

let tmp: string;
beforeAll(() => {
  ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'gmsctl-cli-'));
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A ChatService that validates on its own (no PushProviders to reference). */
const GOOD = readFileSync(join(ROOT, 'examples/mobile-chat.yaml'), 'utf8').replace(
  '    defaultProvider: fcmprod\n    providers: [fcmprod]\n',
  '',
);

describe('exit codes', () => {
  it('0 for the examples, with a summary', () => {
    const r = gmsctl(['validate', 'examples/', '--exclude', 'examples/bad']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 errors, 0 warnings in 6 files \(8 documents\)/);
  });

  it('1 for errors, with file:line:col and a code frame', () => {
    const r = gmsctl(['validate', 'examples/bad/option-placement.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^examples\/bad\/option-placement\.yaml:\d+:5: error option-placement: /m,
    );
    expect(r.stdout).toMatch(/\|\s+\^/);
  });

  it('0 for warnings only, 1 with --strict', () => {
    expect(gmsctl(['validate', 'examples/bad/option-unknown.yaml']).code).toBe(0);
    expect(gmsctl(['validate', '--strict', 'examples/bad/option-unknown.yaml']).code).toBe(1);
  });

  it('2 for a path that does not exist, after reporting the others', () => {
    const r = gmsctl(['validate', 'examples/secrets.yaml', 'no/such/file.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'gmsctl validate: cannot read no/such/file.yaml: no such file or directory\n',
    );
    expect(r.stdout).toMatch(/0 errors, 0 warnings in 1 file/);
    // Not the all-clear mark: the run failed, and the summary says why.
    expect(r.stdout).not.toContain('✔');
    expect(r.stdout).toMatch(/^✖ .*; 1 path could not be read$/m);
  });

  it('2 for a glob that matches nothing, without the all-clear mark', () => {
    const r = gmsctl(['validate', 'examples/*.nothing', 'no/such/dir/']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(
      '✖ 0 errors, 0 warnings in 0 files (0 documents); 2 paths could not be read\n',
    );
  });

  it('2 for usage errors', () => {
    for (const args of [
      ['validate'],
      ['validate', '--bogus', 'x.yaml'],
      ['validate', '--gms-version', '8.5', 'examples/'],
      ['validate', '--max-file-size', 'big', 'examples/'],
      ['validate', '--format', 'xml', 'examples/'],
      ['validate', "'nomatch/*.yaml'"],
      ['validate', 'examples/', '--format'],
      ['validate', 'examples/', '--output'],
      ['validate', 'examples/', '--gms-version', '--strict'],
    ]) {
      const r = gmsctl(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });
});

describe('inputs', () => {
  it('reads stdin with -', () => {
    const r = gmsctl(['validate', '-'], {
      input: GOOD.replace('enable_notification_mode: true', 'enable_notification_mode: perhaps'),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^-:\d+:31: error option-type/m);
    const named = gmsctl(['validate', '-', '--stdin-filename', 'cs.yaml'], { input: GOOD });
    expect(named.code).toBe(0);
  });

  it('expands quoted globs itself', () => {
    const r = gmsctl(['validate', 'examples/*.yaml', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary).toEqual({
      files: 6,
      documents: 8,
      errors: 0,
      warnings: 0,
    });
  });

  it.each([
    [
      'binary',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]),
      'file-encoding',
    ],
    ['latin1', Buffer.from('name: caf\xe9\n', 'latin1'), 'file-encoding'],
    ['malformed', Buffer.from('a: [1, 2\nb: }\n'), 'yaml-syntax'],
    [
      'bomb',
      Buffer.from(readFileSync(join(ROOT, 'examples/bad/yaml-alias-limit.yaml'))),
      'yaml-alias-limit',
    ],
    ['deep', Buffer.from('['.repeat(200_000)), 'yaml-syntax'],
  ])('%s input is a diagnostic, never a stack trace', (name, bytes, rule) => {
    const f = join(tmp, `${name}.yaml`);
    writeFileSync(f, bytes);
    const r = gmsctl(['validate', '--format', 'json', f]);
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stderr + r.stdout)).toBe(false);
    expect(JSON.parse(r.stdout).diagnostics.map((d: { rule: string }) => d.rule)).toContain(rule);
  });

  it('a huge file is refused by the cap, an empty one warned about', () => {
    const huge = join(tmp, 'huge.yaml');
    writeFileSync(huge, Buffer.alloc(6 * 1024 * 1024, 'a'));
    const r = gmsctl(['validate', huge]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('file-too-large');
    const empty = join(tmp, 'empty.yaml');
    writeFileSync(empty, '');
    const e = gmsctl(['validate', empty]);
    expect(e.code).toBe(0);
    expect(e.stdout).toContain('warning file-empty');
  });
});

describe('a closed stdout (gmsctl validate . | head)', () => {
  it('ends quietly with 141, no unhandled EPIPE and no stack trace', async () => {
    const dir = mkdtempSync(join(tmp, 'many-'));
    for (let i = 0; i < 2000; i++)
      writeFileSync(join(dir, `f${i}.ini`), '[chat]\nenable_notification_mode=maybe\n');
    const child = spawn(
      join(ROOT, 'node_modules/.bin/node'),
      [join(ROOT, 'bin/gmsctl.js'), 'validate', dir],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy()); // `head -1`
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(stderr).toBe('');
    expect(code).toBe(141);
  }, 60_000);
});

describe('formats', () => {
  it('json has exactly the documented shape', () => {
    const r = gmsctl(['validate', '--format', 'json', 'examples/bad/reference.yaml']);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['summary', 'diagnostics']);
    expect(j.diagnostics[0]).toEqual({
      file: 'examples/bad/reference.yaml',
      line: expect.any(Number),
      column: expect.any(Number),
      severity: 'error',
      rule: 'reference',
      message: expect.any(String),
    });
  });

  it('--output into a missing directory: exit 2, one line naming the file, no temp file name', () => {
    const r = gmsctl([
      'validate',
      '--format',
      'json',
      '--output',
      join(tmp, 'no/such/dir/report.json'),
      'examples/secrets.yaml',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `gmsctl validate: cannot write ${join(tmp, 'no/such/dir/report.json')}: no such directory\n`,
    );
  });

  it('--output writes the report to a file and nothing to stdout', () => {
    const out = join(tmp, 'report.sarif');
    const r = gmsctl([
      'validate',
      '--format',
      'sarif',
      '--output',
      out,
      'examples/bad/schema.yaml',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results[0].ruleId).toBe('schema');
  });

  it('auto picks GitHub annotations inside GitHub Actions and writes the step summary', () => {
    const summary = join(tmp, 'step-summary.md');
    writeFileSync(summary, '');
    const r = gmsctl(['validate', '--format', 'auto', 'examples/bad/option-type.yaml'], {
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.stdout).toMatch(
      /^::error file=examples\/bad\/option-type\.yaml,line=\d+,col=\d+,title=gmsctl%3A option-type::/m,
    );
    expect(readFileSync(summary, 'utf8')).toContain('| error | `option-type` |');
  });

  it('junit is XML', () => {
    const r = gmsctl(['validate', '--format', 'junit', 'examples/bad/option-type.yaml']);
    expect(r.stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="gmsctl validate" tests="1" failures="1"/,
    );
  });
});

describe('startup', () => {
  it('--version prints the package version', () => {
    const r = gmsctl(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    );
  });
});
