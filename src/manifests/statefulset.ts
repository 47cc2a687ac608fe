/**
 * The GMS nodes: a StatefulSet (stable node names <name>-0, <name>-1, ... and stable DNS via
 * the headless Service) with updateStrategy OnDelete, so no pod restarts because its template
 * changed: the operator's rollout decides when each node restarts (DESIGN.md, "Rollout";
 * domain/operator-patterns.md §0.4: a plain rolling update cannot detach -> restart -> reattach).
 *
 * Config is mounted read-only at /etc/gms by one projected volume (container contract):
 * static.ini from the hash-named ConfigMap, dynamic.ini from the mutable one (projected
 * ConfigMap keys are refreshed by the kubelet; subPath mounts would never be), secrets.ini and
 * keystore files from the hash-named Secret.
 *
 * Readiness is the node's own status API answering ONLINE (domain/gms.md §5: "readiness =
 * ONLINE"). An httpGet probe would not do: the API answers 200 with the body OFFLINE, so a
 * node the rollout detached would stay in the Service endpoints and keep receiving new chats.
 * Liveness is a TCP check, so a node that is OFFLINE on purpose is never killed.
 *
 * Exception: the project's own GMS-compatible gateway (`gmsctl gateway`, docs/gateway.md), run
 * from an image whose repository is named `gms-gateway`, answers `GET /readyz` with 503 while it
 * is OFFLINE or has no Chat Server attached, so it gets an httpGet probe: no shell, curl or wget
 * needed in the image (the Node base image has neither).
 */
import type { ChatService } from '../api/types.js';
import { NODE_STATUS_PATH } from '../lb/index.js';
import { gmsPort } from '../lb/backends.js';
import type { ConfigObjects } from './config.js';
import {
  FILE_DYNAMIC,
  FILE_SECRETS,
  FILE_STATIC,
  secretFileKey,
  secretFileMountPath,
} from './config.js';
import type { SecretFile } from '../config/index.js';
import { ANNOTATION_STATIC_HASH, commonLabels, names, objectMeta, selectorLabels } from './meta.js';
import type { ManifestObject } from './types.js';

export const GMS_CONTAINER = 'gms';
export const CONFIG_MOUNT = '/etc/gms';
export const CONFIG_VOLUME = 'gms-config';

export interface StatefulSetOptions {
  /** Replicas to apply (the rollout's Offline strategy overrides spec.gms.replicas). */
  replicas: number;
  /** Image when spec.gms.image is empty: <defaultImageRepository>:<spec.gms.version>. */
  defaultImageRepository: string;
}

export const DEFAULT_IMAGE_REPOSITORY = 'gms';

/** Repository name of the project's gateway image (e.g. registry.example.com/gms-gateway:0.1.0). */
export const GATEWAY_IMAGE_NAME = 'gms-gateway';

/** Whether `image` is the project's gateway: its repository's last path segment is gms-gateway. */
export function isProjectGatewayImage(image: string): boolean {
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSegment = withoutDigest.split('/').pop() ?? '';
  return lastSegment.replace(/:[^:]*$/, '') === GATEWAY_IMAGE_NAME;
}

/** The shell readiness check: the node status API must say ONLINE. */
export function readinessCommand(port: number, withAuth: boolean): string[] {
  const url = `http://127.0.0.1:${port}${NODE_STATUS_PATH}`;
  const auth = withAuth ? '-u "$GMS_NODE_API_USERNAME:$GMS_NODE_API_PASSWORD" ' : '';
  const wgetAuth = withAuth
    ? '--user="$GMS_NODE_API_USERNAME" --password="$GMS_NODE_API_PASSWORD" '
    : '';
  // curl or wget, whichever the image has; the body must be exactly ONLINE (whitespace aside).
  const script =
    `s=$(curl -fsS -m 4 ${auth}${url} 2>/dev/null || wget -q -T 4 -O - ${wgetAuth}${url} 2>/dev/null); ` +
    `[ "$(printf %s "$s" | tr -d '[:space:]')" = ONLINE ]`;
  return ['/bin/sh', '-c', script];
}

