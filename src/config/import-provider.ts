/**
 * The inverse of render-provider.ts: the options of one provider section (`[push.provider.<x>]`,
 * or the provider keys of `[push]`) back into a PushProvider spec. Typed fields and events are
 * recognised first; credentials become Secret references plus a note; everything else is kept
 * in spec.options, so render gives the same keys back.
 */
import { isCredentialKey, isPushEventName } from '../catalog/index.js';
import type {
  PushEvent,
  PushEventText,
  PushProviderSpec,
  ProviderType,
  SecretKeySelector,
} from '../api/types.js';
import type { IniEntry, Position } from './ini/types.js';
import { eventOptionKey } from './names.js';
import { typedValue, type ImportContext } from './import-context.js';

/** Keys that belong to a push provider rather than to the node-wide [push] settings. */
const PROVIDER_KEY_RE = /^(?:debug\.)?(fcm|apple|customhttp)\./;

export function isProviderKey(key: string): boolean {
  return PROVIDER_KEY_RE.test(key);
}

/** Keys that only a provider of that type can hold as typed fields. */
const ANCHORS: Readonly<Record<ProviderType, readonly string[]>> = {
  fcm: ['fcm.apiKey', 'debug.fcm.apiKey'],
  apple: ['apple.keystore', 'apple.keystorePassword'],
  customhttp: ['customhttp.url', 'debug.customhttp.url'],
};
const TYPE_ORDER: readonly ProviderType[] = ['fcm', 'apple', 'customhttp'];

/**
 * The provider type of a set of keys: the type whose typed fields (API key, keystore, URL) are
 * present; else the type most keys start with; ties in the order fcm, apple, customhttp.
 */
export function inferProviderType(keys: readonly string[]): ProviderType | undefined {
  const anchored = TYPE_ORDER.filter((t) => ANCHORS[t].some((k) => keys.includes(k)));
  if (anchored.length > 0) return anchored[0];
  let best: ProviderType | undefined;
  let bestCount = 0;
  for (const t of TYPE_ORDER) {
    const count = keys.filter((k) => PROVIDER_KEY_RE.exec(k)?.[1] === t).length;
    if (count > bestCount) {
      best = t;
      bestCount = count;
    }
  }
  return best;
}

const EVENT_KEY_RE =
  /^(fcm|apple|customhttp)\.([A-Za-z]+)\.(title|body|alertMessage\.body|message)$/;

/** The event text a key renders from, when it is one for a provider of `type`. */
function eventOf(
  type: ProviderType,
  key: string,
): { event: PushEvent; field: 'title' | 'body' } | undefined {
  const m = EVENT_KEY_RE.exec(key);
  if (!m || m[1] !== type || !isPushEventName(m[2]!)) return undefined;
  const event = m[2] as PushEvent;
  for (const field of ['title', 'body'] as const) {
    if (eventOptionKey(type, event, field) === key) return { event, field };
  }
  return undefined;
}

export interface ImportedProvider {
  spec: PushProviderSpec;
  /** The type could not be inferred (no provider keys); spec.type is a guess the user must check. */
  guessedType: boolean;
}

/**
 * Build a PushProvider spec from a provider section's entries. `name` is the PushProvider name,
 * used for the Secret names (`<name>-fcm`, `<name>-apple`); `field` prefixes messages.
 */
