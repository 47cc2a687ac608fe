/**
 * Bytes to text, refusing what is not a UTF-8 text file. Every refusal is a diagnostic with a
 * position (the first offending byte), never an exception: CI feeds gmsctl whatever a glob
 * matched, including images, archives and UTF-16 files written by Windows editors.
 */
import type { Diagnostic } from '../diagnostic.js';

export type Decoded = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

/** Bytes scanned for a NUL, as git does to call a file binary. */
export const BINARY_SNIFF_BYTES = 8000;

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function failure(file: string, line: number, column: number, message: string): Decoded {
  return {
    ok: false,
    diagnostic: { file, line, column, severity: 'error', rule: 'file-encoding', message },
  };
}

/** 1-based line and column of a byte offset (columns in UTF-16 units of the valid prefix). */
export function positionOfByte(
  bytes: Uint8Array,
  offset: number,
): { line: number; column: number } {
  const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
  let line = 1;
  let lineStart = prefix.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && prefix.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: prefix.length - lineStart + 1 };
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b0 >= 0xc2 && b0 <= 0xdf) [need, min] = [1, 0x80];
    else if (b0 >= 0xe0 && b0 <= 0xef) [need, min] = [2, 0x800];
    else if (b0 >= 0xf0 && b0 <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b0 & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const bk = bytes[i + k];
      if (bk === undefined || (bk & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (bk & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * Decode a file's bytes. A UTF-8 byte order mark is dropped (TextDecoder does so); UTF-16
 * (by its BOM), a NUL byte in the first 8000 bytes (binary) and invalid UTF-8 are refused.
 */
export function decodeText(file: string, bytes: Uint8Array): Decoded {
  if (bytes.length >= 2) {
    const [b0, b1] = [bytes[0], bytes[1]];
    if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
      const order = b0 === 0xff ? 'little' : 'big';
      return failure(
        file,
        1,
        1,
        `the file is UTF-16 (${order}-endian byte order mark); save it as UTF-8`,
      );
    }
  }
  const sniff = bytes.subarray(0, BINARY_SNIFF_BYTES);
  const nul = sniff.indexOf(0);
  if (nul >= 0) {
    const { line, column } = positionOfByte(bytes, nul);
    return failure(
      file,
      line,
      column,
      'the file looks binary (it contains a NUL byte); only YAML, JSON and INI text files can be validated',
    );
  }
  try {
    return { ok: true, text: fatalDecoder.decode(bytes) };
  } catch {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    const { line, column } = positionOfByte(bytes, at);
    const hex = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    return failure(
      file,
      line,
      column,
      `the file is not valid UTF-8 (byte 0x${hex} at offset ${at}); save it as UTF-8`,
    );
  }
}
