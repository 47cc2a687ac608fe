/**
 * Everything about one input file that does not depend on the other files: read it (size
 * cap), decode it, parse YAML or validate INI. Pure data in, pure data out, so it runs the same
 * on the main thread and in a worker thread (parse-worker.ts).
 */
import type { Diagnostic } from './diagnostic.js';
import { decodeText } from './input/decode.js';
import { formatOfName, readInputFile, sniffFormat, type ReadResult } from './input/sources.js';
import { validateIniText } from './ini/validate-ini.js';
import { YamlSource, type ParsedYaml } from './yaml/source.js';

export interface FileTask {
  /** Name shown in diagnostics. */
  file: string;
  fsPath?: string;
  explicit: boolean;
  stdin?: boolean;
}

export type FileResult =
  | { kind: 'io-error'; file: string; message: string }
  /** Refused before parsing (too large, not UTF-8 text): one diagnostic. */
  | { kind: 'refused'; file: string; diagnostic: Diagnostic }
  /** A walked `.cfg` that is not an INI file (haproxy.cfg): not an input. */
  | { kind: 'skipped'; file: string; reason: string }
  | { kind: 'ini'; file: string; text: string; diagnostics: Diagnostic[]; empty: boolean }
  | { kind: 'yaml'; file: string; text: string; parsed: ParsedYaml };

export interface TaskOptions {
  maxFileSize: number;
  gmsVersion?: string;
}

export function analyzeRead(task: FileTask, read: ReadResult, opts: TaskOptions): FileResult {
  const file = task.file;
  if (read.kind === 'error') return { kind: 'io-error', file, message: read.message };
  if (read.kind === 'too-large') {
    return {
      kind: 'refused',
      file,
      diagnostic: {
        file,
        line: 1,
        column: 1,
        severity: 'error',
        rule: 'file-too-large',
        message: `the file is ${read.size} bytes, over the ${opts.maxFileSize}-byte cap (--max-file-size)`,
      },
    };
  }
  const decoded = decodeText(file, read.bytes);
  if (!decoded.ok) return { kind: 'refused', file, diagnostic: decoded.diagnostic };
  return analyzeText(task, decoded.text, opts);
}

export function analyzeText(
  task: FileTask,
  text: string,
  opts: Pick<TaskOptions, 'gmsVersion'>,
): FileResult {
  const file = task.file;
  const format = formatOfName(file) ?? sniffFormat(text);
  if (format === 'ini') {
    if (!task.explicit && !task.stdin && sniffFormat(text) !== 'ini' && text.trim() !== '') {
      return { kind: 'skipped', file, reason: '(not a GMS INI file)' };
    }
    const r = validateIniText(file, text, { gmsVersion: opts.gmsVersion });
    return { kind: 'ini', file, text, diagnostics: r.diagnostics, empty: r.empty };
  }
  return { kind: 'yaml', file, text, parsed: new YamlSource(file, text).parsed() };
}

/** Read and analyze a file on disk. Never throws. */
export function analyzeFile(task: FileTask, opts: TaskOptions): FileResult {
  try {
    return analyzeRead(task, readInputFile(task.fsPath!, opts.maxFileSize), opts);
  } catch (err) {
    return {
      kind: 'io-error',
      file: task.file,
      message: err instanceof Error ? err.message : String(err),
    };
  }
}
