/**
 * gmsctl explain <option>: one catalog entry, as `kubectl explain` does for fields. Accepts the
 * ways people write a GMS option: `fcm.title`, `push.fcm.title`, `[push] fcm.title`,
 * `[push.provider.fcmprod] fcm.Message.title`, or `--section push fcm.title`. A feature gate id
 * (`cometd`, `websocket`, `fcm`...) prints the gate.
 *
 * Exit codes: 0 explained; 2 unknown option (with a did-you-mean) or a bad argument.
 */
import {
  FEATURE_GATES,
  optionsNamed,
  placementOf,
  sectionPatternOf,
  suggestOptions,
  type FeatureGate,
  type OptionSpec,
} from '../../catalog/index.js';
import { resourceFieldsFor } from '../../api/fields.js';
import { UsageError, type CommandModule } from '../command.js';

const FORMATS = ['text', 'json'] as const;

export interface ExplainQuery {
  /** Concrete section name or pattern, when given. */
  section?: string;
  key: string;
}

/** Split what the user typed into an optional section and a key. */
export function parseExplainQuery(input: string, section?: string): ExplainQuery {
  const text = input.trim();
  if (text === '')
    throw new UsageError('an option name is required, e.g. gmsctl explain fcm.title');
  if (/[\r\n]/.test(text)) throw new UsageError('an option name cannot contain a line break');
  const bracket = /^\[([^\]]+)\]\s*(.*)$/.exec(text);
  if (bracket) {
    const key = (bracket[2] ?? '').trim();
    if (key === '') throw new UsageError(`no option name after [${bracket[1]}]`);
    return { section: (bracket[1] ?? '').trim(), key };
  }
  if (section !== undefined) return { section: section.replace(/^\[|\]$/g, ''), key: text };
  if (optionsNamed(text).length > 0) return { key: text };
  // `push.fcm.title`, `chat.support.push_notification_to_active_client`: the longest section
  // prefix whose remainder is a known option wins, preferring one valid in that section.
  let fallback: ExplainQuery | undefined;
  for (let i = text.length - 1; i > 0; i--) {
    if (text[i] !== '.') continue;
    const s = text.slice(0, i);
    const key = text.slice(i + 1);
    if (!sectionPatternOf(s) || optionsNamed(key).length === 0) continue;
    if (placementOf(s, key).status === 'ok') return { section: s, key };
    fallback ??= { section: s, key };
  }
  return fallback ?? { key: text };
}

export interface Explanation {
  query: ExplainQuery;
  /** The key as asked (a template instance like fcm.Message.title, or the plain name). */
  key: string;
  option: OptionSpec;
  /** Set when a section was given and the option is not valid there. */
  placement?: { status: string; message: string };
  resourceFields: string[];
}

