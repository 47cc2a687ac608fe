/**
 * The public sources the catalog cites, by the ids of domain/gms.md §0. Every option, feature
 * gate and event names one of these, so `gmsctl explain` and docs/options.md link to the page a
 * fact comes from.
 */
export const SOURCES = {
  /** The seed: GMS "Chat API Version 2 via CometD" (../shared/seed/000_411d61439f2dc86d.txt). */
  S1: 'https://docs.genesys.com/Documentation/GMS/latest/API/ChatAPIv2CometD',
  S2: 'https://docs.genesys.com/Documentation/GMS/8.5.2/API/PushNotificationService',
  S3: 'https://enu.docs.genesys.com/index.php?direction=prev&oldid=860223&title=Documentation%3AESChat%3AAdminSup%3AESCSupPush%3ARestricted',
  S4: 'https://docs.genesys.com/Documentation/GMS/8.5.2/Deployment/ConfiguringChatSupport',
  S5: 'https://docs.genesys.com/Documentation/Options/latest/GMS/GMSServices-no_category',
  S6: 'https://docs.genesys.com/Documentation/ESChat/latest/Admin/FileTransfer',
  S7: 'https://docs.genesys.com/Documentation/ESChat/latest/Admin/DeployHA',
  S14: 'https://docs.genesys.com/Documentation/ESChat/latest/Admin/ACHATPUSH',
  S23: 'https://docs.genesys.com/Documentation/GMS/8.5.0/Deployment/ConfigurationOptions',
  S24: 'https://docs.genesys.com/Documentation/GMS/8.5.2/API/ChatAPIVersion1',
  /** Options the project defines itself (conventions); documented in docs/options.md. */
  PROJECT: 'docs/options.md#project-conventions',
} as const;

export type SourceId = keyof typeof SOURCES;
