/**
 * ChatService spec.sections: every GMS section without a dedicated field, by name ([log],
 * [server], [service.<name>] and sections the catalog does not know yet; domain/gms.md §1.5),
 * each an option map. Keys are checked with the INI serializer's own section-name pattern
 * (catalog SECTION_NAME_PATTERN, isSafeSectionName), and sections that have a dedicated field
 * are refused with the field to use (src/api/sections.ts), by CEL on the API server and by
 * `propertyNames`/`not` in the JSON Schema.
 *
 * Option values inside are kept as written (x-kubernetes-preserve-unknown-fields): the catalog
 * has no typed options for most of these sections, and a CRD cannot type a map value by its
 * key; `gmsctl validate` and the operator's webhook check every entry against the catalog.
 */
import { SECTION_NAME_MAX, SECTION_NAME_PATTERN } from '../../catalog/index.js';
import { DEDICATED_SECTIONS, MAX_SECTIONS, dedicatedSectionMessage } from '../sections.js';
import {
  celRegex,
  celString,
  toJsonSchema,
  type CelRule,
  type JsonObject,
  type SchemaNode,
} from './model.js';
import { optionMapNode } from './options.js';

const NAME_MESSAGE = `spec.sections keys must be GMS section names: dot-separated segments of letters, digits, "_", "-" and ":", at most ${SECTION_NAME_MAX} characters (the INI serializer writes nothing else)`;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function sectionsNode(): SchemaNode {
  const exact = DEDICATED_SECTIONS.flatMap((d) => ('name' in d.match ? [d] : []));
  const prefixed = DEDICATED_SECTIONS.flatMap((d) => ('prefix' in d.match ? [d] : []));
  const rules: CelRule[] = [
    {
      rule: `self.all(k, k.size() <= ${SECTION_NAME_MAX} && k.matches(${celRegex(SECTION_NAME_PATTERN)}))`,
      message: NAME_MESSAGE,
    },
    ...exact.map((d): CelRule => ({
      rule: `!(${celString((d.match as { name: string }).name)} in self)`,
      message: dedicatedSectionMessage(d),
      // Every exact dedicated name is a plain identifier: `spec.sections.chat` in the message.
      fieldPath: `.${(d.match as { name: string }).name}`,
      reason: 'FieldValueForbidden',
    })),
    ...prefixed.map((d): CelRule => ({
      rule: `self.all(k, !k.startsWith(${celString((d.match as { prefix: string }).prefix)}))`,
      message: dedicatedSectionMessage(d),
      reason: 'FieldValueForbidden',
    })),
  ];
  const forbiddenExact: JsonObject = {};
  for (const d of exact)
    forbiddenExact[(d.match as { name: string }).name] = {
      description: `Not allowed: ${dedicatedSectionMessage(d)}.`,
      not: {},
    };
  const prefixPattern = `^(${prefixed.map((d) => escapeRegex((d.match as { prefix: string }).prefix)).join('|')})`;
  const service = optionMapNode({
    section: 'service.<name>',
    description: '[service.<name>] section: options of a GMS service (e.g. _chat_endpoint).',
    credentialHint: 'a Secret',
  });
  return {
    description: `Other GMS sections, by section name: [log], [server], [service.<name>] and any section the option catalog does not know yet, each a map of option names to values (rendered as GMS strings; unknown options are warnings and restart-required). Not for sections with a dedicated field: ${DEDICATED_SECTIONS.map((d) => `${d.label} (${d.field.split(' (')[0]})`).join(', ')}. At most ${MAX_SECTIONS} sections.`,
    type: 'object',
    maxProperties: MAX_SECTIONS,
    additionalProperties: {
      description:
        'The options of one section: option name -> value (YAML boolean, number or string).',
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      json: {
        replace: {
          type: 'object',
          additionalProperties: {
            description: 'An option value (rendered as a GMS string).',
            type: ['string', 'number', 'boolean'],
          },
        },
      },
    },
    'x-kubernetes-validations': rules,
    json: {
      extra: {
        propertyNames: {
          pattern: SECTION_NAME_PATTERN,
          maxLength: SECTION_NAME_MAX,
          not: { pattern: prefixPattern },
        },
        properties: forbiddenExact,
        // Editors complete and check the catalog's service-level options (JSON Schema only:
        // a CRD cannot type a map value by its key).
        patternProperties: { '^service\\.': toJsonSchema(service) },
      },
    },
  };
}
