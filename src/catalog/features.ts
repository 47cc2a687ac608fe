/**
 * Version-gated features, from the seed's "Versions" table and "Prerequisites for the CometD
 * API" (S1). Option-level gates live on the options themselves (`introduced`,
 * `valueIntroduced`); these are the features a ChatService uses by its shape.
 */
import { SOURCES } from './sources.js';
import type { FeatureGate } from './types.js';
import { isAtLeast } from './versions.js';

export const FEATURE_GATES: readonly FeatureGate[] = [
  {
    id: 'cometd',
    description: 'Chat API Version 2 over CometD (enable_notification_mode=true)',
    gms: '8.5.109.05',
    chatServer: '8.5.108',
    source: SOURCES.S1,
  },
  {
    id: 'websocket',
    description: 'CometD WebSocket transport',
    gms: '8.5.110',
    note: 'Secure WebSocket needs GMS deployed with an SSL certificate.',
    source: SOURCES.S1,
  },
  {
    id: 'fcm',
    description: 'Firebase Cloud Messaging push notifications for Chat V2 over CometD',
    gms: '8.5.114',
    note: 'pushEnabled=fcm itself is accepted from 8.5.112.05.',
    source: SOURCES.S1,
  },
  {
    id: 'file-management',
    description:
      'Chat session file management (POST /genesys/2/chat-ntf: fileGetLimits, fileUpload, fileDownload, fileDelete)',
    gms: '8.5.112',
    source: SOURCES.S1,
  },
  {
    id: 'read-receipts',
    description: 'Read receipts (readReceipt operation) over CometD',
    gms: '8.5.201',
    source: SOURCES.S1,
  },
  {
    id: 'push-to-active-client',
    description:
      'push_notification_to_active_client: stop mobile and HTTP pushes while a CometD connection is established',
    gms: '8.5.219.03',
    source: SOURCES.S1,
  },
];

export function featureGate(id: string): FeatureGate | undefined {
  return FEATURE_GATES.find((f) => f.id === id);
}

export interface FeatureGateProblem {
  feature: FeatureGate;
  component: 'gms' | 'chatServer';
  required: string;
  actual: string;
  message: string;
}

/**
 * Which minimums of a feature the given versions miss. Versions left undefined are not
 * checked (e.g. an INI file validated without --gms-version). Throws VersionError on a
 * malformed version: callers validate versions first.
 */
export function checkFeature(
  id: string,
  versions: { gms?: string; chatServer?: string },
): FeatureGateProblem[] {
  const feature = featureGate(id);
  if (!feature) throw new Error(`unknown feature gate "${id}"`);
  const problems: FeatureGateProblem[] = [];
  for (const component of ['gms', 'chatServer'] as const) {
    const required = feature[component];
    const actual = versions[component];
    if (required && actual && !isAtLeast(actual, required)) {
      const who = component === 'gms' ? 'GMS' : 'Chat Server';
      problems.push({
        feature,
        component,
        required,
        actual,
        message: `${feature.description} needs ${who} ${required}+, but the version is ${actual}`,
      });
    }
  }
  return problems;
}
