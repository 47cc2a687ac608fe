/**
 * `gmsctl validate PATH...` end to end: resolve the inputs, read each safely, parse YAML and
 * INI, hand each object to the rules as its document is read (rules/index.ts: what only needs
 * the object is checked at once, the cross-object rules run when every input is read), and
 * return the diagnostics in a stable order (inputs in the order given, then line and column).
 * The documents are dropped after their rules ran unless the caller wants the objects
 * (`keepObjects`, for render and plan).
 *
 * Never throws for bad input: unreadable paths are returned as ioErrors (exit code 2), and
 * everything about the content is a diagnostic.
 */
import type { FileChecker } from './checker.js';
import type { Diagnostic, ValidationSummary } from './diagnostic.js';
import { compareDiagnostics, countSeverities } from './diagnostic.js';
import { decodeText } from './input/decode.js';
import { analyzeRead, analyzeText, type FileResult } from './file-task.js';
import {
  DEFAULT_MAX_FILE_SIZE,
  readInputFile,
  readInputText,
  readStdin,
  rereadText,
  type FileStamp,
  resolveInputs,
  type InputError,
  type InputFile,
  type ReadResult,
} from './input/sources.js';
import type { Locator, ManifestObject, ValidationModel } from './model.js';
import { collect, emptyModel, type Collector, type ObjectCategory } from './objects.js';
import { RuleRun } from './rules/index.js';
import type { ReferenceOptions } from './rules/references.js';
import { apiSchemaValidator } from './schemas.js';
import type { Path, Position } from './yaml/path.js';
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
  /**
   * Keep every object read in EngineResult.model (default true: render and plan use them).
   * `gmsctl validate` turns it off, so each document can be dropped once it is checked.
   */
  keepObjects?: boolean;
}

export interface EngineResult {
  diagnostics: Diagnostic[];
  summary: ValidationSummary;
  ioErrors: InputError[];
  /** Text of every file that has diagnostics (for code frames). */
  sources: Map<string, string>;
  /** Every object read, for render (empty lists with keepObjects: false). */
  model: ValidationModel;
  /** The files read, in order (junit lists clean files too). */
  files: string[];
}

export async function validatePaths(
  paths: readonly string[],
  opts: EngineOptions = {},
): Promise<EngineResult> {
  const maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const checkers = opts.checkers ?? [];
  const claims = (f: string) => checkers.some((c) => c.claims(f));
  const { files, errors } = resolveInputs(paths, { exclude: opts.exclude, claims, cwd: opts.cwd });
  const run = new ValidationRun(opts);
  run.ioErrors.push(...errors);

  for (const input of files) {
    // Which checker claims the file (stdin: by its shown name, when its own name is not).
    const checker = checkers.length > 0 ? checkers.find((x) => x.claims(input.file)) : undefined;
    if (input.stdin) {
      const shown = opts.stdinFilename ?? '-';
      const read = await readStdin(maxFileSize, opts.stdin);
      await run.addRead(shown, read, input, checker ?? run.checkerFor(shown));
      continue;
    }
    // Checkers may be asynchronous; the rest is read synchronously, file after file.
    if (checker) {
      await run.addRead(input.file, readInputFile(input.fsPath!, maxFileSize), input, checker);
      continue;
    }
    const read = readInputText(input.fsPath!, maxFileSize);
    if (read.kind === 'text') run.adoptText(input.file, read.text, input, read.stamp);
    else run.adoptRead(input.file, read, input);
  }
  return run.finish();
}

/**
 * Where the fields of a YAML file's documents are, for its objects' findings: from its parsed
 * text while the file is being checked, and afterwards, when the text was let go (drop), from
 * the file read again (`reread`; undefined when it changed since: then positions fall back to
 * line 1, column 1).
 */
class FilePositions {
  private reread: (() => YamlSource | undefined) | undefined;

