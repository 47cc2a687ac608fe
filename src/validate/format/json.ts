/**
 * The json format, exactly (issue 2):
 * {"summary":{"files":N,"documents":D,"errors":E,"warnings":W},
 *  "diagnostics":[{"file":"...","line":L,"column":C,"severity":"error"|"warning","rule":"...","message":"..."}]}
 * Fields are copied one by one so nothing else (path, endLine ...) leaks into the shape.
 */
import type { Report } from './types.js';

export function formatJson(report: Report): string {
  const { files, documents, errors, warnings } = report.summary;
  const out = {
    summary: { files, documents, errors, warnings },
    diagnostics: report.diagnostics.map((d) => ({
      file: d.file,
      line: d.line,
      column: d.column,
      severity: d.severity,
      rule: d.rule,
      message: d.message,
    })),
  };
  return `${JSON.stringify(out)}\n`;
}
