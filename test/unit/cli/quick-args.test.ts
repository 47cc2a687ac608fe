/**
 * The yargs-free parser of plain command lines (src/cli/quick-args.ts) against yargs itself,
 * configured exactly as main.ts configures it for `gmsctl validate`: whenever the quick parser
 * answers, `run` must see the same arguments; everything unusual must be left to yargs.
 */
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { command } from '../../../src/cli/commands/validate.js';
import { UsageError } from '../../../src/cli/command.js';

/** What main.ts gives `run` after yargs (or the error yargs raises). */
async function viaYargs(argv: string[]): Promise<Record<string, unknown> | Error> {
  try {
    return (await command
      .builder(
        yargs(argv)
          .scriptName('gmsctl validate')
          .usage('x')
          .strict()
          .help()
          .version(false)
          .exitProcess(false)
          .fail((msg, err) => {
            throw err ?? new UsageError(msg);
          }),
      )
      .parseAsync()) as Record<string, unknown>;
  } catch (err) {
    return err as Error;
  }
}

/** The arguments `run` reads. */
const READ = [
  '_',
  'format',
  'output',
  'strict',
  'gmsVersion',
  'maxFileSize',
  'exclude',
  'stdinFilename',
  'rulesBaseUrl',
] as const;

function seen(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(READ.map((k) => [k, args[k]]));
}

const PLAIN: string[][] = [
  ['examples'],
  ['examples', 'examples/bad'],
  ['-'],
  ['--format', 'json', 'examples'],
  ['--format=sarif', '--output', 'out.sarif', 'deploy/'],
  ['examples', '--format', 'junit', '--strict'],
  ['--strict', 'examples'],
  ['--gms-version', '8.5.219.03', 'a.ini'],
  ['--gms-version=8.5', 'a.ini'],
  ['--max-file-size', '5MiB', '--stdin-filename', 'x.yaml', '-'],
  ['--rules-base-url', 'https://example.com/docs/rules/', '--format', 'sarif', 'x'],
  ['--rules-base-url=', 'x'],
  ['--output', '', 'x'],
  ['deploy/**/*.yaml', "it's a file.yaml", 'dir with space/'],
  ['2024-manifests/', 'v1.2/x.yaml'],
  ['--format', 'auto', 'x'],
];

const LEFT_TO_YARGS: string[][] = [
  ['--help'],
  ['-h'],
  ['--format', 'xml', 'x'],
  ['--format', 'json', '--format', 'text', 'x'],
  ['--exclude', '*.ini', 'x'],
  ['--exclude=*.ini', 'x'],
  ['--no-strict', 'x'],
  ['--strict', 'true', 'x'],
  ['--strict', 'false', 'x'],
  ['--strict=false', 'x'],
  ['--gmsVersion', '8.5', 'x'],
  ['--unknown', 'x'],
  ['-s', 'x'],
  ['--', '--format'],
  ['--output'],
  ['--output', '-', 'x'],
  ['--output', '--strict', 'x'],
  ['10'],
  ['0x1f'],
  ['1e3', 'x'],
  ['-5'],
  ['.5'],
  ['010'],
  ['--format.x', 'y'],
];

describe('quick command-line parsing (no yargs)', () => {
  it.each(PLAIN.map((a) => [a.join(' '), a]))('%s: same arguments as yargs', async (_n, argv) => {
    const quick = command.parseQuick!(argv);
    expect(quick, 'the quick parser should handle this command line').toBeDefined();
    const full = await viaYargs(argv);
    expect(full).not.toBeInstanceOf(Error);
    expect(seen(quick!)).toEqual(seen(full as Record<string, unknown>));
  });

  it.each(LEFT_TO_YARGS.map((a) => [a.join(' '), a]))('%s: left to yargs', async (_n, argv) => {
    expect(command.parseQuick!(argv)).toBeUndefined();
    // Whatever yargs makes of it (an error, help, numbers, arrays), the quick parser did not
    // pretend to know: nothing to compare.
  });

  it('never disagrees with yargs on generated command lines', async () => {
    const tokens = [
      'x.yaml',
      'dir/',
      '-',
      '--format',
      'json',
      'sarif',
      '--strict',
      'true',
      '--output',
      'o.txt',
      '--gms-version',
      '8.5.1',
      '--exclude',
      '*.ini',
      '--rules-base-url',
      'https://e.com/r',
      '--max-file-size=1k',
      '--stdin-filename=a.ini',
      '7',
      '--',
    ];
    let answered = 0;
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 400; i++) {
      const argv = Array.from({ length: 1 + rnd(6) }, () => tokens[rnd(tokens.length)]!);
      const quick = command.parseQuick!(argv);
      if (!quick) continue;
      answered++;
      const full = await viaYargs(argv);
      expect(full, argv.join(' ')).not.toBeInstanceOf(Error);
      expect(seen(quick), argv.join(' ')).toEqual(seen(full as Record<string, unknown>));
    }
    expect(answered).toBeGreaterThan(50);
  });
});
