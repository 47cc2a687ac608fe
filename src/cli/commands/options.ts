/**
 * gmsctl options [--section S] [--format text|json]: the option catalog, as a table or JSON.
 * `--section` takes a concrete section (`chat.customer-support`), a pattern (`chat.<service>`)
 * or either in brackets. `--unverified` lists only entries no public source confirms.
 *
 * Exit codes: 0 listed; 2 unknown section.
 */
import {
  OPTION_GROUPS,
  SECTION_PATTERNS,
  sectionPatternOf,
  type OptionSpec,
  type SectionPattern,
} from '../../catalog/index.js';
import { UsageError, type CommandModule } from '../command.js';

const FORMATS = ['text', 'json'] as const;

/** A section argument as a pattern; throws UsageError listing the known sections. */
export function sectionArg(input: string): SectionPattern {
  const s = input.trim().replace(/^\[|\]$/g, '');
  const pattern = (SECTION_PATTERNS as readonly string[]).includes(s)
    ? (s as SectionPattern)
    : sectionPatternOf(s);
  if (!pattern)
    throw new UsageError(
      `unknown section "${input}"; known sections: ${SECTION_PATTERNS.map((p) => `[${p}]`).join(', ')}`,
    );
  return pattern;
}

export interface OptionsFilter {
  section?: SectionPattern;
  unverifiedOnly?: boolean;
}

export function selectOptions(filter: OptionsFilter): { title: string; options: OptionSpec[] }[] {
  return OPTION_GROUPS.map((g) => ({
    title: g.title,
    options: g.options.filter(
      (o) =>
        (filter.section === undefined || o.sections.includes(filter.section)) &&
        (!filter.unverifiedOnly || o.unverified !== undefined),
    ),
  })).filter((g) => g.options.length > 0);
}

function columns(o: OptionSpec): string[] {
  const flags = [o.credential ? 'credential' : '', o.unverified ? 'UNVERIFIED' : '']
    .filter(Boolean)
    .join(',');
  const versions = o.introduced ?? '';
  return [
    o.name,
    o.sections.map((s) => `[${s}]`).join(','),
    o.type,
    o.default === undefined ? '-' : o.default === '' ? '(empty)' : o.default,
    o.takesEffect,
    versions || '-',
    flags,
  ];
}

export function formatOptionsTable(groups: { title: string; options: OptionSpec[] }[]): string {
  const header = ['NAME', 'SECTIONS', 'TYPE', 'DEFAULT', 'EFFECT', 'INTRODUCED', 'FLAGS'];
  const rows = groups.flatMap((g) => g.options.map(columns));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  for (const g of groups) {
    if (out.length > 0) out.push('');
    out.push(`# ${g.title}`, line(header), ...g.options.map((o) => line(columns(o))));
  }
  const n = groups.reduce((a, g) => a + g.options.length, 0);
  out.push('', `${n} option${n === 1 ? '' : 's'}; \`gmsctl explain <option>\` for details.`);
  return `${out.join('\n')}\n`;
}

export const command: CommandModule = {
  usage: 'options [--section S]',
  describe: 'List the GMS option catalog (sections, types, defaults, when changes take effect)',
  builder: (y) =>
    y
      .option('section', {
        alias: 's',
        type: 'string',
        describe:
          'Only options valid in this section (chat, chat.customer-support, push.provider.<name>...)',
      })
      .option('format', {
        type: 'string',
        choices: [...FORMATS],
        default: 'text',
        describe: 'Output format',
      })
      .option('unverified', {
        type: 'boolean',
        default: false,
        describe: 'Only options with facts no public source confirms',
      })
      .example('gmsctl options --section push', 'Options of the [push] section')
      .example('gmsctl options --format json', 'The whole catalog as JSON'),
  run: async (args) => {
    const section = args.section === undefined ? undefined : sectionArg(String(args.section));
    const groups = selectOptions({
      ...(section ? { section } : {}),
      unverifiedOnly: args.unverified === true,
    });
    if (args.format === 'json') {
      const options = groups.flatMap((g) => g.options);
      process.stdout.write(`${JSON.stringify(options, null, 2)}\n`);
    } else {
      process.stdout.write(formatOptionsTable(groups));
    }
    return 0;
  },
};
