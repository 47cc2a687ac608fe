/**
 * Lint a hand-written Apache httpd config that fronts GMS (domain/load-balancers.md §1, §5):
 * never "ProxyRequests On" (the GMS sample's open forward proxy), WebSocket passed
 * (upgrade=websocket, or ws:// through mod_proxy_wstunnel), a sticky balancer, and a proxy
 * timeout above the CometD long poll.
 */
import type { Diagnostic } from '../../validate/diagnostic.js';
import { Findings, fmtS, thresholds, type LintOptions } from './common.js';

interface Directive {
  name: string;
  args: string[];
  line: number;
  column: number;
  /** Enclosing sections, outermost first, e.g. ['VirtualHost', 'Proxy balancer://x']. */
  sections: string[];
}

function splitArgs(text: string): string[] | undefined {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+))/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    out.push(m[1] ?? m[2] ?? m[3]!);
    if (re.lastIndex >= text.length) break;
  }
  if (/^\s*$/.test(text.slice(re.lastIndex === 0 && out.length === 0 ? 0 : re.lastIndex)))
    return out;
  return /["']/.test(text) ? undefined : out;
}

export function parseApache(text: string): {
  directives: Directive[];
  error?: { line: number; column: number; message: string };
} {
  const directives: Directive[] = [];
  const stack: Array<{ name: string; arg: string; line: number; column: number }> = [];
  const raw = text.split(/\r?\n/);
  for (let n = 0; n < raw.length; n++) {
    const start = n;
    let l = raw[n]!;
    while (l.endsWith('\\') && n + 1 < raw.length) l = l.slice(0, -1) + ' ' + raw[++n]!;
    const trimmed = l.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const column = l.length - l.trimStart().length + 1;
    const close = /^<\/([A-Za-z0-9_]+)\s*>$/.exec(trimmed);
    if (close) {
      const open = stack.pop();
      if (!open || open.name.toLowerCase() !== close[1]!.toLowerCase())
        return {
          directives,
          error: {
            line: start + 1,
            column,
            message: `</${close[1]}> without a matching <${close[1]}>`,
          },
        };
      continue;
    }
    const open = /^<([A-Za-z0-9_]+)(\s+[^>]*)?>$/.exec(trimmed);
    if (open) {
      stack.push({
        name: open[1]!,
        arg: (open[2] ?? '').trim().replace(/^"|"$/g, ''),
        line: start + 1,
        column,
      });
      continue;
    }
    const args = splitArgs(trimmed);
    if (!args)
      return { directives, error: { line: start + 1, column, message: 'unterminated quote' } };
    directives.push({
      name: args[0]!,
      args: args.slice(1),
      line: start + 1,
      column,
      sections: stack.map((s) => `${s.name} ${s.arg}`.trim()),
    });
  }
  const open = stack.pop();
  if (open)
    return {
      directives,
      error: { line: open.line, column: open.column, message: `<${open.name}> is never closed` },
    };
  return { directives };
}

const is = (d: Directive, name: string) => d.name.toLowerCase() === name.toLowerCase();
const params = (args: readonly string[]) =>
  new Map(
    args
      .filter((a) => a.includes('='))
      .map((a) => [a.slice(0, a.indexOf('=')).toLowerCase(), a.slice(a.indexOf('=') + 1)]),
  );

