/**
 * `[push]` options and the provider sections `[push.provider.<name>]` that reuse its provider
 * keys (domain/gms.md §1.3, §1.4; seed S1 and Push Notification Service S2).
 *
 * Node-wide keys (`pushEnabled`, `defaultSubscriptionExpiration`) are `[push]` only; the
 * provider keys (fcm.*, apple.*, customhttp.*, debug.*) are valid in both, because a provider
 * section holds the same options as the `push` section's defaults (seed: "the system will use
 * the Firebase Cloud Messaging options that are configured in the [push.provider.{ProviderName}]
 * section").
 */
import { SOURCES } from '../sources.js';
import type { OptionSpec, SectionPattern } from '../types.js';

const PUSH_AND_PROVIDER: readonly SectionPattern[] = ['push', 'push.provider.<name>'];

export const PUSH_ENABLED_VALUES = [
  'comet',
  'fcm',
  'ios',
  'customhttp',
  'httpcb',
  'orscb',
  'android',
  'gcm',
] as const;

export const PUSH_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'pushEnabled',
    sections: ['push'],
    type: 'list',
    default: 'comet',
    validValues: PUSH_ENABLED_VALUES,
    valueIntroduced: { comet: '8.5.103.10', fcm: '8.5.112.05' },
    valueDeprecated: {
      gcm: 'Google Cloud Messaging is deprecated; use fcm',
      android: 'android (GCM) is deprecated; use fcm',
    },
    takesEffect: 'restart',
    modified: ['8.5.112.05', '8.5.113.10'],
    credential: false,
    description:
      'Comma-separated push notification types GMS enables: android, gcm, ios, httpcb, orscb, customhttp, fcm, comet. Other values are ignored. Unset or empty disables push for all types and the push service does not work. Starting in 8.5.103.10 the option requires the default value (comet) even if push notifications are not enabled.',
    notes:
      'Default comet (8.5.2/8.5.3 pages; an older "latest" variant shows none). The 8.5.103.10 sentence is cut off in the source, so "must include comet" is a warning, not an error (the S3 sample omits comet).',
    source: SOURCES.S2,
  },
  {
    name: 'defaultSubscriptionExpiration',
    sections: ['push'],
    type: 'integer',
    min: 30,
    unit: 'seconds',
    takesEffect: 'restart',
    credential: false,
    description:
      'Default push subscription expiration, in seconds (at least 30). GMS uses 30 when the option is unset or invalid.',
    source: SOURCES.S2,
  },
  {
    name: 'customhttp.url',
    sections: PUSH_AND_PROVIDER,
    type: 'url',
    default: '',
    takesEffect: 'restart',
    credential: false,
    description:
      'URL GMS POSTs custom HTTP notifications to (JSON {deviceId, message}). For HTTPS without importing the server certificate into the Java cacerts, set [gms] http.ssl_trust_all=true.',
    source: SOURCES.S2,
  },
  {
    name: 'customhttp.message',
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    credential: false,
    description: 'Message text of custom HTTP notifications.',
    unverified:
      'only a documented sample shows it (S3): default and when changes take effect are unknown',
    source: SOURCES.S3,
  },
  {
    name: 'debug.customhttp.url',
    sections: PUSH_AND_PROVIDER,
    type: 'url',
    takesEffect: 'restart',
    credential: false,
    description:
      'customhttp.url used when the client asks for debug push (push_notification_debug=true).',
    unverified:
      'only a documented sample shows it (S3): default and when changes take effect are unknown',
    source: SOURCES.S3,
  },
  {
    name: 'debug.customhttp.message',
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    credential: false,
    description:
      'customhttp.message used when the client asks for debug push (push_notification_debug=true).',
    unverified:
      'only a documented sample shows it (S3): default and when changes take effect are unknown',
    source: SOURCES.S3,
  },
  {
    name: 'fcm.apiKey',
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    introduced: '8.5.112.05',
    credential: true,
    description:
      'Firebase Cloud Messaging API key. A credential: set it through PushProvider spec.fcm.apiKeySecretRef, never inline.',
    source: SOURCES.S2,
  },
  {
    name: 'debug.fcm.apiKey',
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    introduced: '8.5.114.09',
    credential: true,
    description:
      'Firebase Cloud Messaging API key used when the client asks for debug push (push_notification_debug=true). A credential: set it through PushProvider spec.fcm.debugApiKeySecretRef, never inline.',
    source: SOURCES.S2,
  },
  {
    name: 'fcm.title',
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    introduced: '8.5.114.09',
    credential: false,
    description: 'Firebase Cloud Messaging title for an event defined at the provider level.',
    source: SOURCES.S1,
  },
  {
    name: 'fcm.body',
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    introduced: '8.5.114.09',
    credential: false,
    description:
      'Firebase Cloud Messaging body message for an event defined at the provider level.',
    source: SOURCES.S1,
  },
  {
    name: 'apple.title',
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    default: '',
    takesEffect: 'restart',
    credential: false,
    description: 'Apple Notification title. If not specified, GMS sends a blank title.',
    source: SOURCES.S1,
  },
  {
    name: 'apple.alertMessage.body',
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    credential: false,
    description:
      'If set, defines a body entry in the alert dictionary (iOS-specific). Absent option = no body entry.',
    source: SOURCES.S1,
  },
  {
    name: 'apple.keystore',
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    credential: true,
    description:
      'Apple Push Notification service keystore (certificate). A credential: set it through PushProvider spec.apple.keystoreSecretRef, never inline.',
    unverified:
      'no source reviewed confirms the key name, its format, default or when changes take effect',
    source: SOURCES.S2,
  },
  {
    name: 'apple.keystorePassword',
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    credential: true,
    description:
      'Password of the Apple keystore. A credential: set it through PushProvider spec.apple.keystorePasswordSecretRef, never inline.',
    unverified: 'no source reviewed confirms the key name, default or when changes take effect',
    source: SOURCES.S2,
  },
  {
    name: 'apple.sound',
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    credential: false,
    description: 'Sound entry of Apple notifications.',
    unverified:
      'no source reviewed confirms the key name, valid values, default or when changes take effect',
    source: SOURCES.S2,
  },
  {
    name: 'apple.badge',
    sections: PUSH_AND_PROVIDER,
    type: 'string',
    takesEffect: 'restart',
    credential: false,
    description: 'Badge entry of Apple notifications.',
    unverified:
      'no source reviewed confirms the key name, valid values, default or when changes take effect',
    source: SOURCES.S2,
  },
];
