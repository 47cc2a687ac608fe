import type { Argv } from 'yargs';

/** What a gmsctl command module exports. */
export interface CommandModule {
  /** yargs command string, e.g. 'validate [paths..]'. */
  usage: string;
  describe: string;
  builder: (y: Argv) => Argv;
  /** Returns the process exit code (0 ok, 1 findings, 2 usage or I/O error). */
  run: (args: Record<string, unknown>) => Promise<number>;
  /**
   * Optional: the arguments yargs would give `run` for plain command lines, without loading
   * yargs (./quick-args.ts); undefined to let yargs parse (help, errors, anything unusual).
   */
  parseQuick?: (argv: readonly string[]) => Record<string, unknown> | undefined;
}

export interface CommandLoader {
  name: string;
  describe: string;
  load: () => Promise<{ command: CommandModule }>;
}

/** An error that maps to exit code 2 with a one-line message and no stack trace. */
export class UsageError extends Error {
  readonly exitCode = 2;
}
