/**
 * gmsctl plan --from OLD --to NEW: what the operator will do with a change, for a pull request.
 *
 * Both sides are read and validated by the same engine as `gmsctl validate`, rendered by the
 * same renderer as the operator, diffed with the same config diff, and the ordered steps come
 * from the operator's rollout state machine (src/operator/rollout/plan.ts). ChatServices are
 * paired by namespace and name; each pair gets a plan.
 *
 * Exit codes: 0 a plan was printed (whatever it contains); 1 the inputs have validation errors
 * (the operator would refuse them: ConfigValid=False, so there is no plan to show); 2 an input
 * cannot be read, or holds no ChatService at all.
 */
import type { ChatService, PushProvider, SecretData } from '../../api/types.js';
import { render, type ConfigChange } from '../../config/index.js';
import {
  planChange,
  type ChangePlan,
  type PlanSide,
  type SpecChange,
} from '../../operator/rollout/plan.js';
import {
  formatReport,
  validatePaths,
  type EngineResult,
  type ValidationModel,
} from '../../validate/index.js';
import { providerNames } from '../../operator/controllers/references.js';
import { sameNamespace } from '../../validate/model.js';
import { UsageError, type CommandModule } from '../command.js';
import { useColor, writeReport } from './output.js';

const FORMATS = ['text', 'json'] as const;

/** namespace/name; a manifest without a namespace pairs with one without. */
const keyOf = (ns: string | undefined, name: string): string => `${ns ?? ''}/${name}`;

/** Render every ChatService of a validated input, with the PushProviders and Secrets beside it. */
export function sidesOf(model: ValidationModel): Map<string, PlanSide> {
  const out = new Map<string, PlanSide>();
  for (const obj of model.chatServices) {
    const cs = obj.data as unknown as ChatService;
    const sameNs = (ns: string | undefined) => sameNamespace(ns, obj.namespace);
    const providers = model.pushProviders
      .filter((p) => sameNs(p.namespace))
      .map((p) => p.data as unknown as PushProvider);
    const secrets: SecretData = {};
    const sourceSecrets = [];
    for (const s of model.secrets)
      if (sameNs(s.namespace)) {
        secrets[s.name] = s.values;
        const data = Object.fromEntries(
          Object.entries(s.values).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]),
        );
        sourceSecrets.push({ metadata: { name: s.name }, data });
      }
    out.set(keyOf(obj.namespace, obj.name), {
      cs,
      providers,
      sourceSecrets,
      rendered: render(cs, providers, secrets),
    });
  }
  return out;
}

/**
 * PushProviders a side's ChatServices name that the side does not hold: their
 * [push.provider.<name>] options cannot be compared, which the plan says rather than hides.
 */
export function missingProviderNotes(model: ValidationModel, side: string): string[] {
  const notes = new Set<string>();
  for (const obj of model.chatServices) {
    for (const name of providerNames(obj.data as unknown as ChatService)) {
      const held = model.pushProviders.some(
        (p) => p.name === name && sameNamespace(p.namespace, obj.namespace),
      );
      if (!held)
        notes.add(
          `PushProvider ${keyOf(obj.namespace, name).replace(/^\//, '')} is not among the ${side} files: its [push.provider.${name}] options are not compared (give the directory that holds it)`,
        );
    }
  }
  return [...notes];
}

/** Pair the two sides' ChatServices and plan each pair (sorted by namespace/name). */
export function plansOf(from: Map<string, PlanSide>, to: Map<string, PlanSide>): ChangePlan[] {
  const keys = [...new Set([...from.keys(), ...to.keys()])].sort();
  return keys.map((k) => planChange(from.get(k), to.get(k)));
}

function effectText(effect: string): string {
  return effect === 'restart' ? 'restart-required' : effect;
}

function optionLine(c: ConfigChange): string {
  const mark = c.kind === 'added' ? '+' : c.kind === 'removed' ? '-' : '~';
  const target = c.key === '' ? `[${c.section}] (section)` : `[${c.section}] ${c.key}`;
  const effect = effectText(c.effect);
  if (c.credential) return `${mark} ${target} (credential, value hidden) ${effect}`;
  if (c.key === '') return `${mark} ${target} ${effect}`;
  if (c.kind === 'added') return `${mark} ${target} = ${c.new} ${effect}`;
  if (c.kind === 'removed') return `${mark} ${target} (was ${c.old}) ${effect}`;
  return `${mark} ${target}: ${c.old} -> ${c.new} ${effect}`;
}

function specLine(c: SpecChange): string {
  const effect =
    c.effect === 'restart' ? 'restart-required' : c.effect === 'scale' ? 'scale' : 'no restart';
  const value =
    c.old !== undefined && c.new !== undefined
      ? `: ${c.old} -> ${c.new}`
      : c.new !== undefined
        ? ` = ${c.new}`
        : ' (removed)';
  return `~ ${c.field}${value} ${effect}${c.note ? ` (${c.note})` : ''}`;
}

