/**
 * Bytes to text, refusing what is not a UTF-8 text file. Every refusal is a diagnostic with a
 * position (the first offending byte), never an exception: CI feeds gmsctl whatever a glob
 * matched, including images, archives and UTF-16 files written by Windows editors.
 */
import { firstInvalidUtf8, positionOfByte, utf16ByteOrder } from '../../util/utf8.js';
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

/**
 * Decode a file's bytes. A UTF-8 byte order mark is dropped (TextDecoder does so); UTF-16
 * (by its BOM), a NUL byte in the first 8000 bytes (binary) and invalid UTF-8 are refused.
 */
export function decodeText(file: string, bytes: Uint8Array): Decoded {
  const utf16 = utf16ByteOrder(bytes);
  if (utf16 !== undefined)
    return failure(
      file,
      1,
      1,
      `the file is UTF-16 (${utf16}-endian byte order mark); save it as UTF-8`,
    );
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
