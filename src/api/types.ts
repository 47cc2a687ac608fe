/**
 * ChatService and PushProvider (group gms.chatops.io, version v1alpha1).
 *
 * The field names are the contract of ../shared/DESIGN.md ("API"): fields may be added where
 * users need them, never renamed. JSON Schemas and CRDs are generated from these types plus the
 * option catalog (src/api/schema/*.ts, rendered by src/api/crd.ts and src/api/jsonschema.ts;
 * `npm run generate`, ADR 0003), so a field added here must also be added to the schema builder:
 * test/unit/api/types-coverage.test.ts fails until it is, and test/unit/api/drift.test.ts fails
 * until crds/ and schemas/ are regenerated.
 */

import { PUSH_ENABLED_VALUES, PUSH_EVENT_NAMES } from '../catalog/index.js';

export const API_GROUP = 'gms.chatops.io';
export const API_VERSION = 'v1alpha1';
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;

export const KIND_CHAT_SERVICE = 'ChatService';
export const KIND_PUSH_PROVIDER = 'PushProvider';

/** Option values may be written as YAML booleans, numbers or strings; GMS receives strings. */
export type OptionValue = string | number | boolean;
export type OptionMap = Record<string, OptionValue>;

/** Standard Kubernetes object metadata, the subset this project reads. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  ownerReferences?: unknown[];
}

/** A key in a Secret of the same namespace. */
export interface SecretKeySelector {
  name: string;
  key: string;
}

/** A whole Secret of the same namespace (keys named by the referencing field's defaults). */
export interface SecretReference {
  name: string;
}

// ---------------------------------------------------------------------------------------------
// ChatService
// ---------------------------------------------------------------------------------------------

export const EXPOSE_MODES = [
  'ingress-nginx',
  'nginx',
  'haproxy',
  'apache',
  'gateway-api',
  'none',
] as const;
export type ExposeMode = (typeof EXPOSE_MODES)[number];

/** Expose modes whose load balancer the operator runs itself (a Deployment in the namespace). */
export const RUN_LB_MODES = ['nginx', 'haproxy', 'apache'] as const;
export type RunLbMode = (typeof RUN_LB_MODES)[number];

/** Service types of the load balancer the operator runs (spec.expose.serviceType). */
export const LB_SERVICE_TYPES = ['LoadBalancer', 'NodePort', 'ClusterIP'] as const;
export type LbServiceType = (typeof LB_SERVICE_TYPES)[number];

export const AFFINITY_MODES = ['cookie', 'source-ip'] as const;
export type AffinityMode = (typeof AFFINITY_MODES)[number];

/**
 * Expose modes that cannot keep a client on one node by its address (affinity source-ip), and
 * why: the expose-mode rule (src/validate/rules/expose.ts) and the CRD's CEL rules say this.
 */
export const NO_SOURCE_IP_AFFINITY: Readonly<Partial<Record<ExposeMode, string>>> = {
  apache: 'Apache mod_proxy_balancer has no client-address stickiness',
  'gateway-api':
    'Gateway API has no client-address session persistence (GEP-1619 covers cookies and headers)',
};

/** Cookies GMS sets itself (src/lb/model.ts): the affinity cookie must not shadow them (any case). */
export const GMS_COOKIES = ['BAYEUX_BROWSER', 'JSESSIONID'] as const;

export const ROLLOUT_STRATEGIES = ['DetachReattach', 'Offline'] as const;
export type RolloutStrategy = (typeof ROLLOUT_STRATEGIES)[number];

/** `pushEnabled` values of the [push] section (domain/gms.md §1.3, S2); from the catalog. */
export const PUSH_TYPES = PUSH_ENABLED_VALUES;
export type PushType = (typeof PUSH_TYPES)[number];

export interface ChatServerEndpoint {
  /** Name of the Chat Server application/instance, e.g. cs-1. */
  name: string;
  host: string;
  port: number;
}

