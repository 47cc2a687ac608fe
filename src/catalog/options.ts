import type { OptionSpec } from './types.js';
import { CHAT_OPTIONS } from './options/chat.js';
import { PUSH_OPTIONS } from './options/push.js';
import { GMS_OPTIONS } from './options/gms.js';
import { CHAT_SERVER_OPTIONS } from './options/chat-server.js';
import { CONVENTION_OPTIONS } from './options/conventions.js';

export { PUSH_ENABLED_VALUES } from './options/push.js';

/**
 * Every GMS option the project knows, with its source. Seed facts first
 * (../shared/seed/000_411d61439f2dc86d.txt), then ../shared/domain/gms.md §1; the project's own
 * conventions last (all flagged `unverified`). Order is the order of docs/options.md.
 */
export const OPTIONS: readonly OptionSpec[] = [
  ...CHAT_OPTIONS,
  ...PUSH_OPTIONS,
  ...GMS_OPTIONS,
  ...CHAT_SERVER_OPTIONS,
  ...CONVENTION_OPTIONS,
];

/** The catalog in the groups docs/options.md and `gmsctl options` present it in. */
export const OPTION_GROUPS: readonly { title: string; options: readonly OptionSpec[] }[] = [
  { title: 'Chat API V2: [chat], [chat.<service>] and service sections', options: CHAT_OPTIONS },
  { title: 'Push notifications: [push] and [push.provider.<name>]', options: PUSH_OPTIONS },
  { title: 'Cross-service: [gms]', options: GMS_OPTIONS },
  {
    title: 'Chat Server application: [client-file-transfer], [settings]',
    options: CHAT_SERVER_OPTIONS,
  },
  { title: 'Project conventions', options: CONVENTION_OPTIONS },
];
