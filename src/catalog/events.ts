/**
 * Push notification events and their default English texts: the seed's "Push Notification
 * Events" table (S1). `%s` is substituted with the party name. The per-event option keys the
 * project renders for them are a convention (domain/gms.md §1.4), see options/conventions.ts.
 */
export const PUSH_EVENT_NAMES = [
  'ParticipantJoined',
  'ParticipantLeft',
  'Message',
  'PushUrl',
  'FileUploaded',
  'IdleAlert',
  'IdleClose',
] as const;
export type PushEventName = (typeof PUSH_EVENT_NAMES)[number];

export interface PushEventDefaults {
  title: string;
  /** Default body; `undefined` when GMS sends the event's own content (message text, URL). */
  body?: string;
  /** What GMS puts in the body when there is no fixed default. */
  bodyFrom?: string;
}

export const PUSH_EVENT_DEFAULTS: Readonly<Record<PushEventName, PushEventDefaults>> = {
  ParticipantJoined: { title: 'Chat participants changed', body: '%s joined chat' },
  ParticipantLeft: { title: 'Chat participants changed', body: '%s left chat' },
  Message: { title: '%s sent new message', bodyFrom: 'The message sent by the participant.' },
  PushUrl: { title: '%s suggests Web page', bodyFrom: 'URL pushed by the participant.' },
  FileUploaded: { title: '%s suggests to download file', body: 'Open app for more info' },
  IdleAlert: { title: 'Chat will close soon', body: 'Please use app if you want to continue' },
  IdleClose: { title: 'Chat is over', body: 'Your chat session was ended due to inactivity' },
};

export function isPushEventName(name: string): name is PushEventName {
  return (PUSH_EVENT_NAMES as readonly string[]).includes(name);
}
