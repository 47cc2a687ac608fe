/** The PushProvider schema (DESIGN.md "API"), field by field from src/api/types.ts. */
import { PROVIDER_NAME_PATTERN, PUSH_EVENT_DEFAULTS } from '../../catalog/index.js';
import { PROVIDER_TYPES, PUSH_EVENTS } from '../types.js';
import { SINGLE_LINE_PATTERN, conditions, int, obj, secretKeySelector, str } from './common.js';
import { celRegex, type SchemaNode } from './model.js';
import { optionMapNode } from './options.js';

export const PROVIDER_NAME_RULE_MESSAGE =
  'PushProvider name must be short (at most 32 characters) and letters and digits only: it becomes the GMS section [push.provider.<name>] and the push_notification_provider value clients send';

export const PROVIDER_TYPE_RULE_MESSAGE =
  'spec.type must match the provider block: set exactly the one of spec.fcm, spec.apple, spec.customhttp that spec.type names';

const text = (description: string): SchemaNode =>
  str(description, { pattern: SINGLE_LINE_PATTERN, maxLength: 1024 });

const url = (description: string): SchemaNode =>
  str(description, { pattern: '^https?://[^\\s]+$', maxLength: 2048 });

function events(): SchemaNode {
  const properties: Record<string, SchemaNode> = {};
  for (const e of PUSH_EVENTS) {
    const d = PUSH_EVENT_DEFAULTS[e];
    properties[e] = obj(`Texts of the ${e} push notification (%s = party name).`, {
      title: text(`Title. Default: "${d.title}".`),
      body: text(`Body. Default: ${d.body !== undefined ? `"${d.body}"` : d.bodyFrom}`),
    });
  }
  return obj(
    'Per-event notification texts (seed: "Push Notification Events"), e.g. for other languages than English. Rendered as <type>.<Event>.title / body keys of the provider section (a gms-operator convention; see docs/options.md).',
    properties,
  );
}

export function pushProviderSpec(): SchemaNode {
  return {
    ...obj(
      'A push notification provider: one [push.provider.<name>] section of GMS.',
      {
        type: str(`Provider type. One of ${PROVIDER_TYPES.join(', ')}.`, {
          enum: [...PROVIDER_TYPES],
        }),
        fcm: obj(
          'Firebase Cloud Messaging (type fcm; GMS 8.5.114+ for Chat V2 CometD).',
          {
            apiKeySecretRef: secretKeySelector('Secret key holding the FCM API key (fcm.apiKey).'),
            debugApiKeySecretRef: secretKeySelector(
              'Secret key holding the API key used when clients ask for debug push (debug.fcm.apiKey).',
            ),
          },
          { required: ['apiKeySecretRef'] },
        ),
        apple: obj(
          'Apple Push Notification service (type apple).',
          {
            keystoreSecretRef: secretKeySelector(
              'Secret key holding the keystore (apple.keystore).',
            ),
            keystorePasswordSecretRef: secretKeySelector(
              'Secret key holding the keystore password (apple.keystorePassword).',
            ),
          },
          { required: ['keystoreSecretRef', 'keystorePasswordSecretRef'] },
        ),
        customhttp: obj(
          'Custom HTTP notifications (type customhttp): GMS POSTs JSON {deviceId, message}.',
          {
            url: url('customhttp.url'),
            debugUrl: url('debug.customhttp.url: used when clients ask for debug push.'),
          },
          { required: ['url'] },
        ),
        events: events(),
        options: optionMapNode({
          section: 'push.provider.<name>',
          description: 'Other catalog options of the provider section (e.g. apple.title).',
          credentialHint: 'spec.fcm or spec.apple secret references',
        }),
      },
      { required: ['type'] },
    ),
    'x-kubernetes-validations': [
      {
        rule: "(self.type == 'fcm') == has(self.fcm) && (self.type == 'apple') == has(self.apple) && (self.type == 'customhttp') == has(self.customhttp)",
        message: PROVIDER_TYPE_RULE_MESSAGE,
      },
    ],
    json: {
      extra: {
        allOf: PROVIDER_TYPES.map((t) => ({
          if: { type: 'object', properties: { type: { const: t } }, required: ['type'] },
          then: {
            type: 'object',
            required: [t],
            properties: Object.fromEntries(
              PROVIDER_TYPES.filter((o) => o !== t).map((o) => [o, { not: {} }]),
            ),
          },
        })),
      },
    },
  };
}

export function pushProviderStatus(): SchemaNode {
  return obj('Observed state, written by the operator.', {
    observedGeneration: int('metadata.generation the status reflects.', {
      format: 'int64',
      minimum: 0,
    }),
    conditions: conditions('Conditions.'),
  });
}

export function pushProviderRootRules(): SchemaNode['x-kubernetes-validations'] {
  return [
    {
      rule: `self.metadata.name.matches(${celRegex(PROVIDER_NAME_PATTERN)})`,
      message: PROVIDER_NAME_RULE_MESSAGE,
      fieldPath: '.metadata.name',
    },
  ];
}
