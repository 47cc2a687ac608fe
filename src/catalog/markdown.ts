/**
 * docs/options.md, generated from the catalog (`npm run generate`; a unit test fails when the
 * checked-in file drifts). Pure: returns the text.
 */
import { PUSH_EVENT_DEFAULTS, PUSH_EVENT_NAMES } from './events.js';
import { FEATURE_GATES } from './features.js';
import { OPTION_GROUPS } from './options.js';
import { SOURCES } from './sources.js';
import type { OptionSpec, SectionPattern } from './types.js';

const SOURCE_IDS = new Map<string, string>(Object.entries(SOURCES).map(([id, url]) => [url, id]));

function code(s: string): string {
  return `\`${s}\``;
}

/** Markdown table cell: pipes escaped, line breaks flattened. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function section(p: SectionPattern): string {
  return code(`[${p}]`);
}

export function anchorOf(name: string): string {
  return `opt-${name
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase()}`;
}

function sourceLink(url: string): string {
  const id = SOURCE_IDS.get(url);
  if (id === 'PROJECT') return '[project convention](#project-conventions)';
  return `[${id ?? 'source'}](${url})`;
}

function versions(o: OptionSpec): string {
  const app = o.application === 'chat-server' ? 'Chat Server' : 'GMS';
  const parts: string[] = [];
  if (o.introduced) parts.push(`introduced ${app} ${o.introduced}`);
  if (o.modified?.length) parts.push(`modified ${o.modified.join(', ')}`);
  if (o.valueIntroduced)
    parts.push(
      Object.entries(o.valueIntroduced)
        .map(([v, ver]) => `${code(v)} ${ver}+`)
        .join(', '),
    );
  if (o.deprecated) parts.push(`deprecated ${o.deprecated}`);
  return parts.join('; ') || '–';
}

function valid(o: OptionSpec): string {
  if (o.type === 'list') return `comma-separated: ${(o.validValues ?? []).map(code).join(', ')}`;
  if (o.validValues) return o.validValues.map(code).join(', ');
  if (o.type === 'integer') {
    const range =
      o.min !== undefined || o.max !== undefined ? `${o.min ?? '…'}–${o.max ?? '…'}` : 'integer';
    return `${range}${o.unit ? ` ${o.unit}` : ''}`;
  }
  if (o.type === 'url') return 'http(s) URL';
  if (o.patternHint) return code(o.patternHint);
  return 'any string';
}

function dflt(o: OptionSpec): string {
  if (o.default === undefined) return '–';
  return o.default === '' ? '(empty)' : code(o.default);
}

function detail(o: OptionSpec): string[] {
  const sections = o.sections.map(section).join(', ');
  const forbidden = (o.forbiddenIn ?? []).map((f) => `not ${section(f.section)}: ${f.reason}`);
  const rows: [string, string][] = [
    ['Sections', [sections, ...forbidden].join('; ')],
    ['Type', o.type],
    ['Default', dflt(o)],
    ['Valid values', valid(o)],
    ['Takes effect', o.takesEffect === 'immediate' ? 'immediately' : 'after restart'],
    ['Versions', versions(o)],
    ['Credential', o.credential ? '**yes**: only from a Secret reference' : 'no'],
    ['Application', o.application === 'chat-server' ? 'Chat Server (not GMS)' : 'GMS'],
    ['Source', sourceLink(o.source)],
  ];
  if (o.template) {
    for (const [p, t] of Object.entries(o.template))
      rows.push([
        code(`<${p}>`),
        `${t.description}: ${t.values ? t.values.map(code).join(', ') : code(t.pattern ?? '')}`,
      ]);
  }
  if (o.valueDeprecated)
    rows.push([
      'Deprecated values',
      Object.entries(o.valueDeprecated)
        .map(([v, why]) => `${code(v)}: ${why}`)
        .join('; '),
    ]);
  const out = [
    `<a id="${anchorOf(o.name)}"></a>`,
    `#### ${code(o.name)}${o.unverified ? ' (UNVERIFIED)' : ''}`,
    '',
    o.description,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`),
    '',
  ];
  if (o.unverified) out.push(`> **UNVERIFIED**: ${o.unverified}.`, '');
  if (o.notes) out.push(`Note: ${o.notes}`, '');
  return out;
}

function summary(options: readonly OptionSpec[]): string[] {
  return [
    '| option | sections | type | default | takes effect | versions | credential |',
    '|---|---|---|---|---|---|---|',
    ...options.map(
      (o) =>
        `| [${code(o.name)}](#${anchorOf(o.name)})${o.unverified ? ' ⚠' : ''} | ${o.sections.map(section).join(', ')} | ${o.type} | ${cell(dflt(o))} | ${o.takesEffect} | ${cell(versions(o))} | ${o.credential ? 'yes' : ''} |`,
    ),
    '',
  ];
}

const CONVENTIONS = `These keys are the project's own, where the GMS sources name a capability but not its
configuration key. Each is flagged UNVERIFIED in the catalog; \`gmsctl validate\` accepts them,
and a real GMS may ignore them.

- **Per-event push texts.** The seed says default notification texts are English and other
  languages are provisioned with \`fcm.title\`/\`fcm.body\` and \`apple.title\`/\`apple.alertMessage.body\`
  "at the provider service event level", without a key grammar (domain/gms.md §1.4). The project
  writes them into \`[push]\` or \`[push.provider.<name>]\` as \`<type>.<Event>.<field>\`:
  \`fcm.<Event>.title\`, \`fcm.<Event>.body\`, \`apple.<Event>.title\`,
  \`apple.<Event>.alertMessage.body\`, \`customhttp.<Event>.message\`, for the events of the seed's
  table (below). PushProvider \`spec.events\` renders them. Only real event names match
  (\`fcm.Message.title\` yes, \`fcm.message.title\` no).
- **Basic Authentication of a chat service.** The seed describes credentials in requestChat's
  \`auth\` parameter but not the option enabling them. \`[chat.<service>]\` \`auth.basic.username\`
  and \`auth.basic.password\` (a credential: only from ChatService \`spec.auth.basic.secretRef\`,
  rendered into the Secret-backed \`secrets.ini\`, never a ConfigMap).
- **\`[connections]\`.** Real GMS takes its Chat Server connections from its Configuration Server
  application (domain/gms.md §7). The project renders them as \`chatserver.<name>=<host>:<port>\`
  so the gateway and a real-GMS entrypoint can read them; changes are restart-required, and
  removing one detaches the node from that Chat Server (the seed's keep-GMS-online procedure).
- **Placement of service-level options.** \`_\`-prefixed options are accepted in
  \`[chat.<service>]\` (Chat V2) and \`[service.<name>]\` (Chat V1).
- **Takes effect.** "Immediately", "Immediately upon notification" and section-level
  "Immediately" count as immediate; everything else, every UNVERIFIED timing and every unknown
  option is restart-required.`;

const WHERE = `| ChatService / PushProvider field | GMS section |
|---|---|
| ChatService \`spec.chat\` | \`[chat]\` |
| ChatService \`spec.options\` | \`[chat.<serviceName>]\` |
| ChatService \`spec.push.enabled\` | \`[push]\` \`pushEnabled\` |
| ChatService \`spec.push.options\` | \`[push]\` |
| ChatService \`spec.push.defaultProvider\` | its options fill \`[push]\` |
| ChatService \`spec.chatServer.endpoints\` | \`[connections]\` \`chatserver.<name>\` |
| ChatService \`spec.gms.options\` | \`[gms]\` |
| ChatService \`spec.sections.<section>\` | any other section: \`[log]\`, \`[server]\`, \`[service.<name>]\`, ... |
| PushProvider \`metadata.name\`, \`spec\` | \`[push.provider.<name>]\` |

Option values may be YAML booleans, numbers or strings; GMS receives strings. Credentials come
only from Secret references (an inline credential is an error). \`spec.sections\` refuses the
sections that have a field above (\`chat\`, \`chat.*\`, \`push\`, \`push.provider.*\`, \`gms\`,
\`connections\`) and names that the INI serializer would not write.`;

export function renderOptionsMarkdown(): string {
  const all = OPTION_GROUPS.flatMap((g) => g.options);
  const out: string[] = [
    '<!-- Generated from src/catalog by `npm run generate`; do not edit. A unit test fails when this file drifts. -->',
    '',
    '# GMS option reference',
    '',
    `The option catalog (\`src/catalog\`): ${all.length} entries that \`gmsctl validate\`, the renderer,`,
    'the CRDs and the operator all read. `gmsctl explain <option>` prints one entry, `gmsctl options`',
    'lists them. ⚠ marks UNVERIFIED facts (no public source confirms them: accepted best-effort).',
    'Sources are the ids of domain/gms.md §0; S1 is the seed, the GMS "Chat API Version 2 via',
    'CometD" page.',
    '',
    '## Where options go',
    '',
    WHERE,
    '',
    '## Feature gates',
    '',
    '| feature | GMS | Chat Server | note |',
    '|---|---|---|---|',
    ...FEATURE_GATES.map(
      (f) =>
        `| ${cell(f.description)} (${code(f.id)}) | ${f.gms ? `${f.gms}+` : '–'} | ${f.chatServer ? `${f.chatServer}+` : '–'} | ${cell(f.note ?? '')} |`,
    ),
    '',
    '## Push notification events',
    '',
    'Seed, "Push Notification Events" (`%s` is the party name).',
    '',
    '| event | default title | default body |',
    '|---|---|---|',
    ...PUSH_EVENT_NAMES.map((e) => {
      const d = PUSH_EVENT_DEFAULTS[e];
      return `| ${code(e)} | ${cell(d.title)} | ${cell(d.body ?? `(${d.bodyFrom ?? ''})`)} |`;
    }),
    '',
    '## Summary',
    '',
  ];
  for (const g of OPTION_GROUPS) out.push(`### ${g.title}`, '', ...summary(g.options));
  out.push('## Project conventions', '', CONVENTIONS, '');
  out.push('## Options', '');
  for (const g of OPTION_GROUPS) {
    out.push(`### ${g.title}`, '');
    for (const o of g.options) out.push(...detail(o));
  }
  out.push('## Sources', '');
  for (const [id, url] of Object.entries(SOURCES))
    if (id !== 'PROJECT') out.push(`- ${id}: <${url}>`);
  out.push('');
  return out.join('\n');
}
