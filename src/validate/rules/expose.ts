/**
 * expose-mode: `spec.expose` settings the load balancer of `spec.expose.mode` cannot carry out.
 * The renderers (src/lb/model.ts) refuse them; without this rule `gmsctl validate` and the
 * admission webhook would accept a ChatService the operator then cannot expose.
 *
 * - `gateway-api` attaches an HTTPRoute to a Gateway: `spec.expose.gateway.name` is required.
 * - `affinity: source-ip` has no Apache (mod_proxy_balancer) or Gateway API (GEP-1619:
 *   cookies and headers only) equivalent.
 * - The affinity cookie must not shadow a cookie GMS sets itself (BAYEUX_BROWSER, JSESSIONID);
 *   every mode that sets one refuses it.
 * - `spec.expose.host` in lower case: Kubernetes Ingress / HTTPRoute hostnames and the renderers
 *   take lower-case names only.
 * - nginx, haproxy and apache (run by the operator) need at least one GMS node to balance over:
 *   `spec.gms.replicas: 0` is refused with those modes.
 * - A warning for settings of another mode, which nothing reads: the load balancer the operator
 *   runs (image, replicas, resources, serviceType, serviceAnnotations) with a mode that runs
 *   none, ingressClassName without ingress-nginx, gateway without gateway-api. Usually a mode
 *   changed without its settings, or set on the wrong ChatService.
 *
 * The errors need no context: the CRD enforces them too, as CEL rules with these messages
 * (src/api/schema/chatservice.ts exposeRules/specRules). A change here must be made there.
 */
import { EXPOSE_MODES, GMS_COOKIES, NO_SOURCE_IP_AFFINITY, RUN_LB_MODES } from '../../api/types.js';
import { hostProblem } from './deps.js';
import type { Emit, ManifestObject } from '../model.js';
import { field, isRecord } from '../model.js';
import type { Path } from '../yaml/path.js';

/** Settings only one kind of mode reads, and the modes that read them (src/manifests, src/lb). */
const RUN_LB: readonly string[] = RUN_LB_MODES;
const LB = 'the load balancer the operator runs for mode nginx, haproxy or apache';
const MODE_ONLY: readonly (readonly [key: string, modes: readonly string[], what: string])[] = [
  ['image', RUN_LB, `${LB} (a Deployment)`],
  ['replicas', RUN_LB, `${LB} (a Deployment)`],
  ['resources', RUN_LB, `${LB} (a Deployment)`],
  ['serviceType', RUN_LB, `the Service of ${LB}`],
  ['serviceAnnotations', RUN_LB, `the Service of ${LB}`],
  ['ingressClassName', ['ingress-nginx'], 'the Ingress of mode ingress-nginx'],
  ['gateway', ['gateway-api'], 'the HTTPRoute of mode gateway-api'],
];
const KNOWN_MODES: ReadonlySet<string> = new Set(EXPOSE_MODES);

const P_MODE: Path = ['spec', 'expose', 'mode'];
const P_AFFINITY: Path = ['spec', 'expose', 'affinity'];
const P_COOKIE_NAME: Path = ['spec', 'expose', 'cookieName'];
const P_REPLICAS: Path = ['spec', 'gms', 'replicas'];
const P_HOST: Path = ['spec', 'expose', 'host'];

/** Cookies GMS sets itself (compared case-insensitively). */
const GMS_COOKIE_NAMES: readonly string[] = GMS_COOKIES;

const NO_SOURCE_IP: Readonly<Record<string, string | undefined>> = NO_SOURCE_IP_AFFINITY;

export function checkChatServiceExpose(cs: ManifestObject, emit: Emit): void {
  const expose = field(field(cs.data, 'spec'), 'expose');
  if (!isRecord(expose)) return;
  const mode = expose.mode;
  if (mode === 'gateway-api' && expose.gateway === undefined) {
    emit({
      rule: 'expose-mode',
      obj: cs,
      path: P_MODE,
      message:
        'spec.expose.mode gateway-api needs spec.expose.gateway.name: the Gateway the HTTPRoute attaches to',
    });
  }
  if (expose.affinity === 'source-ip' && typeof mode === 'string') {
    const why = NO_SOURCE_IP[mode];
    if (why)
      emit({
        rule: 'expose-mode',
        obj: cs,
        path: P_AFFINITY,
        message: `spec.expose.affinity source-ip cannot be used with spec.expose.mode ${mode}: ${why}; use "cookie"`,
      });
  }
  // DNS is case-insensitive, but Ingress and HTTPRoute hostnames must be lower case and every
  // renderer takes only those. A host that is otherwise wrong is the injection rule's.
  const host = expose.host;
  if (
    typeof host === 'string' &&
    host !== host.toLowerCase() &&
    hostProblem(host.toLowerCase().replace(/^\*\./, '')) === undefined
  ) {
    emit({
      rule: 'expose-mode',
      obj: cs,
      path: P_HOST,
      message: `spec.expose.host ${host}: write it in lower case (${host.toLowerCase()}); Ingress and HTTPRoute hostnames and the load-balancer configs take lower-case names only`,
    });
  }
  const cookieName = expose.cookieName;
  if (typeof cookieName === 'string' && GMS_COOKIE_NAMES.includes(cookieName.toUpperCase())) {
    emit({
      rule: 'expose-mode',
      obj: cs,
      path: P_COOKIE_NAME,
      message: `spec.expose.cookieName ${cookieName}: GMS sets this cookie itself; the load balancer's affinity cookie needs another name (default GMSROUTE)`,
    });
  }
  // The load balancer the operator runs needs a GMS node to point at (src/lb refuses an empty
  // backend list; nginx itself refuses an empty upstream): without this the operator fails on
  // every reconcile of a ChatService scaled to zero.
  if (
    typeof mode === 'string' &&
    RUN_LB.includes(mode) &&
    field(field(field(cs.data, 'spec'), 'gms'), 'replicas') === 0
  ) {
    emit({
      rule: 'expose-mode',
      obj: cs,
      path: P_REPLICAS,
      message: `spec.gms.replicas 0 leaves the load balancer of spec.expose.mode ${mode} no GMS node to balance over; keep at least 1 node, or set spec.expose.mode none while the nodes are scaled to zero`,
    });
  }
  // Settings of another mode: harmless, but nothing reads them (an unknown mode is the schema's).
  const effective = mode === undefined ? 'none' : mode;
  if (typeof effective !== 'string' || !KNOWN_MODES.has(effective)) return;
  for (const [key, modes, what] of MODE_ONLY) {
    if (expose[key] === undefined || modes.includes(effective)) continue;
    emit({
      rule: 'expose-mode',
      severity: 'warning',
      obj: cs,
      path: ['spec', 'expose', key],
      message: `spec.expose.${key} has no effect with spec.expose.mode ${effective}${mode === undefined ? ' (the default)' : ''}: it configures ${what}`,
    });
  }
}
