/**
 * GitHub Actions workflow commands (actions/toolkit packages/core/src/command.ts; conftest
 * output/github.go), domain/load-balancers.md §7:
 *   ::error file={name},line={line},col={col},title={title}::{message}
 * Data escapes `%` `\r` `\n`; property values also `:` and `,`. GitHub shows 10 errors and
 * 10 warnings per step, so a plain summary line follows the annotations.
 */
import { summaryLine } from './text.js';
import type { Report } from './types.js';

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(report: Report): string {
  const out: string[] = [];
  for (const d of report.diagnostics) {
    const props = [`file=${escapeProperty(d.file)}`, `line=${d.line}`];
    if (d.endLine !== undefined) props.push(`endLine=${d.endLine}`);
    // A column only makes sense on a single-line annotation.
    if (d.endLine === undefined || d.endLine === d.line) {
      props.push(`col=${d.column}`);
      if (d.endColumn !== undefined) props.push(`endColumn=${d.endColumn}`);
    }
    props.push(`title=${escapeProperty(`gmsctl: ${d.rule}`)}`);
    out.push(`::${d.severity} ${props.join(',')}::${escapeData(d.message)}`);
  }
  out.push(`gmsctl validate: ${summaryLine(report)}`);
  return `${out.join('\n')}\n`;
}

/** A Markdown summary for $GITHUB_STEP_SUMMARY (capped well below GitHub's 1 MiB). */
export function githubStepSummary(report: Report, maxRows = 200): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
  const rows = report.diagnostics
    .slice(0, maxRows)
    .map(
      (d) =>
        `| ${d.severity} | \`${cell(d.rule)}\` | ${cell(d.file)}:${d.line}:${d.column} | ${cell(d.message)} |`,
    );
  const more =
    report.diagnostics.length > maxRows
      ? [`\n… and ${report.diagnostics.length - maxRows} more`]
      : [];
  return [
    `### gmsctl validate`,
    '',
    summaryLine(report),
    '',
    ...(rows.length > 0
      ? ['| severity | rule | location | message |', '|---|---|---|---|', ...rows]
      : []),
    ...more,
    '',
  ].join('\n');
}
