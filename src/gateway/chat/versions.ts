/**
 * GMS / Chat Server version gates of the Chat API V2 over CometD (seed: "Versions" and
 * "Prerequisites for the CometD API"; domain/gms.md "Seed first").
 */

/** Compare dotted numeric versions ("8.5.201.04" vs "8.5.2"): negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function atLeast(version: string, minimum: string): boolean {
  return compareVersions(version, minimum) >= 0;
}

export const VERSION_PATTERN = /^\d+(\.\d+){1,3}$/;

/** Minimum versions the gateway enforces. */
export const GATES = {
  /** GMS 8.5.109.05+: the CometD API itself. */
  cometdApi: '8.5.109.05',
  /** GMS 8.5.201.04: readReceipt over CometD. */
  readReceipt: '8.5.201.04',
  /** GMS 8.5.112: file management on /genesys/2/chat-ntf; chatId/userId/alias deprecated. */
  fileManagement: '8.5.112',
  /** GMS 8.5.114: push_notification_* user data (FCM, APNs). */
  pushUserData: '8.5.114',
  /** GMS 8.5.219.03: push_notification_to_active_client. */
  pushToActiveClient: '8.5.219.03',
  /** Chat Server 8.5.108+: needed by the CometD API. */
  chatServer: '8.5.108',
} as const;

/** The GMS version the gateway behaves as unless told otherwise (newest the seed documents). */
export const DEFAULT_GMS_VERSION = '8.5.219.03';
