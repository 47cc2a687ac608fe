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
  checkFeature,
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

/**
 * What a pair of versions (spec.gms.version, spec.chatServer.version) decides, worked out once
 * per pair: thousands of ChatServices share a handful of versions.
 */
interface VersionVerdict {
  cometd: FeatureGateProblem[];
  /** The FCM gate, when GMS is too old for it (undefined without a GMS version). */
  fcmGate: FeatureGateProblem | undefined;
  websocketGate: FeatureGateProblem | undefined;
  cometRequired: boolean;
  /** Gates of each pushEnabled member, by member. */
  memberGates: Map<string, ReturnType<typeof checkOptionVersion>>;
}

const verdictsByGms = new Map<string, Map<string, VersionVerdict>>();
let verdictCount = 0;

function versionVerdict(gms: string | undefined, chatServer: string | undefined): VersionVerdict {
  let byChatServer = verdictsByGms.get(gms ?? '');
  let verdict = byChatServer?.get(chatServer ?? '');
  if (verdict) return verdict;
  verdict = {
    cometd: checkFeature('cometd', { gms, chatServer }),
    fcmGate: gms ? checkFeature('fcm', { gms })[0] : undefined,
    websocketGate: gms ? checkFeature('websocket', { gms })[0] : undefined,
    cometRequired: gms ? isAtLeast(gms, COMET_REQUIRED_FROM) : false,
    memberGates: new Map(),
  };
  if (verdictCount < 10_000) {
    verdictCount++;
    if (!byChatServer) verdictsByGms.set(gms ?? '', (byChatServer = new Map()));
    byChatServer.set(chatServer ?? '', verdict);
  }
  return verdict;
}

function memberGates(
  verdict: VersionVerdict,
  option: Parameters<typeof checkOptionVersion>[0],
  member: string,
  gms: string,
): ReturnType<typeof checkOptionVersion> {
  let hit = verdict.memberGates.get(member);
  if (!hit) {
    hit = checkOptionVersion(option, member, gms);
    if (verdict.memberGates.size < 1_000) verdict.memberGates.set(member, hit);
  }
  return hit;
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
  const verdict = versionVerdict(gms, facts.chatServerVersion);

  for (const p of verdict.cometd) {
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
  const fcmGate = verdict.fcmGate;
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
      for (const g of memberGates(verdict, option, member, gms)) {
        if (g.subject === option.name) continue;
        emit({
          rule: 'version-gate',
          obj: cs,
          path: ['spec', 'push', 'enabled', i],
          message: `${g.subject} needs GMS ${g.required}+, but spec.gms.version is ${gms}`,
        });
      }
    }
    if (verdict.cometRequired && !enabled.includes('comet')) {
      emit({
        rule: 'push-enabled-comet',
        obj: cs,
        path: ['spec', 'push', 'enabled'],
        message: `spec.push.enabled (pushEnabled) should include comet: from GMS ${COMET_REQUIRED_FROM} the option requires the default value comet even when push notifications are not used${enabled.length === 0 ? ', and an empty pushEnabled disables the push service' : ''}`,
      });
    }
  }

  const ws = verdict.websocketGate;
  if (ws) {
    const mode = get(cs.data, EXPOSE_MODE);
    if (typeof mode === 'string' && mode !== 'none') {
      emit({
        rule: 'version-gate',
        severity: 'warning',
        obj: cs,
        path: ['spec', 'expose', 'mode'],
        message: `the CometD WebSocket transport needs GMS ${ws.required}+ (spec.gms.version is ${gms}); the ${mode} load balancer will pass WebSocket upgrades, but clients will fall back to long-polling`,
      });
    }
  }
  return fcmGate && !(enabled ?? []).includes('fcm') ? fcmGate : undefined;
}

/** FCM PushProviders of a ChatService whose GMS is too old for FCM (see checkChatServiceVersions). */
export function checkFcmProviders(
  cs: ObjectRef,
  facts: Pick<ChatServiceFacts, 'providers' | 'gmsVersion'>,
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
