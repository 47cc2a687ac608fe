/**
 * gmsctl entry point. Only the invoked command's module is loaded (see ./registry.ts); every
 * error becomes a one-line message and an exit code, never a stack trace.
 */
import { createRequire } from 'node:module';
import { COMMANDS } from './registry.js';
import { UsageError } from './command.js';

const require = createRequire(import.meta.url);

function version(): string {
  const pkg = require('../../package.json') as { version: string };
  return pkg.version;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 8);
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.describe}`);
  return [
    'gmsctl: config management for Genesys Mobile Services (GMS) Chat V2 CometD gateways',
    '',
    'Usage: gmsctl <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `gmsctl <command> --help` for the options of a command.',
  ].join('\n');
}

/**
 * A string option written last, or followed by another option, has no value: yargs would make
 * it "" and carry on (`render -o` wrote into the current directory, `validate --format` fell
 * back to text, `--output` failed on a temporary file name). `--name=value` and `-f -` (stdin)
 * are values; an explicit empty argument is left to the command.
 */
function checkMissingValues(args: readonly string[], strings: readonly string[]): void {
  const names = new Set(strings);
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === '--') return;
    const m = /^--?([^=]+)$/.exec(token);
    if (!m || !names.has(m[1]!)) continue;
    const next = args[i + 1];
    if (next === undefined || (next.startsWith('-') && next !== '-'))
      throw new UsageError(`${token} needs a value`);
  }
}

/**
 * The reader of stdout or stderr went away (`gmsctl validate . | head`): without a listener the
 * failed write is an unhandled 'error' event, a stack trace, and a long-running command dies
 * without stopping what it started (`gmsctl demo | head` left its gateway nodes and HAProxy
 * running). Stop as a signal would instead: commands that clean up on SIGTERM (demo, gateway,
 * chat-server, operator) get one; the others end at once with 141, the status of a process a
 * SIGPIPE ended. Later write errors on the closed stream are ignored.
 */
let pipeClosed = false;
function onOutputError(err: NodeJS.ErrnoException): void {
  if (pipeClosed) return;
  if (err.code !== 'EPIPE') throw err;
  pipeClosed = true;
  if (process.listenerCount('SIGTERM') > 0) process.kill(process.pid, 'SIGTERM');
  else process.exit(141);
}

export async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', onOutputError);
  process.stderr.on('error', onOutputError);
  const first = argv[0];
  if (first === '--version' || first === '-v' || first === 'version') {
    process.stdout.write(`${version()}\n`);
    return;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${usage()}\n`);
    process.exitCode = first === undefined ? 2 : 0;
    return;
  }
  const loader = COMMANDS.find((c) => c.name === first);
  if (!loader) {
    process.stderr.write(`gmsctl: unknown command "${first}"\n\n${usage()}\n`);
    process.exitCode = 2;
    return;
  }
  try {
    const { command } = await loader.load();
    // Plain command lines skip loading yargs (~40 ms, issue 2 "Performance"); everything else,
    // --help and errors included, is parsed by yargs below.
    const quick = command.parseQuick?.(argv.slice(1));
    if (quick) {
      process.exitCode = await command.run(quick);
      return;
    }
    const { default: yargs } = await import('yargs');
    const parser = command.builder(
      yargs(argv.slice(1))
        .scriptName(`gmsctl ${loader.name}`)
        .usage(`gmsctl ${command.usage}\n\n${command.describe}`)
        .strict()
        .help()
        .version(false)
        .wrap(100)
        .exitProcess(false)
        .fail((msg, err) => {
          throw err ?? new UsageError(msg);
        }),
    );
    // getOptions() is yargs' own record of the declared options (not in @types/yargs).
    const declared = (parser as unknown as { getOptions(): { string?: string[] } }).getOptions();
    checkMissingValues(argv.slice(1), declared.string ?? []);
    const parsed = await parser.parseAsync();
    if ((parsed as { help?: boolean }).help) return;
    process.exitCode = await command.run(parsed as Record<string, unknown>);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`gmsctl ${loader.name}: ${message}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 2;
    if (process.env.GMSCTL_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  }
}
