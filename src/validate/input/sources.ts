/**
 * Which files `gmsctl validate PATH...` reads, and reading them safely.
 *
 * PATH is a file, a directory (walked recursively for .yaml/.yml/.json/.ini/.cfg, skipping
 * node_modules and dot-directories), a glob (`'manifests/**\/*.yaml'`, expanded by Node's own
 * fs.glob, docs/adr: no glob dependency) or `-` for stdin. A path that does not exist or cannot
 * be read is an I/O error (exit code 2), reported after the findings of the other inputs.
 * Reading never hangs on special files and never loads more than the size cap into memory.
 */
import {
  closeSync,
  fstatSync,
  globSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { BINARY_SNIFF_BYTES } from './decode.js';
import { basename, extname, isAbsolute, join, matchesGlob, sep } from 'node:path';

export type InputFormat = 'yaml' | 'ini';

export interface InputFile {
  /** The name shown in diagnostics: the path as the user wrote it (joined for walked files). */
  file: string;
  /** Absent for stdin. */
  fsPath?: string;
  stdin?: boolean;
  /** Named on the command line (a file found by a walk or glob is not). */
  explicit: boolean;
}

export interface InputError {
  file: string;
  message: string;
}

export interface ResolveOptions {
  /** Glob patterns (matched against the shown path and the base name) to leave out. */
  exclude?: readonly string[];
  /** Whether a walked file is an input: extra claims from registered file checkers. */
  claims?: (file: string) => boolean;
  cwd?: string;
}

export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

const WALK_EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.ini', '.cfg']);
const SKIP_DIRS = new Set(['node_modules']);
const GLOB_CHARS = /[*?[\]{}]/;

/** The format of a file by its name; stdin and unknown extensions are sniffed from the text. */
export function formatOfName(file: string): InputFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.ini' || ext === '.cfg') return 'ini';
  if (ext === '.yaml' || ext === '.yml' || ext === '.json') return 'yaml';
  return undefined;
}

/**
 * INI when the first line that is not blank or a comment is a `[section]` header; everything
 * else is treated as YAML (a YAML document practically never starts with a bare flow sequence).
 */
export function sniffFormat(text: string): InputFormat {
  for (const raw of text.split(/\r\n|\r|\n/, 200)) {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    return /^\[[^\]]+\]$/.test(line) || /^\[[^\]]+\]\s*[;#]/.test(line) ? 'ini' : 'yaml';
  }
  return 'yaml';
}

function isExcluded(shown: string, exclude: readonly string[] | undefined): boolean {
  if (!exclude || exclude.length === 0) return false;
  const posix = shown.split(sep).join('/');
  const base = basename(shown);
  return exclude.some((p) => matchesGlob(posix, p) || matchesGlob(base, p));
}

function walk(
  dir: string,
  shownDir: string,
  opts: ResolveOptions,
  out: InputFile[],
  errors: InputError[],
): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    errors.push({ file: shownDir, message: ioMessage(err) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Plain concatenation: both are already normalised, and join() per entry shows in profiles.
  const dirPrefix = dir.endsWith(sep) ? dir : dir + sep;
  const shownPrefix = shownDir === '.' ? '' : shownDir.endsWith(sep) ? shownDir : shownDir + sep;
  for (const e of entries) {
    const fsPath = dirPrefix + e.name;
    const shown = shownPrefix + e.name;
    if (isExcluded(shown, opts.exclude)) continue;
    if (e.isDirectory()) {
      if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
      walk(fsPath, shown, opts, out, errors);
    } else if (e.isFile() || e.isSymbolicLink()) {
      // Symlinked directories are not followed (no loops); symlinked files are read.
      const wanted =
        WALK_EXTENSIONS.has(extname(e.name).toLowerCase()) || (opts.claims?.(shown) ?? false);
      if (!wanted) continue;
      if (e.isSymbolicLink()) {
        try {
          if (!statSync(fsPath).isFile()) continue;
        } catch {
          continue; // a dangling link found by a walk is not an input
        }
      }
      out.push({ file: shown, fsPath, explicit: false });
    }
  }
}

export function ioMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return e?.message ?? String(err);
  }
}

