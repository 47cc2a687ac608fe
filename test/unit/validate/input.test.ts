/** Reading inputs: encodings, size cap, directories, globs, exclusions, stdin, unreadable paths. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeText } from '../../../src/validate/input/decode.js';
import { firstInvalidUtf8 } from '../../../src/util/utf8.js';
import { parseSize, resolveInputs, sniffFormat } from '../../../src/validate/input/sources.js';
import { validatePaths } from '../../../src/validate/index.js';
import { chatService, rules } from './helpers.js';

describe('decodeText', () => {
  it('drops a UTF-8 byte order mark', () => {
    const r = decodeText('f', Buffer.from('\ufeffa: 1\n', 'utf8'));
    expect(r).toEqual({ ok: true, text: 'a: 1\n' });
  });

  it('refuses UTF-16 by its BOM', () => {
    const bom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: 1', 'utf16le')]);
    expect(decodeText('f', bom)).toMatchObject({
      ok: false,
      diagnostic: { rule: 'file-encoding', line: 1, column: 1 },
    });
  });

  it('calls a file with a NUL binary and says where', () => {
    const r = decodeText('f', Buffer.from('a: 1\nb: \0\n'));
    expect(r).toMatchObject({
      ok: false,
      diagnostic: { rule: 'file-encoding', line: 2, column: 4 },
    });
  });

  it('points at the first invalid UTF-8 byte', () => {
    const bytes = Buffer.concat([
      Buffer.from('ok: é\nname: caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    expect(firstInvalidUtf8(bytes)).toBe(bytes.indexOf(0xe9, 8));
    const r = decodeText('f', bytes);
    expect(r).toMatchObject({ ok: false, diagnostic: { line: 2, column: 10 } });
    if (!r.ok) expect(r.diagnostic.message).toContain('0xE9');
  });

  it.each([
    [[0xc0, 0x80]], // overlong
    [[0xed, 0xa0, 0x80]], // surrogate
    [[0xf4, 0x90, 0x80, 0x80]], // above U+10FFFF
    [[0xe2, 0x82]], // truncated
  ])('refuses %j', (seq) => {
    expect(decodeText('f', Buffer.from(seq)).ok).toBe(false);
  });
});

describe('sizes and formats', () => {
  it('parses sizes', () => {
    expect(parseSize('5MiB')).toBe(5 * 1024 * 1024);
    expect(parseSize('512k')).toBe(512 * 1024);
    expect(parseSize('100')).toBe(100);
    expect(parseSize('1.5m')).toBe(1.5 * 1024 * 1024);
    expect(parseSize('0')).toBeUndefined();
    expect(parseSize('ten')).toBeUndefined();
  });

  it('sniffs INI by its first section header', () => {
    expect(sniffFormat('; c\n\n[chat]\na=b\n')).toBe('ini');
    expect(sniffFormat('a: 1\n')).toBe('yaml');
    expect(sniffFormat('global\n  maxconn 100\n')).toBe('yaml');
  });
});

describe('resolving paths', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gmsctl-input-'));
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    mkdirSync(join(dir, 'node_modules/x'), { recursive: true });
    mkdirSync(join(dir, '.git'), { recursive: true });
    writeFileSync(join(dir, 'a/one.yaml'), chatService());
    writeFileSync(join(dir, 'a/b/two.yml'), chatService({ name: 'two' }));
    writeFileSync(join(dir, 'a/b/gms.ini'), '[chat]\nenable_notification_mode=true\n');
    writeFileSync(join(dir, 'a/b/haproxy.cfg'), 'global\n  maxconn 100\n');
    writeFileSync(join(dir, 'a/readme.md'), '# not an input');
    writeFileSync(join(dir, 'node_modules/x/pkg.yaml'), 'x: [');
    writeFileSync(join(dir, '.git/config.yaml'), 'x: [');
    symlinkSync(join(dir, 'a'), join(dir, 'a/b/loop'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('walks directories for YAML, JSON and INI, sorted, skipping node_modules, dot-dirs and symlinked dirs', () => {
    const { files, errors } = resolveInputs(['.'], { cwd: dir });
    expect(errors).toEqual([]);
    expect(files.map((f) => f.file)).toEqual([
      'a/b/gms.ini',
      'a/b/haproxy.cfg',
      'a/b/two.yml',
      'a/one.yaml',
    ]);
  });

  it('expands globs and reports a glob that matches nothing', () => {
    const { files, errors } = resolveInputs(['a/**/*.yml', 'nothing/*.yaml'], { cwd: dir });
    expect(files.map((f) => f.file)).toEqual(['a/b/two.yml']);
    expect(errors).toEqual([{ file: 'nothing/*.yaml', message: 'no files match this pattern' }]);
  });

  it('a glob skips what is not a regular file (a FIFO would block the read), as walks do', () => {
    const fifoDir = join(dir, 'fifo');
    mkdirSync(fifoDir);
    execFileSync('mkfifo', [join(fifoDir, 'pipe.yaml')]);
    writeFileSync(join(fifoDir, 'real.yaml'), chatService());
    try {
      expect(resolveInputs(['fifo/*.yaml'], { cwd: dir }).files.map((f) => f.file)).toEqual([
        'fifo/real.yaml',
      ]);
      expect(resolveInputs(['fifo'], { cwd: dir }).files.map((f) => f.file)).toEqual([
        'fifo/real.yaml',
      ]);
    } finally {
      rmSync(fifoDir, { recursive: true, force: true });
    }
  });

  it('excludes by glob or base name', () => {
    const { files } = resolveInputs(['.'], { cwd: dir, exclude: ['a/b/**', 'one.yaml'] });
    expect(files).toEqual([]);
  });

  it('reports missing paths', () => {
    expect(resolveInputs(['missing.yaml'], { cwd: dir }).errors).toEqual([
      { file: 'missing.yaml', message: 'no such file or directory' },
    ]);
  });

  it('validates a walked tree; a walked .cfg that is not INI is skipped, an explicit one is not', async () => {
    const r = await validatePaths(['.'], { cwd: dir });
    expect(r.diagnostics).toEqual([]);
    expect(r.summary).toMatchObject({ files: 3, documents: 3, errors: 0, warnings: 0 });
    expect(r.summary.skipped).toEqual({ '(not a GMS INI file)': 1 });
    const explicit = await validatePaths(['a/b/haproxy.cfg'], { cwd: dir });
    expect(rules(explicit.diagnostics)).toEqual(['ini-syntax']);
  });

  it('refuses a file over the cap without reading it', async () => {
    const r = await validatePaths(['a/one.yaml'], { cwd: dir, maxFileSize: 100 });
    expect(r.diagnostics.map((d) => [d.rule, d.line, d.column])).toEqual([
      ['file-too-large', 1, 1],
    ]);
  });

  it('reports an unreadable file as an I/O error, not a diagnostic', async () => {
    if (process.getuid?.() === 0) return; // root reads everything; the CLI test covers a missing path
    const f = join(dir, 'a/locked.yaml');
    writeFileSync(f, 'a: 1\n');
    chmodSync(f, 0);
    const r = await validatePaths(['a/locked.yaml'], { cwd: dir });
    expect(r.ioErrors).toEqual([{ file: 'a/locked.yaml', message: 'permission denied' }]);
  });

  it('reads stdin, names it, and caps it', async () => {
    const r = await validatePaths(['-'], {
      stdin: Readable.from([chatService().replace('true', 'maybe')]),
      stdinFilename: 'cs.yaml',
    });
    expect(r.diagnostics.map((d) => [d.file, d.rule])).toEqual([['cs.yaml', 'option-type']]);
    const big = await validatePaths(['-'], {
      stdin: Readable.from([Buffer.alloc(4096, 'a')]),
      maxFileSize: 1000,
    });
    expect(rules(big.diagnostics)).toEqual(['file-too-large']);
    const ini = await validatePaths(['-'], {
      stdin: Readable.from(['[chat]\nenable_notification_mode=maybe\n']),
    });
    expect(rules(ini.diagnostics)).toEqual(['option-type']);
  });

  it('an endless stream stops at the cap', async () => {
    async function* endless() {
      for (;;) yield Buffer.alloc(65536, 'x');
    }
    const r = await validatePaths(['-'], {
      stdin: Readable.from(endless()),
      maxFileSize: 1024 * 1024,
    });
    expect(rules(r.diagnostics)).toEqual(['file-too-large']);
  });

  it('empty files are a warning', async () => {
    writeFileSync(join(dir, 'empty.yaml'), '');
    writeFileSync(join(dir, 'comments.yaml'), '# nothing\n');
    writeFileSync(join(dir, 'empty.ini'), '; nothing\n');
    const r = await validatePaths(['empty.yaml', 'comments.yaml', 'empty.ini'], { cwd: dir });
    expect(r.diagnostics.map((d) => [d.file, d.rule, d.severity])).toEqual([
      ['empty.yaml', 'file-empty', 'warning'],
      ['comments.yaml', 'file-empty', 'warning'],
      ['empty.ini', 'file-empty', 'warning'],
    ]);
  });
});
