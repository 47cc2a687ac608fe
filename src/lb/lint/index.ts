/**
 * Lint hand-written load-balancer configs that front GMS (nginx.conf, haproxy.cfg, Apache
 * httpd conf) for what CometD needs; registered with `gmsctl validate` by the cli
 * (src/cli/commands/validate-checkers.ts) as one FileChecker.
 */
import { basename } from 'node:path';
import type { Diagnostic } from '../../validate/diagnostic.js';
import type { FileChecker } from '../../validate/checker.js';
import { lintApache } from './apache.js';
import { LB_RULES, mentionsGms, type LintOptions } from './common.js';
import { lintHaproxy } from './haproxy.js';
import { lintNginx } from './nginx.js';

export { LB_RULES, type LintOptions } from './common.js';
export { lintNginx } from './nginx.js';
export { lintHaproxy } from './haproxy.js';
export { lintApache } from './apache.js';

export type LbConfigKind = 'nginx' | 'haproxy' | 'apache';

/** Files the linter claims by name (directory walks pick them up; `.cfg` is not read as INI). */
export function claimsLbConfig(file: string): boolean {
  const name = basename(file).toLowerCase();
  const path = file.replace(/\\/g, '/').toLowerCase();
  if (/^(nginx|haproxy|httpd|apache2?)\.(conf|cfg)$/.test(name)) return true;
  if (/[._-](nginx|haproxy|httpd|apache2?)\.(conf|cfg)$/.test(name)) return true;
  if (/haproxy.*\.cfg$/.test(name)) return true;
  if (
    /\.conf$/.test(name) &&
    /(^|\/)(nginx|apache2?|httpd|haproxy|sites-(available|enabled)|conf\.d|conf-(available|enabled))\//.test(
      path,
    )
  )
    return true;
  return false;
}

/** Which server the text is for, by content (the name only decides when content is ambiguous). */
export function detectLbConfig(file: string, text: string): LbConfigKind | undefined {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
  const score = { nginx: 0, haproxy: 0, apache: 0 };
  for (const l of lines) {
    if (/^(frontend|backend|listen|defaults|global)(\s+[\w.-]+)?$/.test(l)) score.haproxy += 3;
    if (
      /^(bind|server|balance|timeout|mode|option|use_backend|default_backend)\s/.test(l) &&
      !l.endsWith(';')
    )
      score.haproxy += 1;
    if (/^<\/?(VirtualHost|Proxy|Location|Directory|IfModule)\b/i.test(l)) score.apache += 3;
    if (
      /^(ProxyPass|ProxyPassReverse|BalancerMember|LoadModule|ProxyRequests|RewriteRule|ProxyTimeout|ProxySet)\s/i.test(
        l,
      )
    )
      score.apache += 2;
    if (/[;{}]$/.test(l)) score.nginx += 1;
    if (/^(upstream|location|server|http|map)\b.*\{$/.test(l) || /^proxy_pass\s.*;$/.test(l))
      score.nginx += 3;
  }
  const best = (Object.entries(score) as Array<[LbConfigKind, number]>).sort(
    (a, b) => b[1] - a[1],
  )[0]!;
  if (best[1] >= 3) return best[0];
  const name = basename(file).toLowerCase();
  if (name.includes('haproxy')) return 'haproxy';
  if (name.includes('nginx')) return 'nginx';
  if (/apache|httpd/.test(name)) return 'apache';
  return undefined;
}

/** Lint one file; [] when it is not a load-balancer config for GMS. */
export function lintLoadBalancerConfig(
  file: string,
  text: string,
  opts: LintOptions = {},
): Diagnostic[] {
  const kind = detectLbConfig(file, text);
  if (!kind || !mentionsGms(file, text)) return [];
  if (kind === 'nginx') return lintNginx(file, text, opts);
  if (kind === 'haproxy') return lintHaproxy(file, text, opts);
  return lintApache(file, text, opts);
}

/** The FileChecker `gmsctl validate` runs (registered at the cli layer). */
export const lbConfigChecker: FileChecker = {
  id: 'lb',
  rules: LB_RULES,
  claims: claimsLbConfig,
  check: (file, text) => lintLoadBalancerConfig(file, text),
};
