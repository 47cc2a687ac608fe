/**
 * Load-balancer configs for GMS CometD (DESIGN.md box `lb`): nginx, HAProxy, Apache httpd,
 * ingress-nginx and Gateway API, rendered from a ChatService, plus a linter for hand-written
 * nginx/HAProxy/Apache configs. gmsctl and the operator call these same functions.
 */
import type { ChatService } from '../api/types.js';
import { renderApache } from './apache.js';
import {
  buildHttpRoute,
  buildIngress,
  renderGatewayApi,
  renderIngressNginx,
  type KubernetesObject,
} from './kubernetes.js';
import { lbModel } from './model.js';
import { renderHaproxy } from './haproxy.js';
import { renderNginx } from './nginx.js';
import type { LbTarget, RenderedFile, RenderOptions } from './types.js';

export * from './types.js';
export * from './backends.js';
export { lbTimeouts, readTimeoutThresholds } from './timeouts.js';
export {
  checkLoadBalancerInputs,
  PUBLIC_PATH_PREFIXES,
  NODE_STATUS_PATH,
  AFFINITY_COOKIE_PATH,
} from './model.js';
export { GATEWAY_API_VERSION, type KubernetesObject } from './kubernetes.js';

/**
 * Render the files of one target. Throws LbInputError (listing every bad field) before any
 * text is produced when an input fails its pattern.
 */
export function renderLoadBalancer(
  target: LbTarget,
  cs: ChatService,
  opts: RenderOptions = {},
): RenderedFile[] {
  const m = lbModel(target, cs, opts);
  switch (target) {
    case 'nginx':
      return renderNginx(m);
    case 'haproxy':
      return renderHaproxy(m);
    case 'apache':
      return renderApache(m);
    case 'ingress-nginx':
      return renderIngressNginx(m);
    case 'gateway-api':
      return renderGatewayApi(m);
  }
}

/** The Ingress object for spec.expose.mode ingress-nginx (for server-side apply). */
export function ingressFor(cs: ChatService): KubernetesObject {
  return buildIngress(lbModel('ingress-nginx', cs));
}

/** The HTTPRoute object for spec.expose.mode gateway-api (for server-side apply). */
export function httpRouteFor(cs: ChatService): KubernetesObject {
  return buildHttpRoute(lbModel('gateway-api', cs));
}