export interface ResourceRequirements {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

export interface GmsSpec {
  /** Required; gates options and features by version (e.g. "8.5.219.03"). */
  version: string;
  image?: string;
  replicas?: number;
  /** HTTP port of the GMS node (8080 in every GMS documentation example). */
  port?: number;
  resources?: ResourceRequirements;
  /**
   * [gms] section: node-wide, cross-service GMS options (outgoing HTTP timeouts, connection
   * pools, proxy auto-configuration, `http.ssl_trust_all`; domain/gms.md §1.3, §1.5).
   */
  options?: OptionMap;
}

export interface ChatServerSpec {
  /** CometD needs Chat Server 8.5.108+. */
  version: string;
  /** All-primary (N+1) Chat Server instances (domain/gms.md §7). */
  endpoints: ChatServerEndpoint[];
}

export interface PushSpec {
  /** -> [push] pushEnabled */
  enabled?: PushType[];
  /** Its options fill the [push] section. */
  defaultProvider?: string;
  /** -> one [push.provider.<name>] section each. */
  providers?: string[];
  /** Other [push] section options. */
  options?: OptionMap;
}

export interface BasicAuthSpec {
  /** Secret with keys `username` and `password` (override with usernameKey/passwordKey). */
  secretRef: SecretReference & { usernameKey?: string; passwordKey?: string };
}

export interface AuthSpec {
  basic?: BasicAuthSpec;
}

export interface TlsSpec {
  secretName: string;
}

export interface ExposeSpec {
  mode?: ExposeMode;
  host?: string;
  tls?: TlsSpec;
  affinity?: AffinityMode;
  /** Name of the affinity cookie the load balancer sets itself (default GMSROUTE). */
  cookieName?: string;
  /** Mark the affinity cookie SameSite=None; Secure (widgets embedded cross-site). */
  crossSite?: boolean;
  /** ingress-nginx: spec.ingressClassName. */
  ingressClassName?: string;
  /** gateway-api: the Gateway the HTTPRoute attaches to. */
  gateway?: { name: string; namespace?: string; sectionName?: string; experimental?: boolean };
  /** nginx | haproxy | apache: image of the load balancer the operator runs (default the
   *  official image: haproxy:2.6, nginx:1.22, httpd:2.4). */
  image?: string;
  /** nginx | haproxy | apache: load-balancer pods (default 2). */
  replicas?: number;
  /** nginx | haproxy | apache: compute resources of the load-balancer container. */
  resources?: ResourceRequirements;
  /** nginx | haproxy | apache: type of the Service `<name>-lb` (default LoadBalancer). */
  serviceType?: LbServiceType;
  /** nginx | haproxy | apache: annotations of the Service `<name>-lb` (cloud load-balancer settings). */
  serviceAnnotations?: Record<string, string>;
}

export interface RolloutSpec {
  strategy?: RolloutStrategy;
  /** A Kubernetes-style duration ("10m", "90s"); a node not Ready within it halts the roll. */
  podReadyTimeout?: string;
  /** How long to wait for a detached node's CometD clients to drain before restarting it. */
  drainTimeout?: string;
}

/** Credentials for the GMS node API (/genesys/1/admin/node/...), when it requires auth. */
export interface NodeApiSpec {
  basicAuth?: BasicAuthSpec;
}

export interface ChatServiceSpec {
  /** Optional, default metadata.name; CometD channel /service/chatV2/<serviceName>. */
  serviceName?: string;
  gms: GmsSpec;
  chatServer: ChatServerSpec;
  /** [chat] section: node-wide options. */
  chat?: OptionMap;
  /** [chat.<serviceName>] section options. */
  options?: OptionMap;
  push?: PushSpec;
  auth?: AuthSpec;
  expose?: ExposeSpec;
  rollout?: RolloutSpec;
  nodeApi?: NodeApiSpec;
  /**
   * Every other GMS section, by name: `log`, `server`, `service.<name>` and any section the
   * catalog does not know yet (domain/gms.md §1.5). Sections with a dedicated field (chat,
   * chat.*, push, push.provider.*, gms, connections) are refused here (src/api/sections.ts).
   */
  sections?: Record<string, OptionMap>;
}

/** metav1.Condition */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export const CONDITION_TYPES = ['Ready', 'ConfigValid', 'Progressing', 'Degraded'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export const ROLLOUT_PHASES = ['Idle', 'Detaching', 'Restarting', 'Reattaching', 'Halted'] as const;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];

export interface RolloutStatus {
  phase: RolloutPhase;
  /** Hash of the restart-required config the roll moves nodes to. */
  targetHash?: string;
  /** The node (pod name) the roll is working on. */
  currentNode?: string;
  /** Nodes already on targetHash. */
  updatedNodes?: string[];
  /** Nodes detached from the Chat Server right now (never silently left so). */
  detachedNodes?: string[];
  message?: string;
  startedAt?: string;
  // Added for the rollout state machine (src/operator/rollout, docs/rollouts.md): what it needs
  // to resume after an operator restart.
  /** Strategy of the roll in progress (a running roll keeps it; a resumed one re-reads spec). */
  strategy?: RolloutStrategy;
  /** When the current step began (detach, pod deletion, reattach, scale); bounds its timeout. */
  stepStartedAt?: string;
  /** Strategy Offline: `Stopping` (StatefulSet scaled to zero) or `Starting` (scaled back up). */
  offlineStep?: 'Stopping' | 'Starting';
  /** Why the roll halted: PodNotReady | DetachFailed | ReattachFailed | SingleReplicaRefused | ScaleDownStuck. */
  reason?: string;
  /** metadata.generation when the roll halted; a newer generation (a spec fix) resumes it. */
  haltedGeneration?: number;
}

export interface ChatServiceStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  rollout?: RolloutStatus;
  /** Effective chat service name (spec.serviceName, default metadata.name); the SERVICE column. */
  serviceName?: string;
  /** e.g. https://chat.example.com/genesys/cometd */
  cometdUrl?: string;
  /** /service/chatV2/<serviceName> */
  channel?: string;
  /** Hashes of the config currently applied. */
  staticConfigHash?: string;
  dynamicConfigHash?: string;
  replicas?: number;
  readyReplicas?: number;
}

