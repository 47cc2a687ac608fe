import { validateTexts, type Diagnostic } from '../../../src/validate/index.js';
import type { EngineOptions } from '../../../src/validate/engine.js';

/** Validate YAML/INI texts in memory; the file name's extension picks the format. */
export async function check(text: string, file = 'test.yaml', opts: EngineOptions = {}) {
  return validateTexts([{ file, text }], opts);
}

export async function diagnostics(
  text: string,
  file = 'test.yaml',
  opts: EngineOptions = {},
): Promise<Diagnostic[]> {
  return (await check(text, file, opts)).diagnostics;
}

export function rules(diags: readonly Diagnostic[]): string[] {
  return [...new Set(diags.map((d) => d.rule))].sort();
}

export function only(diags: readonly Diagnostic[], rule: string): Diagnostic[] {
  return diags.filter((d) => d.rule === rule);
}

/** A ChatService that validates clean; `extra` is appended under spec (indented two spaces). */
export function chatService(
  opts: {
    name?: string;
    namespace?: string;
    gms?: string;
    chatServer?: string;
    extra?: string;
  } = {},
): string {
  return [
    'apiVersion: gms.chatops.io/v1alpha1',
    'kind: ChatService',
    'metadata:',
    `  name: ${opts.name ?? 'support'}`,
    `  namespace: ${opts.namespace ?? 'contact-center'}`,
    'spec:',
    '  gms:',
    `    version: "${opts.gms ?? '8.5.219.03'}"`,
    '  chatServer:',
    `    version: "${opts.chatServer ?? '8.5.108.02'}"`,
    '    endpoints:',
    '      - { name: cs-1, host: chat-1.contact-center.svc, port: 4125 }',
    '  chat:',
    '    enable_notification_mode: true',
    ...(opts.extra ? [opts.extra.replace(/\n$/, '')] : []),
    '',
  ].join('\n');
}

export function pushProvider(name: string, body: string, namespace = 'contact-center'): string {
  return [
    'apiVersion: gms.chatops.io/v1alpha1',
    'kind: PushProvider',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    body.replace(/\n$/, ''),
    '',
  ].join('\n');
}

export function secret(
  name: string,
  data: Record<string, string>,
  namespace = 'contact-center',
): string {
  return [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'stringData:',
    ...Object.entries(data).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
    '',
  ].join('\n');
}

export const FCM_PROVIDER =
  '  type: fcm\n  fcm:\n    apiKeySecretRef: { name: fcm, key: apiKey }\n';

export function docs(...parts: string[]): string {
  return parts.join('---\n');
}
