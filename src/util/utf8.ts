/**
 * Where a file stops being UTF-8 text, for the two readers that refuse it with a position:
 * the INI parser (`ini-encoding`) and gmsctl validate's input decoder (`file-encoding`).
 * TextDecoder only says that a text is invalid, never where.
 */

/** The byte order a UTF-16 byte order mark at the start announces, or undefined. */
export function utf16ByteOrder(bytes: Uint8Array): 'little' | 'big' | undefined {
  if (bytes.length < 2) return undefined;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'little';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'big';
  return undefined;
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
    // Overlong forms, code points past U+10FFFF and UTF-16 surrogates are not UTF-8.
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * 1-based line and column of a byte offset: lines end at LF, CRLF or a lone CR, columns count
 * UTF-16 units of the valid prefix (as the LSP and SARIF do), a leading BOM is not a column.
 */
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
