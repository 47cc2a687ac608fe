/**
 * Version rules of a ChatService (seed: "Versions" table and "Prerequisites for the CometD
 * API"; domain/gms.md §1.3):
 * - chat-server-version: the CometD API needs GMS 8.5.109.05+ and Chat Server 8.5.108+;
 * - version-gate: features the ChatService uses by its shape: FCM (8.5.114; pushEnabled=fcm
 *   8.5.112.05) through spec.push.enabled or an fcm PushProvider, WebSocket (8.5.110) through
 *   any load-balancer expose mode (a warning: CometD clients fall back to long-polling), and
 *   per-value gates of pushEnabled. Option gates are checked with the options.
 * - push-enabled-comet: from 8.5.103.10 pushEnabled "requires the default value (comet)";
 *   the source sentence is cut off and its own customhttp sample omits comet, so a warning.
 */
import {
  checkFeature as checkFeatureUncached,
  checkOptionVersion,
  findOption,
  isAtLeast,
  type FeatureGateProblem,
} from '../../catalog/index.js';
import type { Emit, ManifestObject, ObjectRef } from '../model.js';
import { get } from '../model.js';
import { findProviderFor, type ChatServiceFacts, type ProviderIndex } from './shared.js';

const COMET_REQUIRED_FROM = '8.5.103.10';
const EXPOSE_MODE = ['spec', 'expose', 'mode'] as const;

/** Feature gates by (feature, versions): thousands of ChatServices share a handful of versions. */
const featureCache = new Map<string, FeatureGateProblem[]>();
function checkFeature(
  id: string,
  versions: { gms?: string; chatServer?: string },
): FeatureGateProblem[] {
  const key = `${id}\0${versions.gms ?? ''}\0${versions.chatServer ?? ''}`;
  let hit = featureCache.get(key);
  if (!hit) {
    hit = checkFeatureUncached(id, versions);
    if (featureCache.size < 10_000) featureCache.set(key, hit);
  }
  return hit;
}

const memberGateCache = new Map<string, ReturnType<typeof checkOptionVersion>>();
function memberGates(
  option: Parameters<typeof checkOptionVersion>[0],
  member: string,
  gms: string,
): ReturnType<typeof checkOptionVersion> {
  const key = `${option.name}\0${member}\0${gms}`;
  let hit = memberGateCache.get(key);
  if (!hit) {
    hit = checkOptionVersion(option, member, gms);
    if (memberGateCache.size < 10_000) memberGateCache.set(key, hit);
  }
  return hit;
}

/** isAtLeast(gms, COMET_REQUIRED_FROM) by GMS version (a handful of versions, many services). */
const cometMemo = new Map<string, boolean>();
function cometRequired(gms: string): boolean {
  let r = cometMemo.get(gms);
  if (r === undefined) {
    r = isAtLeast(gms, COMET_REQUIRED_FROM);
    if (cometMemo.size < 10_000) cometMemo.set(gms, r);
  }
  return r;
}

/** The catalog's pushEnabled, looked up on first use. */
let pushEnabledOption: ReturnType<typeof findOption> | null = null;

/**
 * A ChatService's versions against what it uses. Returns the FCM gate when its FCM
 * PushProviders must still be checked (checkFcmProviders, once every input is read: the
 * providers may come later), else undefined.
 */
export function checkChatServiceVersions(
  cs: ManifestObject,
  facts: ChatServiceFacts,
  emit: Emit,
): FeatureGateProblem | undefined {
  const gms = facts.gmsVersion;
  const chatServer = facts.chatServerVersion;

  for (const p of checkFeature('cometd', { gms, chatServer })) {
    emit({
      rule: 'chat-server-version',
      obj: cs,
      path: p.component === 'gms' ? ['spec', 'gms', 'version'] : ['spec', 'chatServer', 'version'],
      message: `the Chat V2 CometD API needs ${p.component === 'gms' ? 'GMS' : 'Chat Server'} ${p.required}+, but ${p.component === 'gms' ? 'spec.gms.version' : 'spec.chatServer.version'} is ${p.actual}`,
    });
  }
  if (!gms) return undefined;

  if (pushEnabledOption === null) pushEnabledOption = findOption('push', 'pushEnabled');
  const option = pushEnabledOption;
  const enabled = facts.enabled;
  const fcmGate = checkFeature('fcm', { gms })[0];
  if (enabled) {
    for (let i = 0; i < enabled.length; i++) {
      const member = enabled[i]!;
      if (member === 'fcm' && fcmGate) {
        emit({
          rule: 'version-gate',
          obj: cs,
          path: ['spec', 'push', 'enabled', i],
          message: `FCM push notifications for Chat V2 over CometD need GMS ${fcmGate.required}+, but spec.gms.version is ${gms}`,
        });
        continue;
      }
      if (!option) continue;
      for (const g of memberGates(option, member, gms)) {
        if (g.subject === option.name) continue;
        emit({
          rule: 'version-gate',
          obj: cs,
          path: ['spec', 'push', 'enabled', i],
          message: `${g.subject} needs GMS ${g.required}+, but spec.gms.version is ${gms}`,
        });
      }
    }
    if (cometRequired(gms) && !enabled.includes('comet')) {
      emit({
        rule: 'push-enabled-comet',
        obj: cs,
        path: ['spec', 'push', 'enabled'],
        message: `spec.push.enabled (pushEnabled) should include comet: from GMS ${COMET_REQUIRED_FROM} the option requires the default value comet even when push notifications are not used${enabled.length === 0 ? ', and an empty pushEnabled disables the push service' : ''}`,
      });
    }
  }

  const mode = get(cs.data, EXPOSE_MODE);
  const ws = checkFeature('websocket', { gms })[0];
  if (ws && typeof mode === 'string' && mode !== 'none') {
    emit({
      rule: 'version-gate',
      severity: 'warning',
      obj: cs,
      path: ['spec', 'expose', 'mode'],
      message: `the CometD WebSocket transport needs GMS ${ws.required}+ (spec.gms.version is ${gms}); the ${mode} load balancer will pass WebSocket upgrades, but clients will fall back to long-polling`,
    });
  }
  return fcmGate && !(enabled ?? []).includes('fcm') ? fcmGate : undefined;
}

/** FCM PushProviders of a ChatService whose GMS is too old for FCM (see checkChatServiceVersions). */
export function checkFcmProviders(
  cs: ObjectRef,
  facts: ChatServiceFacts,
  fcmGate: FeatureGateProblem,
  providers: ProviderIndex,
  emit: Emit,
): void {
  facts.providers.forEach((name, i) => {
    const pp = findProviderFor(providers, cs, name);
    if (pp && pp.type === 'fcm') {
      emit({
        rule: 'version-gate',
        obj: cs,
        path: ['spec', 'push', 'providers', i],
        message: `PushProvider ${name} is an FCM provider; FCM push notifications need GMS ${fcmGate.required}+, but spec.gms.version is ${facts.gmsVersion}`,
      });
    }
  });
}
