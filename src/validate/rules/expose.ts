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
 */
import type { Emit, ManifestObject } from '../model.js';
import { field, isRecord } from '../model.js';
import type { Path } from '../yaml/path.js';

const P_MODE: Path = ['spec', 'expose', 'mode'];
const P_AFFINITY: Path = ['spec', 'expose', 'affinity'];
const P_COOKIE_NAME: Path = ['spec', 'expose', 'cookieName'];

/** Cookies GMS sets itself (src/lb/model.ts GMS_COOKIES; compared case-insensitively). */
const GMS_COOKIES = ['BAYEUX_BROWSER', 'JSESSIONID'];

const NO_SOURCE_IP: Readonly<Record<string, string>> = {
  apache: 'Apache mod_proxy_balancer has no client-address stickiness',
  'gateway-api':
    'Gateway API has no client-address session persistence (GEP-1619 covers cookies and headers)',
};

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
  const cookieName = expose.cookieName;
  if (typeof cookieName === 'string' && GMS_COOKIES.includes(cookieName.toUpperCase())) {
    emit({
      rule: 'expose-mode',
      obj: cs,
      path: P_COOKIE_NAME,
      message: `spec.expose.cookieName ${cookieName}: GMS sets this cookie itself; the load balancer's affinity cookie needs another name (default GMSROUTE)`,
    });
  }
}