export interface ChatService {
  apiVersion: typeof API_GROUP_VERSION;
  kind: typeof KIND_CHAT_SERVICE;
  metadata: ObjectMeta;
  spec: ChatServiceSpec;
  status?: ChatServiceStatus;
}

// ---------------------------------------------------------------------------------------------
// PushProvider
// ---------------------------------------------------------------------------------------------

export const PROVIDER_TYPES = ['fcm', 'apple', 'customhttp'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/**
 * Push notification events (seed: "Push Notification Events"); from the catalog, which also
 * holds their default texts (PUSH_EVENT_DEFAULTS).
 */
export const PUSH_EVENTS = PUSH_EVENT_NAMES;
export type PushEvent = (typeof PUSH_EVENTS)[number];

export interface PushEventText {
  /** `%s` is substituted with the party name. */
  title?: string;
  body?: string;
}

export interface FcmSpec {
  apiKeySecretRef: SecretKeySelector;
  /** Key used when the client asks for debug push (push_notification_debug). */
  debugApiKeySecretRef?: SecretKeySelector;
}

export interface AppleSpec {
  keystoreSecretRef: SecretKeySelector;
  keystorePasswordSecretRef: SecretKeySelector;
}

export interface CustomHttpSpec {
  url: string;
  debugUrl?: string;
}

export interface PushProviderSpec {
  type: ProviderType;
  fcm?: FcmSpec;
  apple?: AppleSpec;
  customhttp?: CustomHttpSpec;
  /** Per-event notification text (seed: "Push Notification Events"). */
  events?: Partial<Record<PushEvent, PushEventText>>;
  /** Other catalog options of the provider section. */
  options?: OptionMap;
}

export interface PushProviderStatus {
  observedGeneration?: number;
  conditions?: Condition[];
}

export interface PushProvider {
  apiVersion: typeof API_GROUP_VERSION;
  kind: typeof KIND_PUSH_PROVIDER;
  metadata: ObjectMeta;
  spec: PushProviderSpec;
  status?: PushProviderStatus;
}

/** Secret data as the renderer sees it: name -> key -> decoded value. */
export type SecretData = Record<string, Record<string, string>>;

/** The effective chat service name (spec.serviceName, default metadata.name). */
export function serviceNameOf(cs: ChatService): string {
  return cs.spec.serviceName ?? cs.metadata.name;
}

/** The CometD channel of a chat service (seed: "Subscribe for a channel"). */
export function channelOf(cs: ChatService): string {
  return `/service/chatV2/${serviceNameOf(cs)}`;
}
