/**
 * Where a GMS option is set from the resources: the inverse of the renderer's mapping
 * (src/config/render.ts header, docs/options.md "Where options go"). `gmsctl explain` prints it
 * so a user who knows a GMS key finds the ChatService or PushProvider field to write.
 */
import { matchTemplate, type OptionSpec, type SectionPattern } from '../catalog/index.js';

/** Fields fed by a dedicated API field rather than an option map. */
const DEDICATED: Record<string, string[]> = {
  pushEnabled: ['ChatService spec.push.enabled (list)'],
  'fcm.apiKey': ['PushProvider spec.fcm.apiKeySecretRef (Secret key)'],
  'debug.fcm.apiKey': ['PushProvider spec.fcm.debugApiKeySecretRef (Secret key)'],
  'apple.keystore': ['PushProvider spec.apple.keystoreSecretRef (Secret key)'],
  'apple.keystorePassword': ['PushProvider spec.apple.keystorePasswordSecretRef (Secret key)'],
  'customhttp.url': ['PushProvider spec.customhttp.url'],
  'debug.customhttp.url': ['PushProvider spec.customhttp.debugUrl'],
  'auth.basic.username': [
    'ChatService spec.auth.basic.secretRef (key usernameKey, default username)',
  ],
  'auth.basic.password': [
    'ChatService spec.auth.basic.secretRef (key passwordKey, default password)',
  ],
  'chatserver.<name>': ['ChatService spec.chatServer.endpoints[] (name, host, port)'],
};

const MAPS: Partial<Record<SectionPattern, string>> = {
  chat: 'ChatService spec.chat',
  'chat.<service>': 'ChatService spec.options',
  push: 'ChatService spec.push.options',
  'push.provider.<name>': 'PushProvider spec.options',
  gms: 'ChatService spec.gms.options',
  server: 'ChatService spec.sections.server',
  log: 'ChatService spec.sections.log',
  'service.<name>': 'ChatService spec.sections."service.<name>"',
};

/** Per-event texts come from PushProvider spec.events.<Event>.<field>. */
const EVENT_FIELD: Record<string, string> = {
  'fcm.<Event>.title': 'title',
  'fcm.<Event>.body': 'body',
  'apple.<Event>.title': 'title',
  'apple.<Event>.alertMessage.body': 'body',
  'customhttp.<Event>.message': 'body',
};

/**
 * The resource fields that set `option` (as `key`, a concrete instance for templated options).
 * Empty when no resource field reaches it (the Chat Server application's [client-file-transfer]
 * and [settings] options: GMS does not read them).
 */
export function resourceFieldsFor(option: OptionSpec, key: string = option.name): string[] {
  const out: string[] = [];
  const event = EVENT_FIELD[option.name];
  if (event) {
    const e = matchTemplate(option, key)?.Event ?? '<Event>';
    out.push(
      `PushProvider spec.events.${e}.${event} (provider of type ${option.name.split('.')[0]})`,
    );
  }
  out.push(...(DEDICATED[option.name] ?? []));
  if (!option.credential) {
    for (const s of option.sections) {
      const map = MAPS[s];
      if (map) out.push(`${map}.${key.includes('.') ? `"${key}"` : key}`);
    }
  }
  return out;
}
