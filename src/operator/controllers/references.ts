/**
 * What a ChatService refers to, for the informer indexes that requeue it when a PushProvider
 * or a Secret it uses changes (the issue: "Changes to a PushProvider or a referenced Secret
 * requeue every ChatService that uses it").
 */
import type { ChatService, PushProvider } from '../../api/types.js';

export const INDEX_PROVIDER = 'byPushProvider';
export const INDEX_SECRET = 'bySecret';

const uniq = (xs: (string | undefined)[]): string[] => [
  ...new Set(xs.filter((x): x is string => typeof x === 'string' && x !== '')),
];

export function providerNames(cs: ChatService): string[] {
  const push = cs.spec?.push;
  return uniq([push?.defaultProvider, ...(Array.isArray(push?.providers) ? push!.providers : [])]);
}

/** Secrets the ChatService references itself (not through its PushProviders). */
export function chatServiceSecretNames(cs: ChatService): string[] {
  return uniq([
    cs.spec?.auth?.basic?.secretRef?.name,
    cs.spec?.nodeApi?.basicAuth?.secretRef?.name,
  ]);
}

/** The TLS Secret of the load balancer the operator runs: a renewed certificate rolls its pods. */
export function loadBalancerSecretNames(cs: ChatService): string[] {
  const mode = cs.spec?.expose?.mode;
  if (mode !== 'nginx' && mode !== 'haproxy' && mode !== 'apache') return [];
  return uniq([cs.spec?.expose?.tls?.secretName]);
}

export function providerSecretNames(p: PushProvider): string[] {
  const s = p.spec ?? ({} as PushProvider['spec']);
  return uniq([
    s.fcm?.apiKeySecretRef?.name,
    s.fcm?.debugApiKeySecretRef?.name,
    s.apple?.keystoreSecretRef?.name,
    s.apple?.keystorePasswordSecretRef?.name,
  ]);
}

export const nsKey = (namespace: string | undefined, name: string): string =>
  `${namespace ?? ''}/${name}`;

export function indexByProvider(cs: ChatService): string[] {
  return providerNames(cs).map((n) => nsKey(cs.metadata.namespace, n));
}

export function indexBySecret(obj: ChatService | PushProvider): string[] {
  const names =
    obj.kind === 'PushProvider'
      ? providerSecretNames(obj as PushProvider)
      : uniq([
          ...chatServiceSecretNames(obj as ChatService),
          ...loadBalancerSecretNames(obj as ChatService),
        ]);
  return names.map((n) => nsKey(obj.metadata.namespace, n));
}
