/**
 * The GMS sections a ChatService writes through dedicated fields, so ChatService spec.sections
 * (every other section: [log], [server], [service.<name>], ...) refuses them with the field to
 * use instead. One table for the CRD's CEL rules, the JSON Schema, the validator and the
 * renderer, so the API server, `gmsctl validate` and the operator give the same answer.
 */

/** Most sections ChatService spec.sections may hold (bounds the API server's CEL cost estimate). */
export const MAX_SECTIONS = 64;

export interface DedicatedSection {
  /** The section name (`chat`), or the prefix of a family of sections (`chat.`). */
  match: { name: string } | { prefix: string };
  /** How messages name the section (`[chat.<service>]`). */
  label: string;
  /** Where to write it instead. */
  field: string;
}

export const DEDICATED_SECTIONS: readonly DedicatedSection[] = [
  { match: { name: 'chat' }, label: '[chat]', field: 'spec.chat' },
  {
    match: { prefix: 'chat.' },
    label: '[chat.<service>]',
    field:
      'spec.options of the ChatService whose serviceName is <service> (one ChatService per chat service)',
  },
  {
    match: { name: 'push' },
    label: '[push]',
    field: 'spec.push (enabled, defaultProvider, options)',
  },
  {
    match: { prefix: 'push.provider.' },
    label: '[push.provider.<name>]',
    field: 'a PushProvider <name> listed in spec.push.providers',
  },
  { match: { name: 'gms' }, label: '[gms]', field: 'spec.gms.options' },
  {
    match: { name: 'connections' },
    label: '[connections]',
    field: 'spec.chatServer.endpoints',
  },
];

/** The dedicated section `name` belongs to, or undefined when spec.sections may hold it. */
export function dedicatedSection(name: string): DedicatedSection | undefined {
  return DEDICATED_SECTIONS.find((d) =>
    'name' in d.match ? d.match.name === name : name.startsWith(d.match.prefix),
  );
}

/** Why spec.sections may not hold the section, pointing at the right field. */
export function dedicatedSectionMessage(d: DedicatedSection): string {
  return `${d.label} is written from ${d.field}, not spec.sections`;
}