/** Expand PATH arguments into the files to read, in the order given (walks sorted by name). */
export function resolveInputs(
  paths: readonly string[],
  opts: ResolveOptions = {},
): { files: InputFile[]; errors: InputError[] } {
  const cwd = opts.cwd ?? process.cwd();
  const files: InputFile[] = [];
  const errors: InputError[] = [];
  // A single file or directory argument cannot name a file twice (a walk yields each path
  // once); several arguments, or a glob (it may match a directory and files inside it), need
  // the check. 10,000 paths of one directory need no set.
  const seen =
    paths.length > 1 || paths.some((p) => GLOB_CHARS.test(p)) ? new Set<string>() : undefined;
  const add = (f: InputFile) => {
    if (seen) {
      const key = f.stdin ? '\0stdin' : (f.fsPath ?? f.file);
      if (seen.has(key)) return;
      seen.add(key);
    }
    files.push(f);
  };
  for (const p of paths) {
    if (p === '-') {
      add({ file: '-', stdin: true, explicit: true });
      continue;
    }
    const fsPath = isAbsolute(p) ? p : join(cwd, p);
    let st;
    try {
      st = statSync(fsPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && GLOB_CHARS.test(p)) {
        const found: InputFile[] = [];
        for (const m of globSync(p, { cwd }).sort()) {
          const mPath = isAbsolute(m) ? m : join(cwd, m);
          let mst;
          try {
            mst = statSync(mPath);
          } catch {
            continue;
          }
          if (isExcluded(m, opts.exclude)) continue;
          if (mst.isDirectory()) walk(mPath, m, opts, found, errors);
          // Like a walk, a glob reads regular files only: a FIFO or device it happens to match
          // would block or never end (a FIFO named on the command line is read: <(cmd) is one).
          else if (mst.isFile()) found.push({ file: m, fsPath: mPath, explicit: false });
        }
        if (found.length === 0) errors.push({ file: p, message: 'no files match this pattern' });
        found.forEach(add);
        continue;
      }
      errors.push({ file: p, message: ioMessage(err) });
      continue;
    }
    if (st.isDirectory()) {
      const found: InputFile[] = [];
      walk(fsPath, p, opts, found, errors);
      found.forEach(add);
    } else {
      add({ file: p, fsPath, explicit: true });
    }
  }
  return { files, errors };
}

export type ReadResult =
  | { kind: 'ok'; bytes: Uint8Array }
  | { kind: 'too-large'; size: number }
  | { kind: 'error'; message: string };

/** Read a file, or report it too large without reading it (special files are read up to the cap). */
export function readInputFile(fsPath: string, maxBytes: number): ReadResult {
  let fd: number;
  try {
    fd = openSync(fsPath, 'r');
  } catch (err) {
    return { kind: 'error', message: ioMessage(err) };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { kind: 'error', message: 'is a directory' };
    if (st.isFile()) {
      if (st.size > maxBytes) return { kind: 'too-large', size: st.size };
      const buf = Buffer.allocUnsafe(st.size);
      let off = 0;
      while (off < st.size) {
        const n = readSync(fd, buf, off, st.size - off, off);
        if (n === 0) break;
        off += n;
      }
      return { kind: 'ok', bytes: buf.subarray(0, off) };
    }
    // FIFOs, character devices (/dev/zero): read up to the cap and stop.
    return readCapped((b, o, l) => readSync(fd, b, o, l, null), maxBytes);
  } catch (err) {
    return { kind: 'error', message: ioMessage(err) };
  } finally {
    closeSync(fd);
  }
}

/** Which file a text was read from, and its size and modification time then. */
export interface FileStamp {
  fsPath: string;
  size: number;
  mtimeMs: number;
}