  constructor(
    private source: YamlSource | undefined,
    reread: (() => YamlSource | undefined) | undefined,
  ) {
    this.reread = reread;
  }

  locate(index: number, path: Path, at: 'key' | 'value'): Position {
    if (!this.source && this.reread) {
      this.source = this.reread();
      this.reread = undefined;
    }
    return this.source ? this.source.locate(index, path, at) : { line: 1, column: 1 };
  }

  /** Let the text go unless `keep` or it cannot be read again; whether it was let go. */
  drop(keep: boolean): boolean {
    if (keep || !this.reread) return false;
    this.source = undefined;
    return true;
  }
}

/**
 * Validate texts already in memory (`file` is only a name: its extension picks YAML or INI).
 * Used by tests and by embedders that hold manifests as strings.
 */
export async function validateTexts(
  inputs: readonly { file: string; text: string }[],
  opts: EngineOptions = {},
): Promise<EngineResult> {
  const run = new ValidationRun(opts);
  for (const i of inputs) await run.addText(i.file, i.text, { explicit: true });
  return run.finish();
}

/** The state of one validation over many inputs; rules run once, in finish(). */
class ValidationRun {
  readonly ioErrors: InputError[] = [];
  private readonly model = emptyModel();
  private readonly rules: RuleRun;
  private readonly collector: Collector;
  private readonly perFile: Diagnostic[] = [];
  private readonly texts = new Map<string, string>();
  private readonly order = new Map<string, number>();
  private documents = 0;
  private readonly taskOptions: { maxFileSize: number; gmsVersion?: string };

  constructor(private readonly opts: EngineOptions) {
    this.taskOptions = {
      maxFileSize: opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
      gmsVersion: opts.gmsVersion,
    };
    this.rules = new RuleRun({
      schema: apiSchemaValidator(),
      missingProvider: opts.missingProvider,
    });
    const rules = this.rules;
    const model = opts.keepObjects === false ? undefined : this.model;
    this.collector = {
      skipped: {},
      add: (category: ObjectCategory, obj: ManifestObject) => {
        if (model) (model[category] as ManifestObject[]).push(obj);
        rules.add(category, obj);
      },
    };
  }

  /** `checker`: the file checker that claims the file (stdin is matched by its shown name). */
  async addRead(
    shown: string,
    read: ReadResult,
    input: Pick<InputFile, 'explicit' | 'stdin'>,
    checker = input.stdin ? this.checkerFor(shown) : undefined,
  ): Promise<void> {
    if (read.kind === 'ok' && checker) {
      const decoded = decodeText(shown, read.bytes);
      if (decoded.ok) return this.addText(shown, decoded.text, input, checker);
    }
    this.adoptRead(shown, read, input);
  }

  /** A file no checker claims: read, parsed and checked at once. */
  adoptRead(shown: string, read: ReadResult, input: Pick<InputFile, 'explicit' | 'stdin'>): void {
    const task = { file: shown, explicit: input.explicit, stdin: input.stdin };
    this.adopt(analyzeRead(task, read, this.taskOptions));
  }

  /**
   * The same for a file already read as text (input/sources.ts readInputText); `stamp` says
   * where to read it again, so its text need not be kept (see adopt).
   */
  adoptText(
    shown: string,
    text: string,
    input: Pick<InputFile, 'explicit' | 'stdin'>,
    stamp?: FileStamp,
  ): void {
    const task = { file: shown, explicit: input.explicit, stdin: input.stdin };
    this.adopt(analyzeText(task, text, this.taskOptions), stamp);
  }

