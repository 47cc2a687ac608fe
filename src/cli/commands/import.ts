/**
 * gmsctl import FILE [--service NAME] [--gms-version V] [--name NAME] [--namespace NS] [-o FILE]
 *
 * Turns an existing GMS INI file into ChatService and PushProvider YAML (teams migrating today's
 * GMS nodes start here). stdout (or -o FILE, written atomically) gets the multi-document YAML;
 * stderr gets one line per note, `file:line:col: severity: message [rule]`, and the kubectl
 * commands that create the Secrets the credentials moved to (their values are never printed).
 *
 * Exit codes: 0 everything placed; 1 something could not be placed (each is an `error` line on
 * stderr; the YAML holds everything else); 2 usage error or a file that cannot be read.
 */
import type { Argv } from 'yargs';
import { Document, isScalar, visit } from 'yaml';
import {
  importIni,
  parseIniBuffer,
  secretCommands,
  type ImportResult,
} from '../../config/index.js';
import { isValidVersion } from '../../catalog/index.js';
import {
  DEFAULT_MAX_FILE_SIZE,
  readInputFile,
  readStdin,
  type ReadResult,
} from '../../validate/input/sources.js';
import { UsageError, type CommandModule } from '../command.js';
import { writeFileAtomic } from './output.js';

export interface ImportArgs {
  file: string;
  service?: string;
  gmsVersion?: string;
  name?: string;
  namespace?: string;
  output?: string;
}

export interface ImportIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  read: (file: string) => Promise<ReadResult>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The YAML documents of an import: ChatService first, then its PushProviders. */
export function importToYaml(result: ImportResult, file: string, namespace?: string): string {
  const header = [
    ` Imported from ${file} by gmsctl import.`,
    ' Review the notes gmsctl printed, run `gmsctl validate` on this file, and create the Secrets:',
    ...(result.secrets.length === 0
      ? ['   (none: the file holds no credentials)']
      : secretCommands(result.secrets, file, namespace).map((c) => `   ${c}`)),
  ].join('\n');
  const docs = [result.chatService, ...result.pushProviders].map((obj, i) => {
    const doc = new Document(obj);
    // Versions such as 8.5.219.03 read as strings in YAML 1.2, but quoted they cannot be taken
    // for numbers by any reader or person (DESIGN.md writes them quoted too).
    visit(doc, {
      Scalar(_key, node) {
        if (isScalar(node) && typeof node.value === 'string' && /^[0-9][0-9.]*$/.test(node.value))
          node.type = 'QUOTE_DOUBLE';
      },
    });
    if (i === 0) doc.commentBefore = header;
    return doc.toString({ lineWidth: 0 });
  });
  return docs.join('---\n');
}

function readError(file: string, r: Exclude<ReadResult, { kind: 'ok' }>): string {
  return r.kind === 'too-large'
    ? `${file}: larger than ${DEFAULT_MAX_FILE_SIZE} bytes; not a GMS INI file`
    : `${file}: ${r.message}`;
}

