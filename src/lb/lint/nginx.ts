/**
 * Lint a hand-written nginx.conf that fronts GMS for what CometD needs
 * (domain/load-balancers.md §1, §2): WebSocket upgrade, stickiness, read timeout above the long
 * poll, no retry of a timed-out request, no response buffering.
 */
import type { Diagnostic } from '../../validate/diagnostic.js';
import { Findings, fmtS, parseNginxTime, thresholds, type LintOptions } from './common.js';
import { parseNginx, type NginxDirective } from './nginx-parse.js';

/** Directives inherited from outer levels (http -> server -> location). */
interface Inherited {
  httpVersion?: NginxDirective;
  readTimeout?: NginxDirective;
  nextUpstream?: NginxDirective;
  buffering?: NginxDirective;
  /** proxy_set_header is inherited only by levels that define none of their own. */
  setHeaders?: NginxDirective[];
}

interface Upstream {
  directive: NginxDirective;
  servers: NginxDirective[];
  balancing: NginxDirective | undefined;
  zone: NginxDirective | undefined;
}

function collectUpstreams(list: readonly NginxDirective[], out: Map<string, Upstream>): void {
  for (const d of list) {
    if (d.name === 'upstream' && d.block && d.args[0]) {
      const servers = d.block.filter((x) => x.name === 'server');
      const balancing = d.block.find((x) => ['hash', 'ip_hash', 'sticky'].includes(x.name));
      const zone = d.block.find((x) => x.name === 'zone');
      out.set(d.args[0], { directive: d, servers, balancing, zone });
    } else if (d.block) collectUpstreams(d.block, out);
  }
}

function inherit(parent: Inherited, block: readonly NginxDirective[]): Inherited {
  const own = (name: string): NginxDirective | undefined =>
    [...block].reverse().find((d) => d.name === name);
  const headers = block.filter((d) => d.name === 'proxy_set_header');
  return {
    httpVersion: own('proxy_http_version') ?? parent.httpVersion,
    readTimeout: own('proxy_read_timeout') ?? parent.readTimeout,
    nextUpstream: own('proxy_next_upstream') ?? parent.nextUpstream,
    buffering: own('proxy_buffering') ?? parent.buffering,
    setHeaders: headers.length > 0 ? headers : parent.setHeaders,
  };
}