export function explain(query: ExplainQuery): Explanation | undefined {
  const named = optionsNamed(query.key);
  if (named.length === 0) return undefined;
  let option = named[0]!;
  let placement: Explanation['placement'];
  if (query.section !== undefined) {
    const p = placementOf(query.section, query.key);
    if (p.status === 'ok') option = p.option;
    else if (p.status === 'forbidden')
      placement = { status: p.status, message: `not allowed in [${query.section}]: ${p.reason}` };
    else if (p.status === 'misplaced')
      placement = {
        status: p.status,
        message: `not valid in [${query.section}]; it belongs in ${p.sections.map((s) => `[${s}]`).join(', ')}`,
      };
    else if (p.status === 'unknown-section')
      placement = { status: p.status, message: `[${query.section}] is not a known GMS section` };
  }
  return {
    query,
    key: query.key,
    option,
    ...(placement ? { placement } : {}),
    resourceFields: resourceFieldsFor(option, query.key),
  };
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && indent.length + line.length + 1 + w.length > width) {
      lines.push(indent + line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines.join('\n');
}

function row(label: string, value: string): string {
  return `  ${`${label}:`.padEnd(15)}${value}`;
}

export function formatExplanation(e: Explanation): string {
  const o = e.option;
  const app = o.application === 'chat-server' ? 'Chat Server' : 'GMS';
  const title = e.key === o.name ? o.name : `${e.key} (${o.name})`;
  const out: string[] = [`${title}  (${app} option${o.unverified ? ', UNVERIFIED' : ''})`, ''];
  if (e.placement) out.push(wrap(`! ${e.placement.message}`, 100, '  '), '');
  const forbidden = (o.forbiddenIn ?? []).map((f) => `not [${f.section}]`);
  out.push(row('Sections', [o.sections.map((s) => `[${s}]`).join(', '), ...forbidden].join('; ')));
  out.push(row('Type', o.type));
  out.push(
    row('Default', o.default === undefined ? '(none)' : o.default === '' ? '(empty)' : o.default),
  );
  if (o.validValues && o.type !== 'boolean')
    out.push(row(o.type === 'list' ? 'List of' : 'Valid values', o.validValues.join(', ')));
  else if (o.type === 'boolean') out.push(row('Valid values', 'true, false'));
  if (o.min !== undefined || o.max !== undefined)
    out.push(row('Range', `${o.min ?? '…'}..${o.max ?? '…'}${o.unit ? ` ${o.unit}` : ''}`));
  else if (o.unit) out.push(row('Unit', o.unit));
  if (o.patternHint) out.push(row('Format', o.patternHint));
  out.push(row('Takes effect', o.takesEffect === 'immediate' ? 'immediately' : 'after restart'));
  if (o.introduced) out.push(row('Introduced', `${app} ${o.introduced}`));
  if (o.modified?.length) out.push(row('Modified', o.modified.join(', ')));
  if (o.valueIntroduced)
    out.push(
      row(
        'Value gates',
        Object.entries(o.valueIntroduced)
          .map(([v, ver]) => `${v} ${ver}+`)
          .join(', '),
      ),
    );
  if (o.valueDeprecated) out.push(row('Deprecated', Object.keys(o.valueDeprecated).join(', ')));
  if (o.deprecated) out.push(row('Deprecated', o.deprecated));
  out.push(
    row('Credential', o.credential ? 'yes: only from a Secret reference, never inline' : 'no'),
  );
  if (e.resourceFields.length > 0) {
    out.push(row('Set it in', e.resourceFields[0]!));
    for (const f of e.resourceFields.slice(1)) out.push(`${' '.repeat(17)}${f}`);
  } else out.push(row('Set it in', 'GMS INI only (no ChatService/PushProvider field)'));
  out.push(row('Source', o.source));
  out.push('', wrap(o.description, 100, '  '));
  if (o.notes) out.push('', wrap(`Note: ${o.notes}`, 100, '  '));
  if (o.unverified) out.push('', wrap(`UNVERIFIED: ${o.unverified}.`, 100, '  '));
  return `${out.join('\n')}\n`;
}

export function formatFeatureGate(f: FeatureGate): string {
  const out = [`${f.id}  (feature gate)`, ''];
  out.push(row('Feature', f.description));
  if (f.gms) out.push(row('GMS', `${f.gms}+`));
  if (f.chatServer) out.push(row('Chat Server', `${f.chatServer}+`));
  if (f.note) out.push(row('Note', f.note));
  out.push(row('Source', f.source));
  return `${out.join('\n')}\n`;
}

/** The did-you-mean line for an unknown option. */
export function unknownMessage(query: ExplainQuery): string {
  const suggestions = suggestOptions(query.key, query.section, 3);
  const where = query.section ? ` in [${query.section}]` : '';
  let msg = `unknown option "${query.key}"${where}`;
  if (suggestions.length > 0)
    msg += `; did you mean ${suggestions
      .map((s) => `${s.name} (${s.sections.map((x) => `[${x}]`).join(', ')})`)
      .join(' or ')}?`;
  return `${msg}\nRun \`gmsctl options\` for the whole catalog.`;
}

export const command: CommandModule = {
  usage: 'explain <option>',
  describe:
    'Explain a GMS option from the catalog: sections, type, default, valid values, when changes take effect, versions, where to set it',
  builder: (y) =>
    // main.ts parses without a yargs command: the option name arrives in `_` (possibly as two
    // words, `[push] fcm.title` unquoted); unknown flags stay errors.
    y
      .strict(false)
      .strictOptions(true)
      .option('section', {
        alias: 's',
        type: 'string',
        describe: 'Section the option is meant for (e.g. chat.customer-support or chat.<service>)',
      })
      .option('format', {
        type: 'string',
        choices: [...FORMATS],
        default: 'text',
        describe: 'Output format',
      })
      .example('gmsctl explain enable_notification_mode', 'Explain an option')
      .example(
        'gmsctl explain "[push.provider.fcmprod] fcm.Message.title"',
        'Per-event text of a provider',
      )
      .example('gmsctl explain cometd', 'Versions a feature needs'),
  run: async (args) => {
    const input = ((args._ as unknown[] | undefined) ?? []).map(String).join(' ').trim();
    if (input === '')
      throw new UsageError('an option name is required, e.g. gmsctl explain fcm.title');
    const query = parseExplainQuery(input, args.section as string | undefined);
    const json = args.format === 'json';
    const e = explain(query);
    if (e) {
      process.stdout.write(json ? `${JSON.stringify(e, null, 2)}\n` : formatExplanation(e));
      return 0;
    }
    const gate =
      query.section === undefined ? FEATURE_GATES.find((f) => f.id === query.key) : undefined;
    if (gate) {
      process.stdout.write(
        json ? `${JSON.stringify({ featureGate: gate }, null, 2)}\n` : formatFeatureGate(gate),
      );
      return 0;
    }
    process.stderr.write(`gmsctl explain: ${unknownMessage(query)}\n`);
    return 2;
  },
};