/** The command without process globals, for tests. Returns the exit code. */
export async function runImport(args: ImportArgs, io: ImportIo): Promise<number> {
  if (args.gmsVersion !== undefined && !isValidVersion(args.gmsVersion)) {
    throw new UsageError(
      `--gms-version ${JSON.stringify(args.gmsVersion)} is not a GMS version (e.g. 8.5.219.03)`,
    );
  }
  if (args.namespace !== undefined && !DNS_LABEL.test(args.namespace)) {
    throw new UsageError(
      `--namespace ${JSON.stringify(args.namespace)} is not a Kubernetes namespace name`,
    );
  }
  if (args.name !== undefined && !DNS_LABEL.test(args.name)) {
    throw new UsageError(
      `--name ${JSON.stringify(args.name)} is not a Kubernetes object name (lower-case letters, digits, "-")`,
    );
  }
  const shown = args.file === '-' ? '<stdin>' : args.file;
  const read = await io.read(args.file);
  if (read.kind !== 'ok') {
    io.stderr(`gmsctl import: ${readError(shown, read)}\n`);
    return 2;
  }

  const doc = parseIniBuffer(read.bytes);
  const opts: Parameters<typeof importIni>[1] = {};
  if (args.service !== undefined) opts.serviceName = args.service;
  if (args.gmsVersion !== undefined) opts.gmsVersion = args.gmsVersion;
  if (args.name !== undefined) opts.name = args.name;
  if (args.namespace !== undefined) opts.namespace = args.namespace;
  const result = importIni(doc, opts);

  const yaml = importToYaml(result, shown, args.namespace);
  if (args.output !== undefined) {
    try {
      writeFileAtomic(args.output, yaml);
    } catch (err) {
      io.stderr(`gmsctl import: cannot write ${args.output}: ${(err as Error).message}\n`);
      return 2;
    }
  } else {
    io.stdout(yaml);
  }

  for (const n of result.notes) {
    io.stderr(`${shown}:${n.line}:${n.column}: ${n.severity}: ${n.message} [${n.rule}]\n`);
  }
  const providers = result.pushProviders.map((p) => p.metadata.name);
  io.stderr(
    `imported ChatService ${result.chatService.metadata.name}` +
      (providers.length > 0
        ? ` and PushProvider${providers.length > 1 ? 's' : ''} ${providers.join(', ')}`
        : '') +
      (args.output !== undefined ? ` into ${args.output}` : '') +
      (result.unplaced > 0
        ? `; ${result.unplaced} thing${result.unplaced > 1 ? 's were' : ' was'} not placed (see the errors above)\n`
        : '\n'),
  );
  if (result.secrets.length > 0) {
    io.stderr(
      'create the Secrets the credentials moved to (fill in the <...> values from the INI file):\n',
    );
    for (const c of secretCommands(result.secrets, shown, args.namespace)) io.stderr(`  ${c}\n`);
  }
  return result.unplaced > 0 ? 1 : 0;
}

async function readArg(file: string): Promise<ReadResult> {
  return file === '-'
    ? readStdin(DEFAULT_MAX_FILE_SIZE)
    : readInputFile(file, DEFAULT_MAX_FILE_SIZE);
}

export const command: CommandModule = {
  usage: 'import <file> [--service NAME] [--gms-version V] [--namespace NS] [-o FILE]',
  describe:
    'Turn an existing GMS INI file into ChatService and PushProvider YAML. Credentials become Secret references (never copied); every option that cannot be placed is reported.',
  builder: (y: Argv) =>
    // main.ts parses without a yargs command, so FILE arrives in `_`: unknown options stay an
    // error, positionals are allowed (and counted in run).
    y
      .strict(false)
      .strictOptions(true)
      .option('service', {
        type: 'string',
        describe: 'The chat service to import when the file has several [chat.<service>] sections',
      })
      .option('gms-version', {
        type: 'string',
        describe: 'spec.gms.version of the ChatService (the INI file does not say it)',
      })
      .option('name', {
        type: 'string',
        describe: 'metadata.name of the ChatService (default: the service name)',
      })
      .option('namespace', {
        alias: 'n',
        type: 'string',
        describe: 'metadata.namespace of every object',
      })
      .option('output', {
        alias: 'o',
        type: 'string',
        describe: 'Write the YAML to FILE (atomically) instead of stdout',
      })
      .example(
        'gmsctl import gms.ini --gms-version 8.5.219.03 -n contact-center -o chat.yaml',
        "Import a node's options",
      )
      .example(
        'gmsctl import gms.ini --service customer-support',
        'Choose one of several chat services',
      )
      .example('cat gms.ini | gmsctl import -', 'Read the INI file from stdin'),
  run: async (args) => {
    const files = ((args._ as unknown[] | undefined) ?? []).map(String);
    if (files.length !== 1)
      throw new UsageError(
        files.length === 0
          ? 'give the GMS INI file to import (or - for stdin)'
          : `give one INI file, not ${files.length} (${files.join(' ')})`,
      );
    const a: ImportArgs = { file: files[0]! };
    if (typeof args.service === 'string') a.service = args.service;
    if (typeof args.gmsVersion === 'string') a.gmsVersion = args.gmsVersion;
    if (typeof args.name === 'string') a.name = args.name;
    if (typeof args.namespace === 'string') a.namespace = args.namespace;
    if (typeof args.output === 'string') a.output = args.output;
    return runImport(a, {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
      read: readArg,
    });
  },
};
