/**
 * The three files of the container contract (DESIGN.md, "Container contract") as objects:
 *
 *   /etc/gms/static.ini   restart-required + unknown options  ConfigMap <name>-static-<hash>, immutable
 *   /etc/gms/dynamic.ini  options that take effect at once    ConfigMap <name>-dynamic, changed in place
 *   /etc/gms/secrets.ini  credentials (+ keystore files)      Secret <name>-secrets-<hash>, immutable
 *
 * Credentials are read at start like static options (every credential option in the catalog
 * takes effect after restart), so their Secret is hash-named and immutable too: a rotated FCM
 * key reaches a node only through a rollout, never by a kubelet volume refresh behind the
 * roll's back. Immutable ConfigMaps/Secrets also spare the kubelet from watching them.
 */
import type { ChatService } from '../api/types.js';
import type { RenderedConfig, SecretFile } from '../config/index.js';
import { serializeIni } from '../config/index.js';
import { createHash } from 'node:crypto';
import { ANNOTATION_CONTENT_HASH, LABEL_CONFIG_ROLE, names, objectMeta } from './meta.js';
import type { ManifestObject } from './types.js';

/** A Secret as the API returns it (data base64-encoded). */
export interface SourceSecret {
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
}

export const FILE_STATIC = 'static.ini';
export const FILE_DYNAMIC = 'dynamic.ini';
export const FILE_SECRETS = 'secrets.ini';

const HEADER = (what: string, cs: ChatService) =>
  `Rendered by gms-operator from ChatService ${cs.metadata.namespace ?? 'default'}/${cs.metadata.name}: ${what}. Do not edit.`;

function sha256(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

export interface RenderedFilesText {
  static: string;
  dynamic: string;
  secrets: string;
}

export function iniTexts(cs: ChatService, rendered: RenderedConfig): RenderedFilesText {
  return {
    static: serializeIni(rendered.static, {
      header: HEADER('restart-required options (static.ini)', cs),
    }),
    dynamic: serializeIni(rendered.dynamic, {
      header: HEADER('dynamic options (dynamic.ini)', cs),
    }),
    secrets: serializeIni(rendered.secrets, { header: HEADER('credentials (secrets.ini)', cs) }),
  };
}

/** Key of a mounted secret file inside the credentials Secret (keys cannot hold "/"). */
export function secretFileKey(f: SecretFile): string {
  return `${f.provider}.${f.path.split('/').pop()}`;
}

/** Relative path of a secret file under /etc/gms (e.g. secrets/apnsprod/apple.keystore). */
export function secretFileMountPath(f: SecretFile): string {
  return f.path.replace(/^\/etc\/gms\//, '');
}

export interface ConfigObjects {
  staticConfigMap: ManifestObject;
  dynamicConfigMap: ManifestObject;
  credentialsSecret: ManifestObject | undefined;
  /** Short hash naming the static ConfigMap. */
  staticHash: string;
  /** Short hash naming the credentials Secret ('' without credentials). */
  credentialsHash: string;
  /** Hash of everything restart-required (static.ini + credentials): the pod template annotation. */
  restartHash: string;
  dynamicHash: string;
  /** secret files missing from their source Secret (the validator normally catches these). */
  missingFiles: SecretFile[];
}

export function configObjects(
  cs: ChatService,
  rendered: RenderedConfig,
  sourceSecrets: readonly SourceSecret[],
): ConfigObjects {
  const text = iniTexts(cs, rendered);
  // Hash the option content, not the header (which names the object and would change hashes
  // on a rename of nothing that matters to GMS).
  const staticFull = sha256([serializeIni(rendered.static)]);
  const dynamicFull = sha256([serializeIni(rendered.dynamic)]);
  const staticHash = staticFull.slice(0, 10);

  const files: Record<string, string> = {};
  const missingFiles: SecretFile[] = [];
  for (const f of rendered.secretFiles) {
    const src = sourceSecrets.find((s) => s.metadata.name === f.secretName);
    const b64 = src?.data?.[f.key];
    // Copied as base64 bytes: a keystore is binary and must not pass through a string decode.
    if (b64 === undefined) missingFiles.push(f);
    else files[secretFileKey(f)] = b64;
  }
  const hasCredentials = rendered.secrets.size > 0 || Object.keys(files).length > 0;
  const fileParts = Object.keys(files)
    .sort()
    .flatMap((k) => [k, files[k]!]);
  const credentialsFull = hasCredentials
    ? sha256([serializeIni(rendered.secrets), ...fileParts])
    : '';
  const credentialsHash = credentialsFull.slice(0, 10);
  const restartHash = sha256([staticFull, credentialsFull]).slice(0, 16);

  const staticConfigMap: ManifestObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(cs, names.staticConfigMap(cs, staticHash), 'config', {
      labels: { [LABEL_CONFIG_ROLE]: 'static' },
      annotations: { [ANNOTATION_CONTENT_HASH]: staticFull },
    }),
    immutable: true,
    data: { [FILE_STATIC]: text.static },
  };
  const dynamicConfigMap: ManifestObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(cs, names.dynamicConfigMap(cs), 'config', {
      labels: { [LABEL_CONFIG_ROLE]: 'dynamic' },
      annotations: { [ANNOTATION_CONTENT_HASH]: dynamicFull },
    }),
    data: { [FILE_DYNAMIC]: text.dynamic },
  };
  const credentialsSecret: ManifestObject | undefined = hasCredentials
    ? {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: objectMeta(cs, names.credentialsSecret(cs, credentialsHash), 'config', {
          labels: { [LABEL_CONFIG_ROLE]: 'credentials' },
          annotations: { [ANNOTATION_CONTENT_HASH]: credentialsFull },
        }),
        type: 'Opaque',
        immutable: true,
        data: { [FILE_SECRETS]: Buffer.from(text.secrets, 'utf8').toString('base64'), ...files },
      }
    : undefined;
  return {
    staticConfigMap,
    dynamicConfigMap,
    credentialsSecret,
    staticHash,
    credentialsHash,
    restartHash,
    dynamicHash: dynamicFull.slice(0, 16),
    missingFiles,
  };
}
