/**
 * Everything about one input file that does not depend on the other files: read it (size
 * cap), decode it, parse YAML (with the quick schema verdict of each document) or validate INI.
 * (Worker threads running this per slice of the inputs were measured slower than one thread for
 * 10,000 small files, on idle and busy cores alike: module loading, JIT warm-up and copying the
 * parsed documents back per thread cost more than the parsing they share.)
 */
import { KIND_CHAT_SERVICE, KIND_PUSH_PROVIDER } from '../api/types.js';
import type { Diagnostic } from './diagnostic.js';
import { isRecord } from './model.js';
import { apiSchemaValidator } from './schemas.js';
import { decodeText } from './input/decode.js';
import { formatOfName, sniffFormat, type ReadResult } from './input/sources.js';
import { validateIniText } from './ini/validate-ini.js';
import { YamlSource } from './yaml/source.js';

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
  | {
      kind: 'yaml';
      file: string;
      text: string;
      source: YamlSource;
      /** Quick schema verdict per document (ChatService/PushProvider documents only). */
      schemaOk: (boolean | undefined)[];
    };

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
  const source = new YamlSource(file, text);
  const schema = apiSchemaValidator();
  const docs = source.documents;
  const schemaOk: (boolean | undefined)[] = [];
  for (let i = 0; i < docs.length; i++) {
    const data = docs[i]!.data;
    const kind = isRecord(data) ? data.kind : undefined;
    schemaOk.push(
      schema && (kind === KIND_CHAT_SERVICE || kind === KIND_PUSH_PROVIDER)
        ? schema.quickValid(kind, data)
        : undefined,
    );
  }
  return { kind: 'yaml', file, text, source, schemaOk };
}
