/**
 * The Chat V2 notification format (seed: "Receive Notifications" and each operation's
 * "Example of notification response"; domain/gms.md §3).
 */

/** Participant kinds of `from.type` (domain/gms.md §3). */
export type ParticipantType = 'Client' | 'Agent' | 'Supervisor' | 'External';

export interface Party {
  nickname: string;
  participantId: number;
  type: ParticipantType;
}

/** Event types the gateway and the Chat Server simulator produce (domain/gms.md §3). */
export const EVENT_TYPES = [
  'ParticipantJoined',
  'ParticipantLeft',
  'Message',
  'TypingStarted',
  'TypingStopped',
  'PushUrl',
  'NicknameUpdated',
  'CustomNotice',
  'Notice',
  'FileUploaded',
  'IdleAlert',
  'IdleClose',
] as const;
export type ChatEventType = (typeof EVENT_TYPES)[number];

/** One transcript event ("messages" entry); `index` matches the event order. */
export interface ChatEvent {
  from: Party;
  index: number;
  type: ChatEventType;
  text?: string;
  messageType?: string;
  utcTime: number;
  userData?: Record<string, string>;
}

/** The session identity a notification carries; secureKey may change (seed). */
export interface SessionRef {
  chatId: string;
  userId: string;
  secureKey: string;
  alias: string;
}

/** The `data` of a notification published on /service/chatV2/<service>. */
export interface ChatNotification {
  messages: ChatEvent[];
  chatEnded: boolean;
  statusCode: number;
  alias?: string;
  secureKey?: string;
  /** Deprecated in 8.5.112, still sent (seed examples). */
  userId?: string;
  /** Deprecated in 8.5.112, still sent (seed examples). */
  chatId?: string;
  nextPosition?: number;
  monitored?: boolean;
  /** Present in the seed's general notification example. */
  channel?: string;
  /** Error notifications only (project format, docs/gateway.md "Errors"). */
  errors?: { code: number; message: string }[];
  /** Error notifications only: the operation that failed, when known. */
  operation?: string;
  /** Error notifications only: the id under which the gateway logged the failure. */
  referenceId?: string;
}

/** The eleven operations of the seed's "CometD API" list. */
export const OPERATIONS = [
  'requestChat',
  'requestNotifications',
  'sendMessage',
  'readReceipt',
  'startTyping',
  'stopTyping',
  'disconnect',
  'pushUrl',
  'updateNickname',
  'customNotice',
  'updateData',
] as const;
export type OperationName = (typeof OPERATIONS)[number];

/** Push registration from `push_notification_*` user data (seed: requestChat user data). */
export interface PushRegistration {
  deviceId: string;
  /** push_notification_type: fcm | ios | customhttp | ... (a [push] pushEnabled value). */
  type: string;
  debug: boolean;
  language: string;
  /** push_notification_provider: a [push.provider.<name>] section; absent = [push]. */
  provider?: string;
}