export interface TextRead {
  kind: 'text';
  text: string;
  stamp: FileStamp;
}

/**
 * The file's text again, when it is still what `stamp` says (same size and modification time),
 * else undefined: for positions asked after its text was let go (engine.ts).
 */
export function rereadText(stamp: FileStamp, maxBytes: number): string | undefined {
  const r = readInputText(stamp.fsPath, maxBytes);
  return r.kind === 'text' && r.stamp.size === stamp.size && r.stamp.mtimeMs === stamp.mtimeMs
    ? r.text
    : undefined;
}

/**
 * A regular file's text in one step when it is plain UTF-8 text, else what readInputFile says.
 * `fs.readFileSync(fd, 'utf8')` decodes in C++ without a Buffer per file (10,000 files per CI
 * run), but replaces invalid sequences instead of refusing them; so a text holding U+FFFD, or
 * a NUL where decodeText looks for one (binary sniff), is read again as bytes for
 * decodeText's exact verdict and position. A leading UTF-8 byte order mark is dropped, as
 * TextDecoder does.
 */
export function readInputText(fsPath: string, maxBytes: number): TextRead | ReadResult {
  let fd: number;
  try {
    fd = openSync(fsPath, 'r');
  } catch (err) {
    return { kind: 'error', message: ioMessage(err) };
  }
  let text: string;
  let stamp: FileStamp;
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { kind: 'error', message: 'is a directory' };
    // FIFOs and devices: read up to the cap, as readInputFile does.
    if (!st.isFile()) return readCapped((b, o, l) => readSync(fd, b, o, l, null), maxBytes);
    if (st.size > maxBytes) return { kind: 'too-large', size: st.size };
    stamp = { fsPath, size: st.size, mtimeMs: st.mtimeMs };
    text = readFileSync(fd, 'utf8');
  } catch (err) {
    return { kind: 'error', message: ioMessage(err) };
  } finally {
    closeSync(fd);
  }
  const nul = text.indexOf('\0');
  // A NUL at byte offset < BINARY_SNIFF_BYTES is at a character offset below it too.
  if ((nul >= 0 && nul < BINARY_SNIFF_BYTES) || text.includes('\uFFFD'))
    return readInputFile(fsPath, maxBytes);
  return { kind: 'text', text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, stamp };
}

function readCapped(
  read: (buf: Buffer, off: number, len: number) => number,
  maxBytes: number,
): ReadResult {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    const n = read(chunk, 0, chunk.length);
    if (n === 0) break;
    total += n;
    if (total > maxBytes) return { kind: 'too-large', size: total };
    chunks.push(chunk.subarray(0, n));
  }
  return { kind: 'ok', bytes: Buffer.concat(chunks, total) };
}

/** Read stdin to its end, or up to the cap. */
export async function readStdin(
  maxBytes: number,
  stream: NodeJS.ReadableStream = process.stdin,
): Promise<ReadResult> {
  const chunks: Buffer[] = [];
  let total = 0;
  let over = false;
  try {
    for await (const chunk of stream) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      total += b.length;
      if (total > maxBytes) {
        // Stop at the cap: an endless stdin (< /dev/zero) must not hang gmsctl.
        over = true;
        break;
      }
      chunks.push(b);
    }
  } catch (err) {
    return { kind: 'error', message: ioMessage(err) };
  }
  if (over) return { kind: 'too-large', size: total };
  return { kind: 'ok', bytes: Buffer.concat(chunks, total) };
}

/** `5MiB`, `512k`, `1048576` -> bytes; undefined when malformed. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult = unit.startsWith('k')
    ? 1024
    : unit.startsWith('m')
      ? 1024 ** 2
      : unit.startsWith('g')
        ? 1024 ** 3
        : 1;
  const v = Math.floor(n * mult);
  return v > 0 ? v : undefined;
}
