/**
 * provider-name: a PushProvider's name becomes the `[push.provider.<name>]` section and the
 * `push_notification_provider` user data clients send. The seed: "Genesys recommends to use
 * short strings that include short words and exclude any special symbols or punctuation";
 * the catalog's PROVIDER_NAME_PATTERN (letters and digits, at most 32) makes that a rule.
 * Kubernetes names may hold `-` and `.`, so a valid PushProvider can still fail here.
 */
import { PROVIDER_NAME_MAX, PROVIDER_NAME_PATTERN, printable } from './deps.js';
import type { Emit, ManifestObject } from '../model.js';
import type { Path } from '../yaml/path.js';
import { get } from '../model.js';

const PROVIDER_NAME_RE = new RegExp(PROVIDER_NAME_PATTERN);

export function providerNameProblem(name: string): string | undefined {
  if (PROVIDER_NAME_RE.test(name)) return undefined;
  const why =
    name.length > PROVIDER_NAME_MAX
      ? `is longer than ${PROVIDER_NAME_MAX} characters`
      : 'may contain only letters and digits';
  return `"${printable(name)}" cannot be used as [push.provider.<name>]: a push provider name ${why} (the name clients send as push_notification_provider)`;
}

/** metadata.name of a PushProvider. */
export function checkPushProviderName(pp: ManifestObject, emit: Emit): void {
  if (pp.name === '') return; // the schema reports a missing name
  const problem = providerNameProblem(pp.name);
  if (problem)
    emit({
      rule: 'provider-name',
      obj: pp,
      path: ['metadata', 'name'],
      message: `PushProvider ${problem}`,
    });
}

const PROVIDERS: Path = ['spec', 'push', 'providers'];
const DEFAULT_PROVIDER: Path = ['spec', 'push', 'defaultProvider'];

/** The provider names a ChatService uses (spec.push.providers and defaultProvider). */
export function checkChatServiceProviderNames(cs: ManifestObject, emit: Emit): void {
  const list = get(cs.data, PROVIDERS);
  if (Array.isArray(list)) {
    for (let i = 0; i < list.length; i++) {
      const name: unknown = list[i];
      if (typeof name !== 'string') continue;
      const problem = providerNameProblem(name);
      if (problem)
        emit({
          rule: 'provider-name',
          obj: cs,
          path: ['spec', 'push', 'providers', i],
          message: `spec.push.providers: ${problem}`,
        });
    }
  }
  const d = get(cs.data, DEFAULT_PROVIDER);
  if (typeof d === 'string' && !(Array.isArray(list) && list.includes(d))) {
    const problem = providerNameProblem(d);
    if (problem)
      emit({
        rule: 'provider-name',
        obj: cs,
        path: ['spec', 'push', 'defaultProvider'],
        message: `spec.push.defaultProvider: ${problem}`,
      });
  }
}
