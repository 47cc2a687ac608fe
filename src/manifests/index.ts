/**
 * The manifests box of DESIGN.md: what a ChatService becomes, as pure functions of the inputs
 * (no I/O, no clock). The operator server-side-applies the result; `gmsctl render` can print it.
 */
import type { ChatService, PushProvider } from '../api/types.js';
import { channelOf, serviceNameOf } from '../api/types.js';
import type { RenderedConfig } from '../config/index.js';
import { gmsNamespace, gmsPort } from '../lb/backends.js';
import type { ConfigObjects, SourceSecret } from './config.js';
import { configObjects } from './config.js';
import { exposeObjects } from './expose.js';
import { clientService, headlessService, podDisruptionBudget } from './services.js';
import { DEFAULT_IMAGE_REPOSITORY, statefulSet } from './statefulset.js';
import type { ManifestObject } from './types.js';

export * from './meta.js';
export * from './config.js';
export * from './statefulset.js';
export * from './services.js';
export * from './expose.js';
export * from './loadbalancer.js';
export type { ManifestObject } from './types.js';

export interface DesiredInput {
  cs: ChatService;
  providers: readonly PushProvider[];
  /** What render(cs, providers, secretData) returned. */
  rendered: RenderedConfig;
  /** The Secrets the ChatService and its PushProviders reference (for keystore files). */
  sourceSecrets: readonly SourceSecret[];
  /** StatefulSet replicas to apply; default spec.gms.replicas (1). */
  replicas?: number;
  defaultImageRepository?: string;
  /** tls.crt (base64, as stored) of spec.expose.tls.secretName, when that Secret exists: its
   *  hash on the load-balancer pod template rolls the LB pods when the certificate is renewed. */
  tlsCertificate?: string;
}

export interface DesiredState {
  /** In apply order: config first, then the workload, then what routes to it. */
  objects: ManifestObject[];
  config: ConfigObjects;
}

/** Longest StatefulSet name: pods get a controller-revision-hash label of name + 11 chars (<= 63). */
export const MAX_STATEFULSET_NAME = 52;

/** Problems that make the ChatService impossible to run whatever its options say. */
export function manifestProblems(cs: ChatService): string[] {
  const out: string[] = [];
  if (cs.metadata.name.length > MAX_STATEFULSET_NAME) {
    out.push(
      `metadata.name "${cs.metadata.name}" is ${cs.metadata.name.length} characters; the GMS StatefulSet needs at most ${MAX_STATEFULSET_NAME} (its pods get a controller-revision-hash label of name + 11 characters, limit 63)`,
    );
  }
  return out;
}

export function desiredState(input: DesiredInput): DesiredState {
  const { cs } = input;
  const config = configObjects(cs, input.rendered, input.sourceSecrets);
  const replicas = input.replicas ?? cs.spec.gms.replicas ?? 1;
  const objects: ManifestObject[] = [];
  if (config.credentialsSecret) objects.push(config.credentialsSecret);
  objects.push(config.staticConfigMap, config.dynamicConfigMap);
  objects.push(headlessService(cs), clientService(cs));
  objects.push(
    statefulSet(cs, config, input.rendered.secretFiles, {
      replicas,
      defaultImageRepository: input.defaultImageRepository ?? DEFAULT_IMAGE_REPOSITORY,
    }),
  );
  objects.push(podDisruptionBudget(cs));
  objects.push(
    ...exposeObjects(
      cs,
      input.tlsCertificate !== undefined ? { tlsCertificate: input.tlsCertificate } : {},
    ),
  );
  return { objects, config };
}

/** The CometD URL clients use: the exposed host, else the client Service inside the cluster. */
export function cometdUrl(cs: ChatService): string {
  const host = cs.spec.expose?.host;
  const mode = cs.spec.expose?.mode ?? 'none';
  if (host && mode !== 'none') {
    return `${cs.spec.expose?.tls ? 'https' : 'http'}://${host}/genesys/cometd`;
  }
  return `http://${cs.metadata.name}.${gmsNamespace(cs)}.svc:${gmsPort(cs)}/genesys/cometd`;
}

export { channelOf, serviceNameOf };
