import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';
import type { FormatName, FormatOptions, Report } from './types.js';

export { FORMATS, type FormatName, type FormatOptions, type Report } from './types.js';
export { githubStepSummary } from './github.js';
export { summaryLine } from './text.js';
export {
  parseRulesBaseUrl,
  resolveRulesBaseUrl,
  rulesBaseUrlFromRepository,
  RULES_BASE_URL_ENV,
} from './rules-base-url.js';

/** `auto`: github inside GitHub Actions (GITHUB_ACTIONS=true), text elsewhere. */
export function resolveFormat(name: string, env: NodeJS.ProcessEnv = process.env): FormatName {
  if (name === 'auto') return env.GITHUB_ACTIONS === 'true' ? 'github' : 'text';
  return name as FormatName;
}

export function formatReport(
  name: FormatName,
  report: Report,
  opts: FormatOptions & { files?: readonly string[] } = {},
): string {
  switch (name) {
    case 'text':
      return formatText(report, opts);
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report, opts);
    case 'github':
      return formatGithub(report);
    case 'junit':
      return formatJunit(report, opts.files);
  }
}
