/**
 * Options the project defines where the GMS sources name a capability but not its keys
 * (domain/gms.md §1.4, §7). Every entry is flagged `unverified` and documented in
 * docs/options.md ("Project conventions"): a real GMS may ignore these keys.
 */
import { PUSH_EVENT_NAMES } from '../events.js';
import { CHAT_SERVER_NAME_PATTERN, HOST_PORT_PATTERN, unanchored } from '../names.js';
import { SOURCES } from '../sources.js';
import type { OptionSpec, SectionPattern, TemplateParam } from '../types.js';

const PUSH_AND_PROVIDER: readonly SectionPattern[] = ['push', 'push.provider.<name>'];

const EVENT: Readonly<Record<string, TemplateParam>> = {
  Event: {
    values: PUSH_EVENT_NAMES,
    description: 'a push notification event of the seed\'s "Push Notification Events" table',
  },
};

const EVENT_UNVERIFIED =
  'gms-operator convention: the seed says per-event texts are provisioned "at the provider service event level" but names no key grammar';

const EVENT_NOTES =
  "Rendered from PushProvider spec.events.<Event>; the seed's default (English) text applies when unset. %s is substituted with the party name.";

export const CONVENTION_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'fcm.<Event>.title',
    template: EVENT,
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    introduced: '8.5.114.09',
    credential: false,
    description: 'Firebase Cloud Messaging title of one push event (e.g. fcm.Message.title).',
    notes: EVENT_NOTES,
    unverified: EVENT_UNVERIFIED,
    source: SOURCES.PROJECT,
  },
  {
    name: 'fcm.<Event>.body',
    template: EVENT,
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    introduced: '8.5.114.09',
    credential: false,
    description: 'Firebase Cloud Messaging body of one push event (e.g. fcm.IdleAlert.body).',
    notes: EVENT_NOTES,
    unverified: EVENT_UNVERIFIED,
    source: SOURCES.PROJECT,
  },
  {
    name: 'apple.<Event>.title',
    template: EVENT,
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    credential: false,
    description: 'Apple notification title of one push event (e.g. apple.Message.title).',
    notes: EVENT_NOTES,
    unverified: EVENT_UNVERIFIED,
    source: SOURCES.PROJECT,
  },
  {
    name: 'apple.<Event>.alertMessage.body',
    template: EVENT,
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    credential: false,
    description:
      'Body entry of the Apple alert dictionary for one push event (e.g. apple.Message.alertMessage.body).',
    notes: EVENT_NOTES,
    unverified: EVENT_UNVERIFIED,
    source: SOURCES.PROJECT,
  },
  {
    name: 'customhttp.<Event>.message',
    template: EVENT,
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    credential: false,
    description:
      'Custom HTTP notification message of one push event (e.g. customhttp.Message.message).',
    notes: EVENT_NOTES,
    unverified: EVENT_UNVERIFIED,
    source: SOURCES.PROJECT,
  },
  {
    name: 'auth.basic.username',
    sections: ['chat.<service>'],
    type: 'string',
    takesEffect: 'restart',
    credential: false,
    description:
      'User name of Basic Authentication for the chat service; CometD clients send it in the auth parameter of requestChat (seed: "Authentication"). Rendered from ChatService spec.auth.basic.secretRef.',
    unverified:
      'gms-operator convention: the seed describes Basic Authentication for a chat service but not the option that enables it',
    source: SOURCES.PROJECT,
  },
  {
    name: 'auth.basic.password',
    sections: ['chat.<service>'],
    type: 'string',
    takesEffect: 'restart',
    credential: true,
    description:
      'Password of Basic Authentication for the chat service. A credential: set it through ChatService spec.auth.basic.secretRef, never inline.',
    unverified:
      'gms-operator convention: the seed describes Basic Authentication for a chat service but not the option that enables it',
    source: SOURCES.PROJECT,
  },
  {
    name: 'chatserver.<name>',
    template: {
      name: {
        pattern: unanchored(CHAT_SERVER_NAME_PATTERN),
        description: 'the Chat Server instance name (ChatService spec.chatServer.endpoints[].name)',
      },
    },
    sections: ['connections'],
    type: 'string',
    pattern: HOST_PORT_PATTERN,
    patternHint: '<host>:<port>',
    takesEffect: 'restart',
    credential: false,
    description:
      'A Chat Server instance the GMS node connects to, as host:port; all instances are primary (N+1). Rendered from ChatService spec.chatServer.endpoints.',
    notes:
      "Removing a connection detaches the node from that Chat Server (the seed's keep-GMS-online change procedure).",
    unverified:
      'gms-operator convention, not a GMS section: real GMS takes its Chat Server connections from the Configuration Server application (domain/gms.md §7)',
    source: SOURCES.PROJECT,
  },
];
