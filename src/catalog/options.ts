import type { OptionSpec } from './types.js';

/**
 * Every GMS option the project knows, with its source. Seed facts first
 * (../shared/seed/000_411d61439f2dc86d.txt), then ../shared/domain/gms.md §1.
 * (Initial entries; the catalog issue completes the list.)
 */
const SEED = 'https://docs.genesys.com/Documentation/GMS/latest/API/ChatAPIv2CometD';

export const OPTIONS: readonly OptionSpec[] = [
  {
    name: 'enable_notification_mode',
    sections: ['chat'],
    forbiddenIn: [
      {
        section: 'chat.<service>',
        reason:
          'enable_notification_mode "is defined in the chat section only, cannot apply to the chat.<service-name> section"',
      },
    ],
    type: 'boolean',
    default: 'false',
    validValues: ['true', 'false'],
    takesEffect: 'restart',
    introduced: '8.5.109.05',
    credential: false,
    description:
      'Enables the notification mode for the Chat V2 CometD API. Not dynamic: changing it at runtime may lead to incorrect node behavior. If true, the GMS node establishes a persistent connection with the Chat Server(s) and enables the Chat V2 CometD API.',
    source: SEED,
  },
  {
    name: 'push_notification_to_active_client',
    sections: ['chat.<service>'],
    type: 'boolean',
    default: 'true',
    validValues: ['true', 'false'],
    takesEffect: 'restart',
    introduced: '8.5.219.03',
    credential: false,
    description:
      'If false, GMS stops sending mobile and HTTP push notifications in the chat session while a CometD connection is established; pushes are only sent when there is no active CometD connection.',
    source: SEED,
  },
  {
    name: 'fcm.title',
    sections: ['push', 'push.provider.<name>'],
    type: 'string',
    takesEffect: 'restart',
    introduced: '8.5.114.09',
    credential: false,
    description: 'Firebase Cloud Messaging title for an event defined at the provider level.',
    source: SEED,
  },
  {
    name: 'fcm.body',
    sections: ['push', 'push.provider.<name>'],
    type: 'string',
    takesEffect: 'restart',
    introduced: '8.5.114.09',
    credential: false,
    description: 'Firebase Cloud Messaging body message for an event defined at the provider level.',
    source: SEED,
  },
  {
    name: 'apple.title',
    sections: ['push', 'push.provider.<name>'],
    type: 'string',
    default: '',
    takesEffect: 'restart',
    credential: false,
    description: 'Apple Notification title. If not specified, GMS sends a blank title.',
    source: SEED,
  },
  {
    name: 'apple.alertMessage.body',
    sections: ['push', 'push.provider.<name>'],
    type: 'string',
    takesEffect: 'restart',
    credential: false,
    description: 'If set, defines a body entry in the alert dictionary (iOS-specific).',
    source: SEED,
  },
];
