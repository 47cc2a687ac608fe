/**
 * `gmsctl validate PATH...` end to end: resolve the inputs, read each safely, parse YAML and
 * INI, collect the objects of all files, run the rules once over all of them, and return the
 * diagnostics in a stable order (inputs in the order given, then line and column).
 *
 * Never throws for bad input: unreadable paths are returned as ioErrors (exit code 2), and
 * everything about the content is a diagnostic.
 */
import type { FileChecker } from './checker.js';
import type { Diagnostic, ValidationSummary } from './diagnostic.js';
import { compareDiagnostics, countSeverities } from './diagnostic.js';
import { decodeText } from './input/decode.js';
import {
  DEFAULT_MAX_FILE_SIZE,
  formatOfName,
  readInputFile,
  readStdin,
  resolveInputs,
  sniffFormat,
  type InputError,
  type InputFile,
  type ReadResult,
} from './input/sources.js';
import { validateIniText } from './ini/validate-ini.js';
import type { ValidationModel } from './model.js';
import { collect, newCollector } from './objects.js';
import { runRules } from './rules/index.js';
import type { ReferenceOptions } from './rules/references.js';
import { apiSchemaValidator } from './schemas.js';
import { YamlSource } from './yaml/source.js';

export interface EngineOptions extends ReferenceOptions {
  /** Files over this many bytes are a file-too-large diagnostic and are not read. */
  maxFileSize?: number;
  /** Target GMS version for INI files (--gms-version). */
  gmsVersion?: string;
  /** Glob patterns to leave out of walks and globs. */
  exclude?: readonly string[];
  /** Extra file checkers (load-balancer linters), registered by the cli. */
  checkers?: readonly FileChecker[];
  /** Name shown for stdin (default "-"); its extension also picks YAML or INI. */
  stdinFilename?: string;
  stdin?: NodeJS.ReadableStream;
  cwd?: string;
}

export interface EngineResult {
  diagnostics: Diagnostic[];
  summary: ValidationSummary;
  ioErrors: InputError[];
  /** Text of every file that has diagnostics (for code frames). */
  sources: Map<string, string>;
  /** Every object read, for render. */
  model: ValidationModel;
  /** The files read, in order (junit lists clean files too). */
  files: string[];
}

export async function validatePaths(
  paths: readonly string[],
  opts: EngineOptions = {},
): Promise<EngineResult> {
  const maxBytes = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const checkers = opts.checkers ?? [];
  const claims = (f: string) => checkers.some((c) => c.claims(f));
  const { files, errors } = resolveInputs(paths, { exclude: opts.exclude, claims, cwd: opts.cwd });
  const ioErrors: InputError[] = [...errors];
  const collector = newCollector();
  const perFile: Diagnostic[][] = [];
  const texts = new Map<string, string>();
  const order = new Map<string, number>();
  let fileCount = 0;
  let documents = 0;

  for (const input of files) {
    const shown = input.stdin ? (opts.stdinFilename ?? '-') : input.file;
    const read: ReadResult = input.stdin
      ? await readStdin(maxBytes, opts.stdin)
      : readInputFile(input.fsPath!, maxBytes);
    if (read.kind === 'error') {
      ioErrors.push({ file: shown, message: read.message });
      continue;
    }
    fileCount++;
    order.set(shown, order.size);
    const out: Diagnostic[] = [];
    perFile.push(out);
    if (read.kind === 'too-large') {
      out.push({
        file: shown,
        line: 1,
        column: 1,
        severity: 'error',
        rule: 'file-too-large',
        message: `the file is ${read.size} bytes, over the ${maxBytes}-byte cap (--max-file-size)`,
      });
      continue;
    }
    const decoded = decodeText(shown, read.bytes);
    if (!decoded.ok) {
      out.push(decoded.diagnostic);
      continue;
    }
    const text = decoded.text;
    texts.set(shown, text);

    const checker = checkers.find((c) => c.claims(shown));
    if (checker) {
      documents++;
      try {
        out.push(...(await checker.check(shown, text)));
      } catch (err) {
        out.push({
          file: shown,
          line: 1,
          column: 1,
          severity: 'error',
          rule: `${checker.id}-internal`,
          message: `the ${checker.id} checker failed: ${err instanceof Error ? err.message : String(err)}`,
        });
      }
      continue;
    }

    const format = formatOfName(shown) ?? sniffFormat(text);
    if (format === 'ini') {
      // A walked .cfg that is not INI (haproxy.cfg without its checker) is not ours.
      if (!input.explicit && !input.stdin && sniffFormat(text) !== 'ini' && text.trim() !== '') {
        bumpSkipped(collector.skipped, '(not a GMS INI file)');
        fileCount--;
        order.delete(shown);
        continue;
      }
      documents++;
      const r = validateIniText(shown, text, { gmsVersion: opts.gmsVersion });
      out.push(...r.diagnostics);
      if (r.empty) out.push(emptyDiagnostic(shown, 'no [section] and no key=value'));
      continue;
    }

    const src = new YamlSource(shown, text);
    documents += src.documentCount;
    out.push(...src.diagnostics);
    if (src.documentCount === 0 && src.diagnostics.length === 0)
      out.push(emptyDiagnostic(shown, 'no YAML document'));
    for (const doc of src.documents) {
      if (doc.data === undefined) continue;
      collect(collector, doc.data, shown, (path, at) => src.locate(doc.index, path, at));
    }
  }

  const model = collector.model;
  const ruleDiagnostics = runRules(model, {
    schema: apiSchemaValidator(),
    missingProvider: opts.missingProvider,
  });
  const all = [...perFile.flat(), ...ruleDiagnostics];
  all.sort(
    (a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || compareDiagnostics(a, b),
  );
  const sources = new Map<string, string>();
  for (const d of all) {
    const t = texts.get(d.file);
    if (t !== undefined) sources.set(d.file, t);
  }
  const { errors: errorCount, warnings } = countSeverities(all);
  const summary: ValidationSummary = { files: fileCount, documents, errors: errorCount, warnings };
  if (Object.keys(collector.skipped).length > 0) summary.skipped = collector.skipped;
  return { diagnostics: all, summary, ioErrors, sources, model, files: [...order.keys()] };
}

function emptyDiagnostic(file: string, what: string): Diagnostic {
  return {
    file,
    line: 1,
    column: 1,
    severity: 'warning',
    rule: 'file-empty',
    message: `the file is empty (${what})`,
  };
}

function bumpSkipped(skipped: Record<string, number>, kind: string): void {
  skipped[kind] = (skipped[kind] ?? 0) + 1;
}

export type { InputFile };
