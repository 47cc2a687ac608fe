/**
 * JUnit XML, for CI systems that render test reports (GitLab, Jenkins, Azure). One
 * <testsuite> per file; a clean file is one passing test case; each error is a test case with
 * a <failure>; a warning is a passing test case that says so in <system-out> (a warning must not
 * fail a pipeline unless --strict, which the exit code already covers).
 */
import type { Diagnostic } from '../diagnostic.js';
import type { Report } from './types.js';

/** XML 1.0 text: the five entities escaped and characters XML cannot carry replaced. */
export function xmlEscape(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

export function formatJunit(report: Report, files: readonly string[] = []): string {
  const byFile = new Map<string, Diagnostic[]>();
  for (const f of files) byFile.set(f, []);
  for (const d of report.diagnostics) {
    const list = byFile.get(d.file) ?? [];
    list.push(d);
    byFile.set(d.file, list);
  }
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const [file, diags] of byFile) {
    const cases: string[] = [];
    let suiteFailures = 0;
    if (diags.length === 0) {
      cases.push(`    <testcase classname="${xmlEscape(file)}" name="valid"/>`);
    }
    for (const d of diags) {
      const name = xmlEscape(`${d.rule} at ${d.line}:${d.column}`);
      const text = xmlEscape(
        `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.rule}: ${d.message}`,
      );
      if (d.severity === 'error') {
        suiteFailures++;
        cases.push(
          `    <testcase classname="${xmlEscape(file)}" name="${name}">\n      <failure type="${xmlEscape(d.rule)}" message="${xmlEscape(d.message)}">${text}</failure>\n    </testcase>`,
        );
      } else {
        cases.push(
          `    <testcase classname="${xmlEscape(file)}" name="${name}">\n      <system-out>${text}</system-out>\n    </testcase>`,
        );
      }
    }
    tests += cases.length;
    failures += suiteFailures;
    suites.push(
      `  <testsuite name="${xmlEscape(file)}" tests="${cases.length}" failures="${suiteFailures}" errors="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="gmsctl validate" tests="${tests}" failures="${failures}" errors="0">\n${suites.join('\n')}${suites.length ? '\n' : ''}</testsuites>\n`;
}
