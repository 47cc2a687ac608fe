/**
 * Push notification texts (seed: "Push Notification Events"): the default title and body of
 * each event (catalog PUSH_EVENT_DEFAULTS, the seed's table), `%s` substituted with the party
 * name, overridden per provider section.
 *
 * Keys: provider level from the seed's option blocks; per event the project convention the
 * renderer writes (config eventOptionKey; catalog options/conventions.ts, domain/gms.md §1.4
 * "event level UNVERIFIED"):
 *   FCM         fcm.<Event>.title > fcm.title > default;   fcm.<Event>.body > fcm.body > default
 *   Apple       apple.<Event>.title > apple.title > default;
 *               apple.<Event>.alertMessage.body > apple.alertMessage.body > default
 *   custom HTTP title: the default; message: customhttp.<Event>.message > customhttp.message > default
 * A key written with an empty value counts as set (apple.title: "If not specified, GMS sends a
 * blank title").
 */
import { PUSH_EVENT_DEFAULTS, isPushEventName, type PushEventName } from '../../catalog/index.js';
import { eventOptionKey } from '../../config/names.js';
import type { ChatEvent } from '../chat/model.js';

export type PushFamily = 'fcm' | 'apple' | 'customhttp';

export const isPushEvent = isPushEventName;

/** Looks a key up in the provider's section, then in [push]; undefined when absent in both. */
export type OptionLookup = (key: string) => string | undefined;

export interface PushText {
  title: string;
  body: string;
}

/** `%s` becomes the party name; only the first occurrence, like printf with one argument. */
export function substitute(template: string, party: string): string {
  return template.replace('%s', () => party);
}

function keysFor(family: PushFamily, event: PushEventName): { title: string[]; body: string[] } {
  const perEvent = (field: 'title' | 'body'): string[] => {
    const k = eventOptionKey(family, event, field);
    return k ? [k] : [];
  };
  if (family === 'apple')
    return {
      title: [...perEvent('title'), 'apple.title'],
      body: [...perEvent('body'), 'apple.alertMessage.body'],
    };
  if (family === 'customhttp')
    return { title: [], body: [...perEvent('body'), 'customhttp.message'] };
  return { title: [...perEvent('title'), 'fcm.title'], body: [...perEvent('body'), 'fcm.body'] };
}

function first(lookup: OptionLookup, keys: string[]): string | undefined {
  for (const k of keys) {
    const v = lookup(k);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** The title and body a push for this chat event carries. */
export function pushText(
  family: PushFamily,
  event: ChatEvent & { type: PushEventName },
  lookup: OptionLookup,
): PushText {
  const party = event.from.nickname;
  const def = PUSH_EVENT_DEFAULTS[event.type];
  const keys = keysFor(family, event.type);
  const title = substitute(first(lookup, keys.title) ?? def.title, party);
  const template = first(lookup, keys.body) ?? def.body;
  // Message and PushUrl carry the message or URL itself, which is never a template: a "%s"
  // the customer typed stays as typed.
  const body = template === undefined ? (event.text ?? '') : substitute(template, party);
  return { title, body };
}
