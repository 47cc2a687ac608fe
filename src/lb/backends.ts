/**
 * Naming of the GMS nodes a load balancer points at. The operator creates the StatefulSet and
 * its headless Service with these names; the renderers point at them. One definition, here, so
 * both sides always agree.
 *
 * A StatefulSet `<name>` governed by the headless Service `<name>-nodes` gives each pod the
 * stable DNS name `<name>-<ordinal>.<name>-nodes.<namespace>.svc.cluster.local`
 * (Kubernetes "StatefulSet: Stable Network ID").
 */
import type { ChatService } from '../api/types.js';
import type { LbBackend } from './types.js';

/** GMS HTTP port when spec.gms.port is unset (8080 in every GMS example, domain/gms.md §6). */
export const DEFAULT_GMS_PORT = 8080;

/** Cluster DNS domain (kubelet `--cluster-domain`); the Kubernetes default. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** The StatefulSet running the GMS nodes of a ChatService. */
export function gmsStatefulSetName(cs: ChatService): string {
  return cs.metadata.name;
}

/** The headless Service governing that StatefulSet (and the Ingress/HTTPRoute backend). */
export function gmsNodesServiceName(cs: ChatService): string {
  return `${cs.metadata.name}-nodes`;
}

/** The pod name of GMS node number `ordinal` (0-based). */
export function gmsPodName(cs: ChatService, ordinal: number): string {
  return `${gmsStatefulSetName(cs)}-${ordinal}`;
}

export function gmsNamespace(cs: ChatService): string {
  return cs.metadata.namespace ?? 'default';
}

export function gmsPort(cs: ChatService): number {
  return cs.spec.gms.port ?? DEFAULT_GMS_PORT;
}

/** `<name>-<i>.<name>-nodes.<namespace>.svc.<clusterDomain>` */
export function gmsPodDnsName(
  cs: ChatService,
  ordinal: number,
  clusterDomain = DEFAULT_CLUSTER_DOMAIN,
): string {
  return `${gmsPodName(cs, ordinal)}.${gmsNodesServiceName(cs)}.${gmsNamespace(cs)}.svc.${clusterDomain}`;
}

/** Replicas when spec.gms.replicas is unset. */
export const DEFAULT_GMS_REPLICAS = 1;

/** One backend per StatefulSet pod: the default backends of every renderer. */
export function defaultGmsBackends(
  cs: ChatService,
  clusterDomain = DEFAULT_CLUSTER_DOMAIN,
): LbBackend[] {
  const replicas = cs.spec.gms.replicas ?? DEFAULT_GMS_REPLICAS;
  const port = gmsPort(cs);
  return Array.from({ length: Math.max(0, replicas) }, (_, i) => ({
    name: gmsPodName(cs, i),
    host: gmsPodDnsName(cs, i, clusterDomain),
    port,
  }));
}

/**
 * Parse `--backend host:port` values (VMs outside Kubernetes, as in the seed's samples, and
 * tests). IPv6 addresses are written in brackets: `[2001:db8::1]:8080`. The names are
 * `gms-<i>` in the order given, so the i-th backend keeps its cookie value across renders.
 * Syntax only; the values are checked against the strict patterns by the renderer.
 */
export function parseBackendArgs(values: readonly string[]): LbBackend[] {
  return values.map((raw, i) => {
    const m = /^\[([^\]]*)\]:([^:]*)$/.exec(raw) ?? /^([^:[\]]*):([^:]*)$/.exec(raw);
    const host = m?.[1] ?? raw;
    const portText = m?.[2] ?? '';
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
    return { name: `gms-${i}`, host, port };
  });
}