  async addText(
    shown: string,
    text: string,
    input: Pick<InputFile, 'explicit' | 'stdin'>,
    checker = this.checkerFor(shown),
  ): Promise<void> {
    if (!checker) {
      this.adopt(
        analyzeText(
          { file: shown, explicit: input.explicit, stdin: input.stdin },
          text,
          this.taskOptions,
        ),
      );
      return;
    }
    this.count(shown, text);
    this.documents++;
    try {
      this.perFile.push(...(await checker.check(shown, text)));
    } catch (err) {
      this.perFile.push({
        file: shown,
        line: 1,
        column: 1,
        severity: 'error',
        rule: `${checker.id}-internal`,
        message: `the ${checker.id} checker failed: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }

  /** Take in the result of one file (see file-task.ts). */
  adopt(r: FileResult, stamp?: FileStamp): void {
    switch (r.kind) {
      case 'io-error':
        this.ioErrors.push({ file: r.file, message: r.message });
        return;
      case 'refused':
        this.count(r.file);
        this.perFile.push(r.diagnostic);
        return;
      case 'skipped':
        bumpSkipped(this.collector.skipped, r.reason);
        return;
      case 'ini':
        this.count(r.file, r.text);
        this.documents++;
        this.perFile.push(...r.diagnostics);
        if (r.empty) this.perFile.push(emptyDiagnostic(r.file, 'no [section] and no key=value'));
        return;
      case 'yaml': {
        const seen = this.order.has(r.file);
        this.count(r.file);
        const reportedBefore = this.perFile.length + this.rules.reported;
        const src = r.source;
        this.documents += src.documentCount;
        for (const d of src.diagnostics) this.perFile.push(d);
        if (src.documentCount === 0 && src.diagnostics.length === 0)
          this.perFile.push(emptyDiagnostic(r.file, 'no YAML document'));
        const positions = new FilePositions(src, stamp && this.rereader(r.file, stamp));
        const docs = src.documents;
        for (let i = 0; i < docs.length; i++) {
          const doc = docs[i]!;
          if (doc.data === undefined) continue;
          const index = doc.index;
          const locate: Locator = (path, at) => positions.locate(index, path, at);
          collect(this.collector, doc.data, r.file, locate, 0, r.schemaOk[i]);
        }
        // The rules have what they need of these documents (rules/index.ts; the model keeps
        // them for render when asked): positions are found again if a cross-object rule
        // reports something later. A file read from disk with nothing to report so far lets
        // its text go too (it is read again then); the others keep it for code frames.
        src.release();
        if (seen || !positions.drop(this.perFile.length + this.rules.reported > reportedBefore))
          this.texts.set(r.file, r.text);
        return;
      }
    }
  }

  /** Reads a file again for FilePositions (its text is kept for code frames from then on). */
  private rereader(shown: string, stamp: FileStamp): () => YamlSource | undefined {
    return () => {
      const text = rereadText(stamp, this.taskOptions.maxFileSize);
      if (text === undefined) return undefined;
      if (!this.texts.has(shown)) this.texts.set(shown, text);
      return new YamlSource(shown, text);
    };
  }

  checkerFor(file: string): FileChecker | undefined {
    return (this.opts.checkers ?? []).find((c) => c.claims(file));
  }

  private count(shown: string, text?: string): void {
    if (!this.order.has(shown)) this.order.set(shown, this.order.size);
    if (text !== undefined) this.texts.set(shown, text);
  }

  finish(): EngineResult {
    const model = this.model;
    const ruleDiagnostics = this.rules.finish();
    const order = this.order;
    const all = [...this.perFile, ...ruleDiagnostics];
    all.sort(
      (a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || compareDiagnostics(a, b),
    );
    const sources = new Map<string, string>();
    for (const d of all) {
      const t = this.texts.get(d.file);
      if (t !== undefined) sources.set(d.file, t);
    }
    const { errors, warnings } = countSeverities(all);
    const summary: ValidationSummary = {
      files: order.size,
      documents: this.documents,
      errors,
      warnings,
    };
    if (Object.keys(this.collector.skipped).length > 0) summary.skipped = this.collector.skipped;
    return {
      diagnostics: all,
      summary,
      ioErrors: this.ioErrors,
      sources,
      model,
      files: [...order.keys()],
    };
  }
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
