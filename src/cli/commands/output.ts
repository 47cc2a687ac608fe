/**
 * Writing command output safely: a file is written to a temporary sibling and renamed into
 * place, so a reader (or a crash) never sees half a report or half a gms.ini.
 */
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UsageError } from '../command.js';

function tempSibling(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

/** Write `data` to the new file `tmp`, flushed; removes it again on failure. */
function writeTemp(tmp: string, data: string, mode: number): void {
  let fd: number | undefined;
  try {
    // The mode applies at creation, so a 0600 secrets file is never readable by others.
    fd = openSync(tmp, 'wx', mode);
    writeSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Why a file could not be written, for a one-line message after "cannot write PATH: ": the
 * reason, not the system call on the temporary file (".x.json.1234.ab12cd34.tmp").
 */
export function writeErrorMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a part of the path is a file, not a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    default:
      return e instanceof Error ? e.message : String(err);
  }
}

export function writeFileAtomic(path: string, data: string, mode = 0o644): void {
  const tmp = tempSibling(path);
  try {
    writeTemp(tmp, data, mode);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(writeErrorMessage(err), { cause: err });
  }
}

/**
 * A command's report: to `output` when given (written as above), else to stdout. A file that
 * cannot be written is a usage error (exit 2), as for any other unusable path argument.
 */
export function writeReport(output: string | undefined, text: string): void {
  if (output === undefined) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileAtomic(output, text);
  } catch (err) {
    throw new UsageError(
      `cannot write ${output}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

export interface OutputFile {
  path: string;
  content: string;
  /** File mode, kept even when the umask is narrower or wider (default 0644). */
  mode?: number;
}

/** The file of a set that could not be written, and why. */
export class WriteFilesError extends Error {
  constructor(
    readonly path: string,
    reason: unknown,
  ) {
    super(writeErrorMessage(reason));
  }
}

/**
 * Write a set of files (one ChatService's INI files, the configs of a render) all or nothing:
 * every file is first written to a temporary sibling, in directories created as needed; only
 * when all of them are on disk are they renamed into place. When any of that fails (a directory
 * that cannot be created or written, a directory where a file should go, a full disk), the
 * temporary files and the directories made for them are removed and nothing is replaced.
 * `onWritten` is called for each file once it is in place.
 */
export function writeFilesAtomic(
  files: readonly OutputFile[],
  onWritten: (file: OutputFile) => void = () => {},
): void {
  const staged: Array<{ file: OutputFile; tmp: string }> = [];
  const madeDirs: string[] = [];
  const undo = (): void => {
    for (const s of staged) rmSync(s.tmp, { force: true });
    for (const d of madeDirs.reverse()) rmSync(d, { recursive: true, force: true });
  };
  for (const file of files) {
    try {
      const made = mkdirSync(dirname(file.path), { recursive: true });
      if (made !== undefined) madeDirs.push(made);
      // rename(2) cannot replace a directory: find out now, before anything is in place.
      const existing = statSync(file.path, { throwIfNoEntry: false });
      if (existing?.isDirectory()) throw new Error('a directory is in the way');
      const tmp = tempSibling(file.path);
      writeTemp(tmp, file.content, file.mode ?? 0o644);
      staged.push({ file, tmp });
    } catch (err) {
      undo();
      throw new WriteFilesError(file.path, err);
    }
  }
  for (let i = 0; i < staged.length; i++) {
    const { file, tmp } = staged[i]!;
    try {
      renameSync(tmp, file.path);
      // umask may have narrowed the mode at creation; credentials stay 0600 either way.
      if (file.mode !== undefined) chmodSync(file.path, file.mode);
    } catch (err) {
      for (const s of staged.slice(i)) rmSync(s.tmp, { force: true });
      throw new WriteFilesError(file.path, err);
    }
    onWritten(file);
  }
}

/** Colors on a terminal, unless NO_COLOR; FORCE_COLOR=0/1 overrides. */
export function useColor(
  stream: NodeJS.WriteStream,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}