export function statefulSet(
  cs: ChatService,
  cfg: ConfigObjects,
  secretFiles: readonly SecretFile[],
  opts: StatefulSetOptions,
): ManifestObject {
  const port = gmsPort(cs);
  const image = cs.spec.gms.image || `${opts.defaultImageRepository}:${cs.spec.gms.version}`;
  const nodeAuth = cs.spec.nodeApi?.basicAuth?.secretRef;
  const sources: Record<string, unknown>[] = [
    {
      configMap: {
        name: cfg.staticConfigMap.metadata.name,
        items: [{ key: FILE_STATIC, path: FILE_STATIC }],
      },
    },
    {
      configMap: {
        name: cfg.dynamicConfigMap.metadata.name,
        items: [{ key: FILE_DYNAMIC, path: FILE_DYNAMIC }],
      },
    },
  ];
  if (cfg.credentialsSecret) {
    const items = [{ key: FILE_SECRETS, path: FILE_SECRETS }];
    for (const f of secretFiles) {
      if (
        cfg.credentialsSecret &&
        (cfg.credentialsSecret.data as Record<string, string>)[secretFileKey(f)] !== undefined
      ) {
        items.push({ key: secretFileKey(f), path: secretFileMountPath(f) });
      }
    }
    sources.push({ secret: { name: cfg.credentialsSecret.metadata.name, items } });
  }
  const env: Record<string, unknown>[] = [
    { name: 'GMS_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'GMS_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'GMS_CONFIG_DIR', value: CONFIG_MOUNT },
    { name: 'GMS_HTTP_PORT', value: String(port) },
  ];
  if (nodeAuth) {
    env.push(
      {
        name: 'GMS_NODE_API_USERNAME',
        valueFrom: {
          secretKeyRef: { name: nodeAuth.name, key: nodeAuth.usernameKey ?? 'username' },
        },
      },
      {
        name: 'GMS_NODE_API_PASSWORD',
        valueFrom: {
          secretKeyRef: { name: nodeAuth.name, key: nodeAuth.passwordKey ?? 'password' },
        },
      },
    );
  }
  const container: Record<string, unknown> = {
    name: GMS_CONTAINER,
    image,
    ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
    env,
    volumeMounts: [{ name: CONFIG_VOLUME, mountPath: CONFIG_MOUNT, readOnly: true }],
    readinessProbe: {
      ...(isProjectGatewayImage(image)
        ? { httpGet: { path: '/readyz', port: 'http' } }
        : { exec: { command: readinessCommand(port, nodeAuth !== undefined) } }),
      initialDelaySeconds: 5,
      periodSeconds: 5,
      timeoutSeconds: 5,
      failureThreshold: 2,
      successThreshold: 1,
    },
    livenessProbe: {
      tcpSocket: { port: 'http' },
      initialDelaySeconds: 60,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 6,
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
  if (cs.spec.gms.resources) container.resources = cs.spec.gms.resources;
  const selector = selectorLabels(cs);
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: objectMeta(cs, names.statefulSet(cs), 'gateway'),
    spec: {
      serviceName: names.headlessService(cs),
      replicas: opts.replicas,
      // Nodes start and stop independently (GMS nodes form a cluster; none waits for another),
      // and the Offline strategy's scale to zero and back is not serialized pod by pod.
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'OnDelete' },
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: { ...commonLabels(cs, 'gateway'), ...selector },
          annotations: { [ANNOTATION_STATIC_HASH]: cfg.restartHash },
        },
        spec: {
          // Long polls are held up to the CometD timeout (30 s); give them time to end.
          terminationGracePeriodSeconds: 60,
          enableServiceLinks: false,
          containers: [container],
          volumes: [{ name: CONFIG_VOLUME, projected: { defaultMode: 0o440, sources } }],
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
            },
          ],
        },
      },
    },
  };
}