export function lintApache(file: string, text: string, opts: LintOptions = {}): Diagnostic[] {
  const f = new Findings(file);
  const { directives, error } = parseApache(text);
  if (error) {
    f.add('lb-parse', 'error', error.line, error.column, `Apache config: ${error.message}`);
    return f.list;
  }
  const { errorBelowS, warnBelowS } = thresholds(opts);

  for (const d of directives)
    if (is(d, 'ProxyRequests') && /^on$/i.test(d.args[0] ?? ''))
      f.add(
        'lb-forward-proxy',
        'error',
        d.line,
        d.column,
        '"ProxyRequests On" turns this server into an open forward proxy (the GMS Apache sample); a reverse proxy needs only ProxyPass: "ProxyRequests Off"',
      );

  // Balancers: members and their parameters, from <Proxy balancer://x> sections and
  // "BalancerMember balancer://x url" lines.
  const balancers = new Map<
    string,
    { members: Directive[]; set: Map<string, string>; at: Directive }
  >();
  const balancerOf = (d: Directive): string | undefined => {
    const sec = [...d.sections].reverse().find((s) => /^Proxy\s+balancer:\/\//i.test(s));
    if (sec) return sec.replace(/^Proxy\s+/i, '').replace(/\/$/, '');
    if (is(d, 'BalancerMember') && /^balancer:\/\//i.test(d.args[0] ?? ''))
      return d.args[0]!.replace(/\/$/, '');
    return undefined;
  };
  for (const d of directives) {
    const b = balancerOf(d);
    if (!b) continue;
    const entry = balancers.get(b) ?? {
      members: [] as Directive[],
      set: new Map<string, string>(),
      at: d,
    };
    if (is(d, 'BalancerMember')) entry.members.push(d);
    if (is(d, 'ProxySet')) for (const [k, v] of params(d.args)) entry.set.set(k, v);
    balancers.set(b, entry);
  }

  const proxyPasses = directives.filter(
    (d) => is(d, 'ProxyPass') && d.args.length >= 2 && d.args[1] !== '!',
  );
  const globalTimeout: { seconds: number; at: Directive | undefined } = (() => {
    const pt = [...directives].reverse().find((d) => is(d, 'ProxyTimeout'));
    const t = [...directives].reverse().find((d) => is(d, 'Timeout'));
    const d = pt ?? t;
    return d ? { seconds: Number(d.args[0]), at: d } : { seconds: 60, at: undefined };
  })();

  // WebSocket: upgrade=websocket on ProxyPass / BalancerMember, or ws:// via mod_proxy_wstunnel.
  const wsRewrite = directives.some(
    (d) =>
      is(d, 'RewriteRule') && /\bwss?:\/\//i.test(d.args[1] ?? '') && /\bP\b/.test(d.args[2] ?? ''),
  );
  const wsPass = proxyPasses.some((d) => /^wss?:\/\//i.test(d.args[1]!));
  const upgradeParam = (args: readonly string[]) =>
    /websocket|\*/i.test(params(args).get('upgrade') ?? '');
  for (const pp of proxyPasses) {
    const url = pp.args[1]!;
    if (!/^(https?|balancer):\/\//i.test(url)) continue;
    const b = /^balancer:\/\//i.test(url)
      ? balancers.get(url.replace(/(balancer:\/\/[^/]+).*/i, '$1'))
      : undefined;
    const upgrades =
      upgradeParam(pp.args) || (b?.members.every((m) => upgradeParam(m.args)) ?? false);
    if (!upgrades && !wsRewrite && !wsPass)
      f.add(
        'lb-websocket',
        'error',
        pp.line,
        pp.column,
        `ProxyPass ${pp.args[0]} does not pass WebSocket upgrades: add upgrade=websocket (mod_proxy_http >= 2.4.47${b ? ', on each BalancerMember' : ''}) or proxy ws:// with mod_proxy_wstunnel`,
      );

    // Proxy timeout (§1 rule 1): worker timeout=, else ProxySet timeout=, else ProxyTimeout/Timeout (60 s).
    const workerTimeouts: Array<{ seconds: number; at: Directive }> = [];
    const own = params(pp.args).get('timeout');
    if (own) workerTimeouts.push({ seconds: Number(own), at: pp });
    else if (b) {
      for (const m of b.members) {
        const t = params(m.args).get('timeout') ?? b.set.get('timeout');
        if (t) workerTimeouts.push({ seconds: Number(t), at: m });
        else if (globalTimeout.at)
          workerTimeouts.push({ seconds: globalTimeout.seconds, at: globalTimeout.at });
      }
    } else if (globalTimeout.at)
      workerTimeouts.push({ seconds: globalTimeout.seconds, at: globalTimeout.at });
    for (const t of workerTimeouts) {
      if (!Number.isFinite(t.seconds)) continue;
      if (t.seconds < errorBelowS)
        f.add(
          'lb-read-timeout',
          'error',
          t.at.line,
          t.at.column,
          `proxy timeout ${fmtS(t.seconds)} answers every idle CometD long poll (held ${fmtS(errorBelowS - 5)}) with an error; use ProxyTimeout ${Math.ceil(warnBelowS)} or more`,
        );
      else if (t.seconds < warnBelowS)
        f.add(
          'lb-read-timeout',
          'warning',
          t.at.line,
          t.at.column,
          `proxy timeout ${fmtS(t.seconds)} is below CometD timeout + maxNetworkDelay + 5 s (${fmtS(warnBelowS)})`,
        );
    }

    // Stickiness: a balancer of several members needs stickysession and a route per member.
    if (b && b.members.length > 1) {
      const sticky = params(pp.args).get('stickysession') ?? b.set.get('stickysession');
      if (!sticky)
        f.add(
          'lb-stickiness',
          'error',
          pp.line,
          pp.column,
          `${url} balances ${b.members.length} GMS nodes without stickysession: CometD long polls must stay on one node (ProxySet stickysession=ROUTEID, a route= per member, and a Set-Cookie on BALANCER_ROUTE_CHANGED)`,
        );
      else
        for (const m of b.members)
          if (!params(m.args).has('route'))
            f.add(
              'lb-stickiness',
              'error',
              m.line,
              m.column,
              `BalancerMember ${m.args[0] ?? ''} has no route=: stickysession cannot find it`,
            );
    }
  }
  return f.list;
}
