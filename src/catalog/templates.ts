/**
 * Templated option names: `fcm.<Event>.title` names one option per push event, `chatserver.<name>`
 * one per Chat Server connection. A concrete key matches a template only when every
 * placeholder takes an allowed value (`fcm.Message.title` yes, `fcm.Mesage.title` no).
 */
import type { OptionSpec } from './types.js';

const PLACEHOLDER = /<([A-Za-z][A-Za-z0-9]*)>/g;

export function isTemplated(option: OptionSpec): boolean {
  return option.template !== undefined && Object.keys(option.template).length > 0;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const compiled = new WeakMap<OptionSpec, { re: RegExp; params: string[] }>();

function compile(option: OptionSpec): { re: RegExp; params: string[] } {
  const hit = compiled.get(option);
  if (hit) return hit;
  const params: string[] = [];
  let source = '';
  let last = 0;
  for (const m of option.name.matchAll(PLACEHOLDER)) {
    const param = m[1] as string;
    const spec = option.template?.[param];
    if (!spec) throw new Error(`catalog: ${option.name} has no template entry for <${param}>`);
    source += escapeRegExp(option.name.slice(last, m.index));
    const alternatives = spec.values
      ? spec.values.map(escapeRegExp).join('|')
      : (spec.pattern ?? '[^.]+');
    source += `(${alternatives})`;
    params.push(param);
    last = (m.index ?? 0) + m[0].length;
  }
  source += escapeRegExp(option.name.slice(last));
  const result = { re: new RegExp(`^${source}$`), params };
  compiled.set(option, result);
  return result;
}

/** The placeholder values when `key` is an instance of the templated option, else undefined. */
export function matchTemplate(option: OptionSpec, key: string): Record<string, string> | undefined {
  if (!isTemplated(option)) return undefined;
  const { re, params } = compile(option);
  const m = re.exec(key);
  if (!m) return undefined;
  const values: Record<string, string> = {};
  params.forEach((p, i) => {
    values[p] = m[i + 1] as string;
  });
  return values;
}

/** Whether `key` names this option: the plain name, or an instance of its template. */
export function optionMatchesKey(option: OptionSpec, key: string): boolean {
  return option.name === key || matchTemplate(option, key) !== undefined;
}

/**
 * The concrete keys of an option: itself when plain, one per value when every placeholder has
 * a closed set of values; placeholders with open patterns stay as written (`chatserver.<name>`).
 */
export function expandOptionNames(option: OptionSpec): string[] {
  if (!isTemplated(option)) return [option.name];
  let names = [option.name];
  for (const [param, spec] of Object.entries(option.template ?? {})) {
    if (!spec.values) continue;
    names = names.flatMap((n) => spec.values!.map((v) => n.replace(`<${param}>`, v)));
  }
  return names;
}

/** Fill a template with placeholder values, e.g. ('fcm.<Event>.title', {Event: 'Message'}). */
export function instantiate(option: OptionSpec, values: Record<string, string>): string {
  const key = option.name.replace(PLACEHOLDER, (_, p: string) => {
    const v = values[p];
    if (v === undefined) throw new Error(`catalog: no value for <${p}> of ${option.name}`);
    return v;
  });
  if (!optionMatchesKey(option, key))
    throw new Error(`catalog: ${JSON.stringify(values)} is not valid for ${option.name}`);
  return key;
}
