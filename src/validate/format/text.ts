/**
 * The text format (default): one `file:line:col: severity rule: message` line per diagnostic
 * (the form editors and CI log parsers link), the source line with a caret under the column,
 * and a summary line.
 *
 * Frames show only the reported line, never its neighbours, and none at all for
 * inline-credential: a code frame must not copy a secret into a CI log.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { FormatOptions, Report } from './types.js';

const NO_FRAME_RULES = new Set(['inline-credential', 'file-encoding', 'file-too-large']);
const MAX_FRAME_WIDTH = 120;

function paint(on: boolean, code: string, s: string): string {
  return on ? `\u001b[${code}m${s}\u001b[0m` : s;
}

/** Control characters shown as visible escapes, so a frame cannot rewrite the terminal. */
function visible(s: string): string {
  return s.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function frame(d: Diagnostic, lines: string[] | undefined, color: boolean): string[] {
  if (!lines || NO_FRAME_RULES.has(d.rule)) return [];
  const raw = lines[d.line - 1];
  if (raw === undefined) return [];
  const expanded = raw.replace(/\t/g, '  ');
  const before = raw.slice(0, Math.max(0, d.column - 1)).replace(/\t/g, '  ');
  let caretAt = before.length;
  let shown = expanded;
  if (shown.length > MAX_FRAME_WIDTH) {
    const start = Math.max(0, Math.min(caretAt - 40, shown.length - MAX_FRAME_WIDTH));
    shown =
      (start > 0 ? '...' : '') +
      shown.slice(start, start + MAX_FRAME_WIDTH) +
      (start + MAX_FRAME_WIDTH < expanded.length ? '...' : '');
    caretAt = caretAt - start + (start > 0 ? 3 : 0);
  }
  const gutter = String(d.line);
  return [
    `  ${paint(color, '2', `${gutter} |`)} ${visible(shown)}`,
    `  ${' '.repeat(gutter.length)} ${paint(color, '2', '|')} ${' '.repeat(Math.max(0, caretAt))}${paint(color, d.severity === 'error' ? '31' : '33', '^')}`,
  ];
}

export function summaryLine(report: Report): string {
  const { files, documents, errors, warnings, skipped } = report.summary;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const skippedCount = Object.values(skipped ?? {}).reduce((a, b) => a + b, 0);
  const skippedText =
    skippedCount > 0
      ? `; skipped ${Object.entries(skipped ?? {})
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')}`
      : '';
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')} (${plural(documents, 'document')}${skippedText})`;
}

export function formatText(report: Report, opts: FormatOptions = {}): string {
  const color = opts.color ?? false;
  const lineCache = new Map<string, string[]>();
  const linesOf = (file: string) => {
    let l = lineCache.get(file);
    if (!l) {
      const src = opts.sources?.get(file);
      if (src === undefined) return undefined;
      l = src.split(/\r\n|\r|\n/);
      lineCache.set(file, l);
    }
    return l;
  };
  const out: string[] = [];
  for (const d of report.diagnostics) {
    const sev = paint(color, d.severity === 'error' ? '1;31' : '1;33', d.severity);
    const where =
      d.path && d.line === 1 && d.column === 1 && !opts.sources?.has(d.file) ? ` (${d.path})` : '';
    out.push(
      `${paint(color, '1', `${visible(d.file)}:${d.line}:${d.column}`)}: ${sev} ${paint(color, '2', d.rule)}: ${visible(d.message)}${where}`,
    );
    out.push(...frame(d, linesOf(d.file), color));
  }
  if (out.length > 0) out.push('');
  const unreadable = opts.unreadable?.length ?? 0;
  const mark =
    report.summary.errors > 0 || unreadable > 0
      ? paint(color, '31', '✖')
      : report.summary.warnings > 0
        ? paint(color, '33', '⚠')
        : paint(color, '32', '✔');
  const unreadableText =
    unreadable > 0
      ? `; ${unreadable} ${unreadable === 1 ? 'path' : 'paths'} could not be read`
      : '';
  out.push(`${mark} ${summaryLine(report)}${unreadableText}`);
  return `${out.join('\n')}\n`;
}
