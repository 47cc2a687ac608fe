/**
 * Deciding whether a chat event becomes a push and sending it (seed: "(Optional) Enable Push
 * Notifications for Mobile", "Push Notification Events"):
 * - only the seed's seven events, from a participant other than the customer;
 * - only with a push registration in the session's user data (push_notification_deviceid/type)
 *   whose type is enabled in [push] pushEnabled;
 * - texts from the provider section named by push_notification_provider, else [push];
 * - push_notification_to_active_client=false: nothing while the customer's CometD session is
 *   active on this node (8.5.219.03).
 */
import type { PushEventName } from '../../catalog/index.js';
import type { ChatEvent, ChatNotification, PushRegistration } from '../chat/model.js';
import { pushOption, type GatewaySettings } from '../config/settings.js';
import type { Logger } from '../util/log.js';
import {
  familyOf,
  SENDERS,
  type OutgoingPush,
  type PushEndpoints,
  type PushResult,
} from './senders.js';
import { isPushEvent, pushText } from './texts.js';

export type PushSkip =
  | 'not-a-push-event'
  | 'from-client'
  | 'no-registration'
  | 'unsupported-type'
  | 'type-not-enabled'
  | 'unknown-provider'
  | 'active-client';

export interface PushDecision {
  push?: OutgoingPush;
  skip?: PushSkip;
  provider?: string;
}

/** Pure: what, if anything, to push for this event. */
export function decidePush(
  settings: GatewaySettings,
  service: string,
  event: ChatEvent,
  registration: PushRegistration | undefined,
  clientActive: boolean,
  notification: ChatNotification,
): PushDecision {
  if (!isPushEvent(event.type)) return { skip: 'not-a-push-event' };
  if (event.from.type === 'Client') return { skip: 'from-client' };
  if (!registration) return { skip: 'no-registration' };
  const fam = familyOf(registration.type);
  if (!fam) return { skip: 'unsupported-type' };
  if (!settings.pushEnabled.has(fam.enabledAs)) return { skip: 'type-not-enabled' };
  const provider = registration.provider;
  if (provider && !settings.providers.has(provider)) return { skip: 'unknown-provider', provider };
  const svc = settings.services.get(service);
  if (svc && !svc.pushToActiveClient && clientActive) return { skip: 'active-client' };
  const lookup = (key: string): string | undefined => pushOption(settings, provider, key);
  const text = pushText(fam.family, event as ChatEvent & { type: PushEventName }, lookup);
  const push: OutgoingPush = {
    family: fam.family,
    deviceId: registration.deviceId,
    debug: registration.debug,
    title: text.title,
    body: text.body,
    data: {
      chatId: notification.chatId ?? '',
      service,
      event: event.type,
      index: String(event.index),
    },
  };
  if (fam.family === 'customhttp' && svc?.includePayload) push.payload = notification;
  const d: PushDecision = { push };
  if (provider) d.provider = provider;
  return d;
}

export interface PushStats {
  sent(family: string, ok: boolean): void;
  skipped(reason: PushSkip): void;
}

export class PushDispatcher {
  constructor(
    private readonly endpoints: PushEndpoints,
    private readonly log: Logger,
    private readonly stats: PushStats,
  ) {}

  dispatch(settings: GatewaySettings, decision: PushDecision): Promise<PushResult> | undefined {
    const p = decision.push;
    if (!p) {
      if (decision.skip) this.stats.skipped(decision.skip);
      if (decision.skip === 'unknown-provider')
        this.log.warn(
          { provider: decision.provider },
          'push skipped: push_notification_provider names no [push.provider.<name>] section',
        );
      return undefined;
    }
    const cfg = { option: (key: string) => pushOption(settings, decision.provider, key) };
    return SENDERS[p.family](p, cfg, this.endpoints).then(
      (r) => {
        this.stats.sent(p.family, r.ok);
        if (!r.ok)
          this.log.warn(
            { family: p.family, provider: decision.provider, error: r.error },
            'push notification failed',
          );
        else this.log.debug({ family: p.family, event: p.data.event }, 'push notification sent');
        return r;
      },
      (e: unknown) => {
        this.stats.sent(p.family, false);
        this.log.warn({ family: p.family, err: (e as Error).message }, 'push notification failed');
        return { ok: false, error: (e as Error).message };
      },
    );
  }
}
