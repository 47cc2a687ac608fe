/**
 * gmsctl validate PATH...: the pull-request check. Exit codes (domain/load-balancers.md §7,
 * issue 2): 0 no errors (warnings allowed), 1 errors (or warnings with --strict), 2 usage error
 * or a path that cannot be read. Reports go to stdout (or --output FILE, written atomically);
 * I/O problems go to stderr, so machine formats stay clean.
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { tryParseVersion } from '../../catalog/index.js';
import {
  DEFAULT_MAX_FILE_SIZE,
  FORMATS,
  allRules,
  formatReport,
  githubStepSummary,
  parseSize,
  registerRules,
  resolveFormat,
  resolveRulesBaseUrl,
  validatePaths,
  type EngineResult,
} from '../../validate/index.js';
import { UsageError, type CommandModule } from '../command.js';
import { quickArgs, type QuickSpec } from '../quick-args.js';
import { useColor, writeReport } from './output.js';
import { loadFileCheckers } from './validate-checkers.js';

export interface CommonInputArgs {
  gmsVersion?: string;
  maxFileSize?: string;
  exclude?: string[];
  stdinFilename?: string;
}

/** Options shared by validate and render (how inputs are read). */
export function inputOptions(y: Argv): Argv {
  return y
    .option('gms-version', {
      type: 'string',
      describe:
        'Target GMS version for INI files (e.g. 8.5.219.03); ChatServices use spec.gms.version',
    })
    .option('max-file-size', {
      type: 'string',
      describe: `Refuse files larger than this (bytes, or with k/M/G suffix; default ${DEFAULT_MAX_FILE_SIZE / 1024 / 1024}MiB)`,
    })
    .option('exclude', {
      type: 'string',
      array: true,
      describe: 'Glob of files or directories to skip (repeatable)',
    })
    .option('stdin-filename', {
      type: 'string',
      describe: 'Name to show for stdin (-); its extension picks YAML or INI',
    });
}

export function parseInputArgs(args: Record<string, unknown>): {
  gmsVersion?: string;
  maxFileSize: number;
  exclude: string[];
  stdinFilename?: string;
} {
  const gmsVersion = args.gmsVersion as string | undefined;
  if (gmsVersion !== undefined && !tryParseVersion(gmsVersion)) {
    throw new UsageError(
      `--gms-version ${JSON.stringify(gmsVersion)} is not a GMS version (expected e.g. 8.5.219.03)`,
    );
  }
  const sizeArg = args.maxFileSize as string | undefined;
  const maxFileSize = sizeArg === undefined ? DEFAULT_MAX_FILE_SIZE : parseSize(sizeArg);
  if (maxFileSize === undefined)
    throw new UsageError(
      `--max-file-size ${JSON.stringify(sizeArg)} is not a size (e.g. 5MiB, 512k, 1048576)`,
    );
  return {
    gmsVersion,
    maxFileSize,
    exclude: ((args.exclude as string[] | undefined) ?? []).map(String),
    stdinFilename: args.stdinFilename as string | undefined,
  };
}

export function reportIoErrors(command: string, result: Pick<EngineResult, 'ioErrors'>): void {
  for (const e of result.ioErrors)
    process.stderr.write(`gmsctl ${command}: cannot read ${e.file}: ${e.message}\n`);
}

/** PATH arguments (yargs puts them in `_`; numbers stay strings). */
export function positionals(args: Record<string, unknown>): string[] {
  return ((args._ as unknown[] | undefined) ?? []).map(String);
}

interface PackageJson {
  version: string;
  repository?: unknown;
}

function packageJson(): PackageJson {
  return createRequire(import.meta.url)('../../../package.json') as PackageJson;
}

/** SARIF helpUri base: --rules-base-url, GMSCTL_RULES_BASE_URL, package.json repository. */
function rulesBaseUrl(args: Record<string, unknown>, pkg: PackageJson): string | undefined {
  try {
    return resolveRulesBaseUrl({
      flag: args.rulesBaseUrl as string | undefined,
      repository: pkg.repository,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** The options `validate` reads without yargs for plain command lines (../quick-args.ts). */
const QUICK: QuickSpec = {
  strings: ['format', 'output', 'rules-base-url', 'gms-version', 'max-file-size', 'stdin-filename'],
  booleans: ['strict'],
  choices: { format: [...FORMATS, 'auto'] },
  defaults: { format: 'text', strict: false },
};

export const command: CommandModule = {
  usage: 'validate [paths..]',
  describe:
    'Validate ChatService/PushProvider manifests and GMS INI files (files, directories, globs, - for stdin)',
  builder: (y) =>
    inputOptions(
      // main.ts parses without a yargs command, so PATHs arrive in `_`: keep unknown options
      // an error but allow positionals.
      y
        .strict(false)
        .strictOptions(true)
        .option('format', {
          type: 'string',
          choices: [...FORMATS, 'auto'],
          default: 'text',
          describe: 'Report format (auto: github inside GitHub Actions, else text)',
        })
        .option('output', {
          type: 'string',
          describe: 'Write the report to FILE (atomically) instead of stdout',
        })
        .option('strict', { type: 'boolean', default: false, describe: 'Exit 1 on warnings too' })
        .option('rules-base-url', {
          type: 'string',
          describe:
            'Where docs/rules/ is published, for SARIF helpUri (default: $GMSCTL_RULES_BASE_URL, else the package.json repository on GitHub/GitLab/Bitbucket, else no helpUri; empty: none)',
        }),
    )
      .example('gmsctl validate examples/', 'Validate every manifest and INI file under examples/')
      .example(
        "gmsctl validate 'deploy/**/*.yaml' --format sarif --output gmsctl.sarif",
        'SARIF for code scanning',
      )
      .example('kubectl get chatservice -o yaml | gmsctl validate -', 'Validate from stdin'),
  parseQuick: (argv) => quickArgs(argv, QUICK),
  run: async (args) => {
    const paths = positionals(args);
    if (paths.length === 0)
      throw new UsageError('give at least one file, directory or glob to validate, or - for stdin');
    const input = parseInputArgs(args);
    const format = resolveFormat(String(args.format));
    const pkg = packageJson();
    // A malformed --rules-base-url is a usage error whatever the format; the environment
    // variable and package.json only matter where they are used (SARIF).
    const baseUrl =
      format === 'sarif' || args.rulesBaseUrl !== undefined ? rulesBaseUrl(args, pkg) : undefined;
    const checkers = await loadFileCheckers();
    for (const c of checkers) registerRules(c.rules);

    // The report needs only the diagnostics: documents are dropped once checked.
    const result = await validatePaths(paths, { ...input, checkers, keepObjects: false });
    const output = args.output as string | undefined;
    const report = { diagnostics: result.diagnostics, summary: result.summary };
    const text = formatReport(format, report, {
      sources: result.sources,
      color: output === undefined && format === 'text' && useColor(process.stdout),
      rules: allRules(),
      toolVersion: pkg.version,
      rulesBaseUrl: baseUrl,
      files: result.files,
      unreadable: result.ioErrors.map((e) => e.file),
    });
    writeReport(output, text);
    if (format === 'github' && process.env.GITHUB_STEP_SUMMARY) {
      try {
        appendFileSync(process.env.GITHUB_STEP_SUMMARY, githubStepSummary(report));
      } catch {
        // The step summary is a convenience; the annotations are already out.
      }
    }
    reportIoErrors('validate', result);
    if (result.ioErrors.length > 0) return 2;
    if (result.summary.errors > 0) return 1;
    if (args.strict === true && result.summary.warnings > 0) return 1;
    return 0;
  },
};