export function importProvider(
  ctx: ImportContext,
  name: string,
  entries: readonly IniEntry[],
  fallbackType: ProviderType | undefined,
  /** The section header, where a note about a missing typed field points. */
  at?: { section: string; pos: Position },
): ImportedProvider {
  const keys = entries.map((e) => e.key);
  const inferred = inferProviderType(keys);
  const type: ProviderType = inferred ?? fallbackType ?? 'fcm';
  const spec: PushProviderSpec = { type };
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const events: Partial<Record<PushEvent, PushEventText>> = {};
  const options: Record<string, string | number | boolean> = {};

  const ref = (secret: string, key: string): SecretKeySelector => ({ name: secret, key });
  const fcmSecret = `${name}-fcm`;
  const appleSecret = `${name}-apple`;

  for (const e of entries) {
    const k = e.key;
    if (type === 'fcm' && k === 'fcm.apiKey') {
      spec.fcm = { ...spec.fcm, apiKeySecretRef: ref(fcmSecret, 'apiKey') };
      ctx.secret(e, fcmSecret, 'apiKey', 'spec.fcm.apiKeySecretRef');
      continue;
    }
    if (type === 'fcm' && k === 'debug.fcm.apiKey') {
      if (!byKey.has('fcm.apiKey')) {
        ctx.unplaced(
          e,
          'a PushProvider has a debug FCM key only together with fcm.apiKey (spec.fcm.apiKeySecretRef is required)',
        );
        continue;
      }
      spec.fcm = { ...spec.fcm!, debugApiKeySecretRef: ref(fcmSecret, 'debugApiKey') };
      ctx.secret(e, fcmSecret, 'debugApiKey', 'spec.fcm.debugApiKeySecretRef');
      continue;
    }
    if (type === 'apple' && k === 'apple.keystore') {
      spec.apple = { ...spec.apple!, keystoreSecretRef: ref(appleSecret, 'keystore') };
      ctx.secret(e, appleSecret, 'keystore', 'spec.apple.keystoreSecretRef', { fromFile: e.value });
      continue;
    }
    if (type === 'apple' && k === 'apple.keystorePassword') {
      spec.apple = {
        ...spec.apple!,
        keystorePasswordSecretRef: ref(appleSecret, 'keystorePassword'),
      };
      ctx.secret(e, appleSecret, 'keystorePassword', 'spec.apple.keystorePasswordSecretRef');
      continue;
    }
    if (type === 'customhttp' && k === 'customhttp.url') {
      spec.customhttp = { ...spec.customhttp, url: e.value };
      continue;
    }
    if (type === 'customhttp' && k === 'debug.customhttp.url' && byKey.has('customhttp.url')) {
      spec.customhttp = { ...spec.customhttp!, debugUrl: e.value };
      continue;
    }
    const ev = eventOf(type, k);
    if (ev) {
      events[ev.event] = { ...events[ev.event], [ev.field]: e.value };
      continue;
    }
    if (isCredentialKey(k)) {
      ctx.unplaced(
        e,
        `it is a credential that a PushProvider of type ${type} cannot reference from a Secret`,
      );
      continue;
    }
    options[k] = typedValue(e.section, k, e.value);
  }
  if (spec.apple && (!spec.apple.keystoreSecretRef || !spec.apple.keystorePasswordSecretRef)) {
    const present = spec.apple.keystoreSecretRef ? 'apple.keystore' : 'apple.keystorePassword';
    const e = byKey.get(present)!;
    ctx.note(
      'warning',
      'import-provider',
      e.keyPos,
      `an Apple provider needs both apple.keystore and apple.keystorePassword; only ${present} is set (add the other Secret reference)`,
      e.section,
      present,
    );
  }
  // A type's required field the INI does not set: the PushProvider would fail the schema. A
  // gms.ini kept without its credentials (secrets in another file, as gmsctl render writes
  // them) is the usual cause. A guessed type already has its own note.
  const missing =
    type === 'fcm' && !spec.fcm
      ? 'fcm.apiKey (spec.fcm.apiKeySecretRef)'
      : type === 'apple' && !spec.apple
        ? 'apple.keystore and apple.keystorePassword (spec.apple.keystoreSecretRef, spec.apple.keystorePasswordSecretRef)'
        : type === 'customhttp' && !spec.customhttp
          ? 'customhttp.url (spec.customhttp.url)'
          : undefined;
  if (missing && at && inferred !== undefined) {
    ctx.note(
      'warning',
      'import-provider',
      at.pos,
      `PushProvider ${name} (type ${type}) needs ${missing}, not set in the INI file (credentials kept in another file?): fill it in`,
      at.section,
    );
  }
  if (Object.keys(events).length > 0) spec.events = events;
  if (Object.keys(options).length > 0) spec.options = options;
  return { spec, guessedType: inferred === undefined };
}