export function formatPlanText(plans: readonly ChangePlan[], color = false): string {
  const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[0m` : s);
  const tag = (s: string, code: number) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  for (const p of plans) {
    const id = p.namespace ? `${p.namespace}/${p.name}` : p.name;
    const what =
      p.kind !== 'update'
        ? p.kind
        : p.refused
          ? 'restart-required change, REFUSED'
          : p.restartRequired
            ? 'restart-required change'
            : p.steps.length > 0
              ? 'dynamic change, no restart'
              : 'no node change';
    out.push(bold(`ChatService ${id}: ${what}`));
    out.push(
      `  strategy ${p.strategy} (podReadyTimeout ${p.podReadyTimeout}, drainTimeout ${p.drainTimeout}), nodes ${p.replicas.from === p.replicas.to ? p.replicas.to : `${p.replicas.from} -> ${p.replicas.to}`}`,
    );
    if (p.kind === 'update' && p.staticHash.from !== p.staticHash.to)
      out.push(`  static config ${p.staticHash.from} -> ${p.staticHash.to}`);
    const changes = [...p.options.map(optionLine), ...p.spec.map(specLine)];
    if (changes.length > 0) {
      out.push('  changes:');
      for (const l of changes)
        out.push(
          `    ${l.replace(/ (restart-required|dynamic)( |$)/, (_m, e: string, end: string) => ` ${tag(e, e === 'dynamic' ? 32 : 33)}${end}`)}`,
        );
    }
    if (p.refused) out.push(`  ${tag('refused', 31)}: ${p.refused}`);
    if (p.steps.length > 0) {
      out.push('  steps:');
      for (const s of p.steps) out.push(`    ${s.n}. ${s.text}`);
    }
    out.push('');
  }
  const restart = plans.filter((p) => p.restartRequired).length;
  out.push(
    `${plans.length} ChatService${plans.length === 1 ? '' : 's'}, ${restart} with restart-required changes`,
  );
  return `${out.join('\n')}\n`;
}

async function readSide(path: string, label: string): Promise<EngineResult> {
  // A PushProvider missing from the given files is a warning here, as at admission: a pull
  // request may change one ChatService file while its PushProviders live elsewhere (or only
  // in the cluster). Its [push.provider.<name>] options are then not compared (notesOf).
  const result = await validatePaths([path], { missingProvider: 'warning' });
  for (const e of result.ioErrors)
    process.stderr.write(`gmsctl plan: cannot read ${label} ${e.file}: ${e.message}\n`);
  return result;
}

export const command: CommandModule = {
  usage: 'plan --from OLD --to NEW',
  describe:
    'Show what the operator will do for a change: each changed option (dynamic or restart-required), the strategy and the ordered steps',
  builder: (y) =>
    y
      .option('from', {
        type: 'string',
        demandOption: true,
        describe: 'Manifests before the change (file, directory or glob)',
      })
      .option('to', {
        type: 'string',
        demandOption: true,
        describe: 'Manifests after the change (file, directory or glob)',
      })
      .option('format', {
        type: 'string',
        choices: [...FORMATS],
        default: 'text',
        describe: 'Output format',
      })
      .option('output', {
        type: 'string',
        describe: 'Write the plan to FILE (atomically) instead of stdout',
      })
      .example(
        'gmsctl plan --from base/ --to head/',
        'Plan a pull request (directories of manifests)',
      )
      .example(
        'gmsctl plan --from old.yaml --to new.yaml --format json',
        'Machine-readable plan for a bot',
      ),
  run: async (args) => {
    const from = String(args.from);
    const to = String(args.to);
    if (from === '-' && to === '-') throw new UsageError('--from and --to cannot both be stdin');
    const format = String(args.format) as (typeof FORMATS)[number];
    const before = await readSide(from, '--from');
    const after = await readSide(to, '--to');
    if (before.ioErrors.length > 0 || after.ioErrors.length > 0) return 2;
    if (before.model.chatServices.length === 0 && after.model.chatServices.length === 0) {
      process.stderr.write(`gmsctl plan: no ChatService in ${from} or ${to}\n`);
      return 2;
    }
    const errors = [...before.diagnostics, ...after.diagnostics].filter(
      (d) => d.severity === 'error',
    );
    const output = args.output as string | undefined;
    let text: string;
    let code = 0;
    if (errors.length > 0) {
      // The operator runs the same rules and would set ConfigValid=False and apply nothing.
      code = 1;
      const report = {
        diagnostics: errors,
        summary: {
          ...after.summary,
          files: before.summary.files + after.summary.files,
          documents: before.summary.documents + after.summary.documents,
          errors: errors.length,
          warnings: 0,
        },
      };
      text =
        format === 'json'
          ? `${JSON.stringify({ valid: false, diagnostics: errors, plans: [] }, null, 2)}\n`
          : `${formatReport('text', report, { sources: new Map([...before.sources, ...after.sources]), color: output === undefined && useColor(process.stdout) })}gmsctl plan: no plan: the operator would refuse this input (ConfigValid=False) and keep the last good config running\n`;
    } else {
      const plans = plansOf(sidesOf(before.model), sidesOf(after.model));
      const notes = [
        ...missingProviderNotes(before.model, '--from'),
        ...missingProviderNotes(after.model, '--to'),
      ];
      text =
        format === 'json'
          ? `${JSON.stringify(
              {
                valid: true,
                plans,
                notes,
                summary: {
                  chatServices: plans.length,
                  restartRequired: plans
                    .filter((p) => p.restartRequired)
                    .map((p) => keyOf(p.namespace, p.name)),
                  refused: plans.filter((p) => p.refused).map((p) => keyOf(p.namespace, p.name)),
                },
              },
              null,
              2,
            )}\n`
          : formatPlanText(plans, output === undefined && useColor(process.stdout)) +
            notes.map((n) => `note: ${n}\n`).join('');
    }
    writeReport(output, text);
    return code;
  },
};
