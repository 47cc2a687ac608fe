/**
 * Output formats: golden files for every format (regenerate with UPDATE_GOLDEN=1 after a
 * deliberate change and review the diff), the exact json shape, SARIF against the official
 * 2.1.0 schema, and the escaping rules of GitHub workflow commands and JUnit XML.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  formatReport,
  FORMATS,
  resolveFormat,
  validateTexts,
  type EngineResult,
} from '../../../src/validate/index.js';
import { escapeData, escapeProperty } from '../../../src/validate/format/github.js';
import { xmlEscape } from '../../../src/validate/format/junit.js';
import { fileUri } from '../../../src/validate/format/sarif.js';
import { builtinRules } from '../../../src/validate/rules/meta.js';

const FIXTURES = new URL('../../fixtures/validate/', import.meta.url);
const INPUT = 'test/fixtures/validate/report-input.yaml';

let result: EngineResult;
beforeAll(async () => {
  const text = readFileSync(new URL('report-input.yaml', FIXTURES), 'utf8');
  result = await validateTexts([{ file: INPUT, text }]);
});

function render(format: (typeof FORMATS)[number]): string {
  return formatReport(
    format,
    { diagnostics: result.diagnostics, summary: result.summary },
    {
      sources: result.sources,
      color: false,
      toolVersion: '0.0.0-test',
      files: result.files,
    },
  );
}

describe('golden outputs', () => {
  it('the input has errors and warnings of several rules', () => {
    expect(new Set(result.diagnostics.map((d) => d.rule))).toEqual(
      new Set(['option-type', 'version-gate', 'injection', 'push-enabled-comet']),
    );
  });

  it.each(FORMATS.map((f) => [f]))('%s', (format) => {
    const ext = { text: 'txt', json: 'json', sarif: 'sarif', github: 'txt', junit: 'xml' }[format];
    const golden = new URL(`golden/report.${format}.${ext}`, FIXTURES);
    const out = render(format);
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, out);
    expect(out).toBe(readFileSync(golden, 'utf8'));
  });
});

describe('json', () => {
  it('has exactly the documented shape', () => {
    const j = JSON.parse(render('json')) as { summary: object; diagnostics: object[] };
    expect(Object.keys(j)).toEqual(['summary', 'diagnostics']);
    expect(Object.keys(j.summary)).toEqual(['files', 'documents', 'errors', 'warnings']);
    for (const d of j.diagnostics)
      expect(Object.keys(d)).toEqual(['file', 'line', 'column', 'severity', 'rule', 'message']);
    expect(j.summary).toEqual({ files: 1, documents: 1, errors: 3, warnings: 1 });
  });
});

/** The official SARIF 2.1.0 schema, compiled. */
function sarifValidator() {
  // The schema as published with Microsoft's SARIF SDK (draft-04 syntax: `id`), loaded into
  // ajv's draft-07 validator; the two drafts agree on every keyword this schema uses.
  const require = createRequire(import.meta.url);
  const path = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  // unicodeRegExp off: one pattern of the published schema is not valid with the u flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

const RULES_BASE = 'https://example.test/gms-operator/blob/HEAD/docs/rules/';

describe('sarif', () => {
  it('is valid against the official SARIF 2.1.0 schema', () => {
    const validate = sarifValidator();
    const log = JSON.parse(render('sarif'));
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const withBase = JSON.parse(
      formatReport(
        'sarif',
        { diagnostics: result.diagnostics, summary: result.summary },
        { rulesBaseUrl: RULES_BASE },
      ),
    );
    expect(validate(withBase), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const empty = JSON.parse(
      formatReport('sarif', {
        diagnostics: [],
        summary: { files: 0, documents: 0, errors: 0, warnings: 0 },
      }),
    );
    expect(validate(empty)).toBe(true);
    expect(empty.runs[0].results).toEqual([]);
    // The check can fail: a zero startLine (kics #4431) is invalid, and so is a relative helpUri.
    log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(log)).toBe(false);
    withBase.runs[0].tool.driver.rules[0].helpUri = 'docs/rules/x.md';
    expect(validate(withBase)).toBe(false);
  });

  it('with a rules base URL, gives every rule a helpUri to its page', () => {
    const log = JSON.parse(
      formatReport(
        'sarif',
        { diagnostics: result.diagnostics, summary: result.summary },
        { rulesBaseUrl: RULES_BASE },
      ),
    );
    const driver = log.runs[0].tool.driver;
    expect(driver.informationUri).toBe(RULES_BASE);
    const rules = driver.rules as { id: string; helpUri: string }[];
    expect(rules.map((r) => r.id)).toEqual(builtinRules().map((r) => r.id));
    for (const r of rules) expect(r.helpUri).toBe(`${RULES_BASE}${r.id}.md`);
  });

  it('without one, leaves helpUri out (never a made-up URL), and indexes results into the rules', () => {
    const log = JSON.parse(render('sarif'));
    const driver = log.runs[0].tool.driver;
    expect(driver).not.toHaveProperty('informationUri');
    const rules = driver.rules as { id: string }[];
    expect(rules.map((r) => r.id)).toEqual(builtinRules().map((r) => r.id));
    for (const r of rules) expect(r).not.toHaveProperty('helpUri');
    for (const res of log.runs[0].results) {
      expect(rules[res.ruleIndex]!.id).toBe(res.ruleId);
      expect(res.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    }
  });

  it('encodes file paths as URI references', () => {
    expect(fileUri('dir with space/a#b.yaml')).toBe('dir%20with%20space/a%23b.yaml');
    expect(fileUri('/abs/x.yaml')).toBe('file:///abs/x.yaml');
    expect(fileUri('-')).toBe('-');
  });
});

describe('github', () => {
  it('escapes data and property values like @actions/core', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });

  it('writes one workflow command per diagnostic', () => {
    const lines = render('github').trimEnd().split('\n');
    expect(lines).toHaveLength(result.diagnostics.length + 1);
    expect(lines[0]).toMatch(
      /^::error file=test\/fixtures\/validate\/report-input\.yaml,line=\d+,col=\d+,title=gmsctl%3A [a-z-]+::/,
    );
    expect(lines.at(-1)).toMatch(/^gmsctl validate: 3 errors, 1 warning in 1 file/);
  });

  it('auto picks github inside GitHub Actions only', () => {
    expect(resolveFormat('auto', { GITHUB_ACTIONS: 'true' })).toBe('github');
    expect(resolveFormat('auto', {})).toBe('text');
    expect(resolveFormat('json', { GITHUB_ACTIONS: 'true' })).toBe('json');
  });
});

describe('junit', () => {
  it('escapes XML and drops characters XML cannot carry', () => {
    expect(xmlEscape(`<a href="x">&'\u0001\ud800`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&amp;&apos;\ufffd\ufffd',
    );
  });

  it('counts failures per file and lists clean files', () => {
    const xml = formatReport(
      'junit',
      { diagnostics: result.diagnostics, summary: result.summary },
      { files: [...result.files, 'clean.yaml'] },
    );
    expect(xml).toContain('<testsuites name="gmsctl validate" tests="5" failures="3" errors="0">');
    expect(xml).toContain('<testsuite name="clean.yaml" tests="1" failures="0" errors="0">');
  });
});

describe('text', () => {
  it('never shows the source line of an inline credential', async () => {
    const r = await validateTexts([
      {
        file: 'x.yaml',
        text: 'apiVersion: gms.chatops.io/v1alpha1\nkind: PushProvider\nmetadata: { name: p }\nspec:\n  type: fcm\n  fcm:\n    apiKeySecretRef: { name: s, key: k }\n  options:\n    fcm.apiKey: SUPERSECRET\n',
      },
    ]);
    const out = formatReport(
      'text',
      { diagnostics: r.diagnostics, summary: r.summary },
      { sources: r.sources },
    );
    expect(out).toContain('inline-credential');
    expect(out).not.toContain('SUPERSECRET');
  });

  it('shows control characters as escapes', async () => {
    const r = await validateTexts([{ file: 'x.ini', text: '[push]\nfcm.title=\u001b[31mred\n' }]);
    const out = formatReport(
      'text',
      { diagnostics: r.diagnostics, summary: r.summary },
      { sources: r.sources },
    );
    expect(out).not.toContain('\u001b');
    expect(out).toContain('\\u001b');
  });
});