export function lintNginx(file: string, text: string, opts: LintOptions = {}): Diagnostic[] {
  const f = new Findings(file);
  const { directives, error } = parseNginx(text);
  if (error) {
    f.add('lb-parse', 'error', error.line, error.column, `nginx config: ${error.message}`);
    return f.list;
  }
  const upstreams = new Map<string, Upstream>();
  collectUpstreams(directives, upstreams);
  const { errorBelowS, warnBelowS } = thresholds(opts);
  const reportedUpstreams = new Set<string>();
  // One worker process (nginx's own default when the file says so) shares nothing, needs nothing.
  const oneWorker = directives.some((d) => d.name === 'worker_processes' && d.args[0] === '1');

  const checkProxyPass = (pp: NginxDirective, eff: Inherited): void => {
    const target = pp.args[0] ?? '';
    const upstreamName = /^https?:\/\/([^/:$]+)/.exec(target)?.[1];
    const upstream = upstreamName ? upstreams.get(upstreamName) : undefined;
    const nodes = upstream ? upstream.servers.length : 1;

    // WebSocket (§2.1): HTTP/1.1 and the hop-by-hop Upgrade/Connection headers passed on.
    const v = eff.httpVersion?.args[0];
    if (v !== '1.1') {
      f.add(
        'lb-websocket',
        'error',
        (eff.httpVersion ?? pp).line,
        (eff.httpVersion ?? pp).column,
        `proxy_http_version is ${v ?? '1.0 (the default)'}: WebSocket upgrades to GMS need "proxy_http_version 1.1;"`,
      );
    }
    const headers = eff.setHeaders ?? [];
    const header = (name: string) => headers.find((h) => h.args[0]?.toLowerCase() === name);
    const upgrade = header('upgrade');
    const connection = header('connection');
    if (!upgrade || upgrade.args[1] !== '$http_upgrade') {
      f.add(
        'lb-websocket',
        'error',
        (upgrade ?? pp).line,
        (upgrade ?? pp).column,
        'the Upgrade header is not passed on: add "proxy_set_header Upgrade $http_upgrade;" (nginx drops hop-by-hop headers)',
      );
    }
    if (
      !connection ||
      !(connection.args[1]?.startsWith('$') || /^upgrade$/i.test(connection.args[1] ?? ''))
    ) {
      f.add(
        'lb-websocket',
        'error',
        (connection ?? pp).line,
        (connection ?? pp).column,
        'the Connection header does not carry "upgrade": map $http_upgrade to $connection_upgrade and add "proxy_set_header Connection $connection_upgrade;"',
      );
    }

    // Read timeout (§1 rule 1). nginx's default is 60 s.
    const rt = eff.readTimeout;
    const seconds = rt ? parseNginxTime(rt.args[0]) : 60;
    if (seconds !== undefined && rt) {
      if (seconds < errorBelowS)
        f.add(
          'lb-read-timeout',
          'error',
          rt.line,
          rt.column,
          `proxy_read_timeout ${rt.args[0]} (${fmtS(seconds)}) cuts every idle CometD long poll (held ${fmtS(errorBelowS - 5)}); use at least ${fmtS(warnBelowS)}`,
        );
      else if (seconds < warnBelowS)
        f.add(
          'lb-read-timeout',
          'warning',
          rt.line,
          rt.column,
          `proxy_read_timeout ${rt.args[0]} (${fmtS(seconds)}) is below CometD timeout + maxNetworkDelay + 5 s (${fmtS(warnBelowS)}): a slow long poll ends in 504 before the client gives up`,
        );
    }

    // Retries (§2.4): the default "error timeout" replays a timed-out long-poll GET on every node.
    const nu = eff.nextUpstream;
    if (nu) {
      const bad = nu.args.filter((a) => a === 'timeout' || a === 'non_idempotent');
      if (bad.length > 0)
        f.add(
          'lb-retry-on-timeout',
          'error',
          nu.line,
          nu.column,
          `proxy_next_upstream ${bad.join(' ')} replays a held CometD long poll on another node (load-balancers.md §2.4); use "proxy_next_upstream error;"`,
        );
    } else if (nodes > 1) {
      f.add(
        'lb-retry-on-timeout',
        'warning',
        pp.line,
        pp.column,
        'proxy_next_upstream defaults to "error timeout": a long poll that times out is replayed on every node; add "proxy_next_upstream error;"',
      );
    }

    // Buffering (§1 rule 5).
    const buf = eff.buffering;
    if (!buf || buf.args[0] === 'on') {
      f.add(
        'lb-buffering',
        'warning',
        (buf ?? pp).line,
        (buf ?? pp).column,
        buf
          ? 'proxy_buffering on: CometD responses should pass through unbuffered ("proxy_buffering off;")'
          : 'proxy_buffering defaults to on: add "proxy_buffering off;" for CometD',
      );
    }

    // Stickiness (§2.2): several nodes need hash/ip_hash (or nginx Plus sticky).
    if (upstream && upstreamName && nodes > 1 && !reportedUpstreams.has(upstreamName)) {
      reportedUpstreams.add(upstreamName);
      const b = upstream.balancing;
      if (!b)
        f.add(
          'lb-stickiness',
          'error',
          upstream.directive.line,
          upstream.directive.column,
          `upstream ${upstreamName} balances ${nodes} GMS nodes round-robin: CometD long polls must stay on one node (use an nginx-set cookie with "hash ... consistent", or "hash $remote_addr consistent;")`,
        );
      else if (!upstream.zone && !oneWorker && b.name !== 'sticky')
        // docs/load-balancers.md, "nginx worker processes share the upstream state";
        // test/integration/lb/nginx-workers.test.ts shows the split with real nginx.
        f.add(
          'lb-stickiness',
          'warning',
          upstream.directive.line,
          upstream.directive.column,
          `upstream ${upstreamName} has no "zone": each nginx worker keeps its own view of failed GMS nodes, so after a node restart one CometD session's requests alternate between nodes (402, re-handshake, lost subscriptions); add "zone ${upstreamName} 64k;" (or run "worker_processes 1;")`,
        );
      if (b && b.name === 'hash' && /^\$cookie_BAYEUX_BROWSER$/i.test(b.args[0] ?? ''))
        f.add(
          'lb-stickiness',
          'warning',
          b.line,
          b.column,
          'hash $cookie_BAYEUX_BROWSER: the cookieless handshake lands anywhere and the next request may hash elsewhere (one 402 and re-handshake per session); let nginx set its own cookie (load-balancers.md §2.5)',
        );
    }
  };

  const walk = (list: readonly NginxDirective[], parent: Inherited): void => {
    const eff = inherit(parent, list);
    for (const d of list) {
      if (d.name === 'proxy_pass') checkProxyPass(d, eff);
      if (d.block && d.name !== 'upstream' && d.name !== 'map' && d.name !== 'types')
        walk(d.block, eff);
    }
  };
  walk(directives, {});
  return f.list;
}
