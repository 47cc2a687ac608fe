/**
 * Where the operator reaches a GMS node's API: by default the pod IP and spec.gms.port
 * (http://<podIP>:<port>, 8080 in every GMS documentation example, domain/gms.md §6). A URL
 * template (operator flag) covers other networks: the pod DNS name through the headless Service
 * (`http://{pod}.{service}.{namespace}.svc:{port}`), a proxy, or a test's loopback double.
 * Placeholders: {pod} {namespace} {ip} {port} {service}.
 */
export const DEFAULT_NODE_URL_TEMPLATE = 'http://{ip}:{port}';
export const DNS_NODE_URL_TEMPLATE = 'http://{pod}.{service}.{namespace}.svc:{port}';

export interface NodeAddress {
  pod: string;
  namespace: string;
  /** status.podIP; without it (and a template that needs it) the node is unreachable. */
  ip?: string;
  port: number;
  /** The headless Service governing the StatefulSet. */
  service?: string;
}

/** The base URL, or undefined when the template needs a field the pod does not have yet. */
export function nodeBaseUrl(
  a: NodeAddress,
  template = DEFAULT_NODE_URL_TEMPLATE,
): string | undefined {
  const values: Record<string, string | undefined> = {
    pod: a.pod,
    namespace: a.namespace,
    ip: a.ip,
    port: String(a.port),
    service: a.service,
  };
  let missing = false;
  const url = template.replace(/\{(pod|namespace|ip|port|service)\}/g, (_, k: string) => {
    const v = values[k];
    if (!v) missing = true;
    return encodeURIComponent(v ?? '').replace(/%3A/gi, ':');
  });
  return missing ? undefined : url.replace(/\/+$/, '');
}
