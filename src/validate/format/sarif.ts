/**
 * SARIF 2.1.0 (OASIS), for GitHub code scanning and other SARIF viewers. Conventions from
 * domain/load-balancers.md §7: always a `results` array (kube-linter #213), positive
 * startLine (kics #4431), a rules table (with helpUri to docs/rules when the cli knows where
 * they are published: opts.rulesBaseUrl), stdout clean.
 * Validated against the official schema in test/unit/validate/format.test.ts.
 */
import { allRules, ruleDocsUrl, type RuleMeta } from '../rules/meta.js';
import type { FormatOptions, Report } from './types.js';

const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** A relative URI reference for a path as the user wrote it (spaces, %, # ... encoded). */
export function fileUri(file: string): string {
  const posix = file.replace(/\\/g, '/');
  const encoded = posix
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
  return encoded.startsWith('/') ? `file://${encoded}` : encoded;
}

export function formatSarif(report: Report, opts: FormatOptions = {}): string {
  const rules: RuleMeta[] = [...(opts.rules ?? allRules())];
  // Rules reported but not registered still need an entry for ruleIndex.
  for (const d of report.diagnostics) {
    if (!rules.some((r) => r.id === d.rule))
      rules.push({ id: d.rule, severity: d.severity, summary: d.rule });
  }
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'gmsctl',
            ...(opts.toolVersion
              ? { version: opts.toolVersion, semanticVersion: opts.toolVersion }
              : {}),
            ...(opts.rulesBaseUrl ? { informationUri: opts.rulesBaseUrl } : {}),
            rules: rules.map((r) => {
              const helpUri = ruleDocsUrl(r.id, opts.rulesBaseUrl);
              return {
                id: r.id,
                name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
                shortDescription: { text: r.summary },
                ...(helpUri ? { helpUri } : {}),
                defaultConfiguration: { level: r.severity },
              };
            }),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: report.diagnostics.map((d) => ({
          ruleId: d.rule,
          ruleIndex: index.get(d.rule),
          level: d.severity,
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: fileUri(d.file) },
                region: {
                  startLine: Math.max(1, d.line),
                  startColumn: Math.max(1, d.column),
                  ...(d.endLine ? { endLine: Math.max(d.endLine, d.line) } : {}),
                  ...(d.endColumn ? { endColumn: Math.max(1, d.endColumn) } : {}),
                },
              },
              ...(d.path
                ? { logicalLocations: [{ fullyQualifiedName: d.path, kind: 'member' }] }
                : {}),
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
