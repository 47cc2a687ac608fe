/**
 * `[chat]` and `[chat.<service>]` options (Chat API V2), and the service-level `_`-prefixed
 * options of chat services. domain/gms.md §1.1, §1.2; the seed (S1) first.
 */
import { SOURCES } from '../sources.js';
import type { OptionSpec } from '../types.js';

const BOOL = ['true', 'false'] as const;

/**
 * Service-level options sit in the chat service's own section. S5 lists them for "chat
 * service" sections; Chat V2 services are `[chat.<service>]`, Chat V1 services
 * `[service.<name>]` (S4, S22), so both are accepted.
 */
const SERVICE_SECTIONS = ['chat.<service>', 'service.<name>'] as const;
const SERVICE_NOTE =
  'A service-level option: written in the chat service section ([chat.<service>] for Chat V2, [service.<name>] for Chat V1).';

export const CHAT_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'enable_notification_mode',
    sections: ['chat'],
    forbiddenIn: [
      {
        section: 'chat.<service>',
        reason:
          'it "is defined in the chat section only, cannot apply to the chat.<service-name> section" (S1); set it in [chat] (ChatService spec.chat)',
      },
    ],
    type: 'boolean',
    default: 'false',
    validValues: BOOL,
    takesEffect: 'restart',
    introduced: '8.5.109.05',
    credential: false,
    description:
      'Enables the notification mode for the Chat V2 CometD API. If true, the GMS node establishes a persistent connection with the Chat Server(s) and enables the Chat V2 CometD API. Defined in the [chat] section only. Not dynamic: changing it at runtime may lead to incorrect node behavior.',
    notes:
      'The option header says section chat.service-name, the text says chat section only; one "latest" page variant says "Immediately" yet "not dynamic". The catalog follows the text: [chat] only, restart-required.',
    source: SOURCES.S1,
  },
  {
    name: 'push_notification_to_active_client',
    sections: ['chat.<service>'],
    type: 'boolean',
    default: 'true',
    validValues: BOOL,
    takesEffect: 'restart',
    introduced: '8.5.219.03',
    credential: false,
    description:
      'If false, GMS stops sending mobile and HTTP push notifications in the chat session while a CometD connection is established; pushes for new events are then only sent when there is no active CometD connection.',
    source: SOURCES.S1,
  },
  {
    name: 'push_notification_include_payload',
    // S3 documents it for chat.service-name; its own sample sets it in [chat].
    sections: ['chat', 'chat.<service>'],
    type: 'boolean',
    default: 'false',
    validValues: BOOL,
    takesEffect: 'immediate',
    introduced: '8.5.201.04',
    credential: false,
    description:
      'Includes the chat event payload in custom HTTP (customhttp) push notifications, as CometD delivers it. Chat V2 CometD with customhttp only; not used for FCM or iOS.',
    source: SOURCES.S3,
  },
  {
    name: 'default_chat_endpoint',
    sections: ['chat'],
    type: 'string',
    default: 'Environment:default',
    pattern: '^[^:\\s]+:[^:\\s]+$',
    patternHint: '<tenant_name>:<chat_endpoint>',
    takesEffect: 'immediate',
    credential: false,
    description:
      'Chat Server endpoint (URS queue) used by all chat services, as <tenant_name>:<chat_endpoint>. The endpoint is defined in the Chat Server section endpoints:<tenantDBID> (e.g. endpoints:1, default=queue), giving Environment:default. Per service: _chat_endpoint.',
    source: SOURCES.S4,
  },
  {
    name: 'enable-fast-chat-transcript-refresh',
    sections: ['chat'],
    type: 'boolean',
    default: 'false',
    validValues: BOOL,
    takesEffect: 'immediate',
    introduced: '8.5.107.19',
    credential: false,
    description: 'Chat API Version 1: enables the Index property in transcript messages.',
    source: SOURCES.S24,
  },
  {
    name: '_chat_endpoint',
    sections: SERVICE_SECTIONS,
    type: 'string',
    default: 'gms_builtin',
    takesEffect: 'immediate',
    credential: false,
    description:
      'Chat Server endpoint for this chat service, in the format of default_chat_endpoint (<tenant_name>:<chat_endpoint>); overrides [chat] default_chat_endpoint.',
    notes: SERVICE_NOTE,
    source: SOURCES.S4,
  },
  {
    name: '_agent_timeout_notification_message',
    sections: SERVICE_SECTIONS,
    type: 'string',
    default: '',
    takesEffect: 'immediate',
    credential: false,
    description:
      'Message sent to the agent when the customer\'s CometD channel is down and a new agent message arrives (e.g. "Customer is not online").',
    notes: SERVICE_NOTE,
    source: SOURCES.S5,
  },
  {
    name: '_client_timeout_notification',
    sections: SERVICE_SECTIONS,
    type: 'integer',
    default: '90',
    min: 1,
    unit: 'seconds',
    takesEffect: 'immediate',
    credential: false,
    description:
      'Delay, in seconds, before the first push notification is sent while the client application is disconnected.',
    notes: SERVICE_NOTE,
    source: SOURCES.S5,
  },
  {
    name: '_chat_400_response_on_disconnected',
    sections: SERVICE_SECTIONS,
    type: 'boolean',
    default: 'false',
    validValues: BOOL,
    takesEffect: 'immediate',
    credential: false,
    description: 'If true, refresh returns 400 instead of 200 once the agent has left the chat.',
    notes: SERVICE_NOTE,
    source: SOURCES.S5,
  },
  {
    name: '_provider_name',
    // S2 (8.5.1) documents it for the Notification (Callback) service.
    sections: ['service.<name>'],
    type: 'string',
    default: '',
    takesEffect: 'immediate',
    credential: false,
    description: 'Name of the notification provider. This is used for push notifications.',
    notes: 'Documented for the Notification (Callback) service section.',
    source: SOURCES.S2,
  },
];
