/**
 * Handlebars with no HTML escaping (the output is nginx/HAProxy/Apache text, not HTML) and
 * `strict` (a missing field is a render bug, not an empty string). Injection safety comes from
 * the strict patterns in ./model.ts, which every value passes before it reaches a template.
 */
import Handlebars from 'handlebars';

export type CompiledTemplate = (context: object) => string;

/** A private Handlebars environment per target so partial names never collide. */
export function compileTemplates(
  templates: Record<string, string>,
  partials: Record<string, string> = {},
): Record<string, CompiledTemplate> {
  const hb = Handlebars.create();
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  for (const [name, text] of Object.entries(partials)) {
    hb.registerPartial(name, hb.compile(text, { noEscape: true, strict: true }));
  }
  const out: Record<string, CompiledTemplate> = {};
  for (const [name, text] of Object.entries(templates)) {
    const fn = hb.compile(text, { noEscape: true, strict: true });
    // Collapse the blank lines left by false {{#if}} blocks: configs stay readable and golden
    // files stable.
    out[name] = (ctx) => fn(ctx).replace(/\n[ \t]*\n([ \t]*\n)+/g, '\n\n');
  }
  return out;
}

/** Header comment naming the source object: "do not edit, re-render". */
export function banner(comment: string, what: string, ns: string, name: string): string {
  return [
    `${comment} ${what} for ChatService ${ns}/${name}, rendered by gmsctl (gms-operator).`,
    `${comment} Do not edit: change the ChatService and render again (docs/load-balancers.md).`,
  ].join('\n');
}
