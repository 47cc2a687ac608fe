/**
 * A PushProvider's settings as options of one section: `[push.provider.<name>]`, or `[push]` for
 * the chat service's default provider (seed: "If you do not add provider information to the user
 * data, the system will use the default options that you configured in the push section").
 */
import { PUSH_EVENTS, type PushProvider } from '../api/types.js';
import { printable } from './ini/safety.js';
import { appleKeystorePath, eventOptionKey } from './names.js';
import { isRecord, isSelector, refOf, type Renderer, type Source } from './render-context.js';

/** A PushProvider's settings into `section` ([push] for the default provider). */
export function renderProvider(r: Renderer, section: string, p: PushProvider): void {
  const object = refOf('PushProvider', p.metadata);
  const spec = (isRecord(p.spec) ? p.spec : {}) as PushProvider['spec'];
  const name = p.metadata.name;
  const at = (...path: (string | number)[]): Source => ({ object, path: ['spec', ...path] });
  const type = spec.type;
  if (type !== 'fcm' && type !== 'apple' && type !== 'customhttp') {
    r.problem(
      'error',
      'render-invalid-value',
      at('type'),
      `spec.type must be fcm, apple or customhttp, not ${JSON.stringify(type)}`,
      section,
    );
  }
  if (!r.section(section, at())) return;

  for (const other of ['fcm', 'apple', 'customhttp'] as const) {
    if (other !== type && spec[other] !== undefined) {
      r.problem(
        'warning',
        'render-ignored-field',
        at(other),
        `spec.${other} is ignored for a provider of type ${String(type)}`,
        section,
      );
    }
  }
  if (type === 'fcm' && isRecord(spec.fcm)) {
    r.putSecret(section, 'fcm.apiKey', spec.fcm.apiKeySecretRef, at('fcm', 'apiKeySecretRef'));
    if (spec.fcm.debugApiKeySecretRef !== undefined)
      r.putSecret(
        section,
        'debug.fcm.apiKey',
        spec.fcm.debugApiKeySecretRef,
        at('fcm', 'debugApiKeySecretRef'),
      );
  }
  if (type === 'apple' && isRecord(spec.apple)) {
    const ks: unknown = spec.apple.keystoreSecretRef;
    const src = at('apple', 'keystoreSecretRef');
    if (!isSelector(ks)) {
      r.problem(
        'error',
        'render-invalid-value',
        src,
        'spec.apple.keystoreSecretRef must name a Secret and a key',
        section,
        'apple.keystore',
      );
    } else if (r.hasSecret(ks)) {
      const path = appleKeystorePath(name);
      if (!r.secretFiles.some((f) => f.path === path))
        r.secretFiles.push({ secretName: ks.name, key: ks.key, path, provider: name });
      r.put(section, 'apple.keystore', path, { ...src, secret: { name: ks.name, key: ks.key } });
    } else {
      r.missingSecrets.push({
        secretName: ks.name,
        key: ks.key,
        section,
        option: 'apple.keystore',
        object,
        path: src.path,
      });
    }
    r.putSecret(
      section,
      'apple.keystorePassword',
      spec.apple.keystorePasswordSecretRef,
      at('apple', 'keystorePasswordSecretRef'),
    );
  }
  if (type === 'customhttp' && isRecord(spec.customhttp)) {
    if (spec.customhttp.url !== undefined)
      r.put(section, 'customhttp.url', spec.customhttp.url, at('customhttp', 'url'));
    if (spec.customhttp.debugUrl !== undefined)
      r.put(
        section,
        'debug.customhttp.url',
        spec.customhttp.debugUrl,
        at('customhttp', 'debugUrl'),
      );
  }
  if (spec.events !== undefined && (type === 'fcm' || type === 'apple' || type === 'customhttp')) {
    if (!isRecord(spec.events)) {
      r.problem(
        'error',
        'render-invalid-value',
        at('events'),
        'spec.events must be a map of event names to texts',
        section,
      );
    } else {
      const known = PUSH_EVENTS as readonly string[];
      for (const [event, text] of Object.entries(spec.events)) {
        if (!known.includes(event)) {
          r.problem(
            'error',
            'render-invalid-value',
            at('events', event),
            `unknown push event "${printable(event)}" (known: ${known.join(', ')})`,
            section,
          );
          continue;
        }
        if (!isRecord(text)) {
          r.problem(
            'error',
            'render-invalid-value',
            at('events', event),
            `spec.events.${event} must have title and/or body`,
            section,
          );
          continue;
        }
        for (const field of ['title', 'body'] as const) {
          if (text[field] === undefined) continue;
          const key = eventOptionKey(type, event, field);
          if (key === undefined) {
            r.problem(
              'warning',
              'render-ignored-field',
              at('events', event, field),
              `customhttp notifications carry one message (events.${event}.body -> customhttp.${event}.message); the title is not rendered`,
              section,
            );
            continue;
          }
          r.put(section, key, text[field], at('events', event, field));
        }
      }
    }
  }
  r.options(section, spec.options, at('options'));
}
