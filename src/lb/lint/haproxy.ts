/**
 * Lint a hand-written haproxy.cfg that fronts GMS (domain/load-balancers.md §1, §3):
 * stickiness (cookie insert with a cookie on every server, or a stick table / balance source),
 * `timeout server` above the long poll (the GMS sample's 25s is below CometD's 30 s),
 * `timeout tunnel` for WebSockets, no `retry-on` that replays a timed-out request.
 */
import type { Diagnostic } from '../../validate/diagnostic.js';
import { Findings, fmtS, parseHaproxyTime, thresholds, type LintOptions } from './common.js';

interface Line {
  words: string[];
  line: number;
  column: number;
}

interface Section {
  kind: string;
  name: string | undefined;
  line: number;
  column: number;
  lines: Line[];
}

const SECTION_KEYWORDS = new Set([
  'global',
  'defaults',
  'frontend',
  'backend',
  'listen',
  'resolvers',
  'peers',
  'userlist',
  'mailers',
  'program',
  'http-errors',
  'ring',
  'cache',
  'fcgi-app',
  'crt-store',
]);

/** Split a config line into words (HAProxy quoting: "..." and '...', backslash escapes), with columns. */
function words(text: string): { words: string[]; column: number } | undefined {
  const out: string[] = [];
  let i = 0;
  let first = -1;
  while (i < text.length) {
    while (i < text.length && /[ \t]/.test(text[i]!)) i++;
    if (i >= text.length || text[i] === '#') break;
    if (first < 0) first = i;
    let w = '';
    while (i < text.length && !/[ \t]/.test(text[i]!)) {
      const c = text[i]!;
      if (c === '\\' && i + 1 < text.length) {
        w += text[i + 1];
        i += 2;
      } else if (c === '"' || c === "'") {
        const end = text.indexOf(c, i + 1);
        if (end < 0) return undefined;
        w += text.slice(i + 1, end);
        i = end + 1;
      } else {
        w += c;
        i++;
      }
    }
    out.push(w);
  }
  return out.length ? { words: out, column: first + 1 } : { words: [], column: 1 };
}

export function parseHaproxy(text: string): {
  sections: Section[];
  error?: { line: number; column: number; message: string };
} {
  const sections: Section[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const w = words(lines[n]!);
    if (!w) return { sections, error: { line: n + 1, column: 1, message: 'unterminated quote' } };
    if (w.words.length === 0) continue;
    const kw = w.words[0]!;
    if (SECTION_KEYWORDS.has(kw)) {
      sections.push({ kind: kw, name: w.words[1], line: n + 1, column: w.column, lines: [] });
      continue;
    }
    const current = sections.at(-1);
    if (!current)
      return {
        sections,
        error: { line: n + 1, column: w.column, message: `"${kw}" outside of any section` },
      };
    current.lines.push({ words: w.words, line: n + 1, column: w.column });
  }
  return { sections };
}

function find(lines: readonly Line[], ...prefix: string[]): Line | undefined {
  return [...lines].reverse().find((l) => prefix.every((p, i) => l.words[i] === p));
}

export function lintHaproxy(file: string, text: string, opts: LintOptions = {}): Diagnostic[] {
  const f = new Findings(file);
  const { sections, error } = parseHaproxy(text);
  if (error) {
    f.add('lb-parse', 'error', error.line, error.column, `haproxy config: ${error.message}`);
    return f.list;
  }
  const { errorBelowS, warnBelowS } = thresholds(opts);
  let defaults: Section | undefined;
  for (const s of sections) {
    if (s.kind === 'defaults') {
      defaults = s;
      checkRetryOn(f, s);
      continue;
    }
    if (s.kind !== 'backend' && s.kind !== 'listen') continue;
    const servers = s.lines.filter((l) => l.words[0] === 'server');
    if (servers.length === 0) continue;
    const inherited = defaults?.lines ?? [];
    const eff = (...p: string[]) => find(s.lines, ...p) ?? find(inherited, ...p);
    checkRetryOn(f, s);

    // Stickiness (§3.1, §3.2).
    const cookie = find(s.lines, 'cookie') ?? find(inherited, 'cookie');
    const sticky = s.lines.some((l) => l.words[0] === 'stick' || l.words[0] === 'stick-table');
    const balance = eff('balance')?.words[1];
    const hashBalance =
      balance !== undefined && /^(source|hdr|uri|url_param|hash|rdp-cookie)/.test(balance);
    const serverCookies = servers.filter((l) => l.words.includes('cookie'));
    if (cookie) {
      if (cookie.words.includes('dynamic')) {
        /* cookie values derived from address + dynamic-cookie-key */
      } else {
        for (const srv of servers)
          if (!srv.words.includes('cookie'))
            f.add(
              'lb-stickiness',
              'error',
              srv.line,
              srv.column,
              `server ${srv.words[1] ?? ''} has no "cookie <value>": clients on it are not stuck to it (the backend's "cookie ${cookie.words[1] ?? ''}" needs a value per server)`,
            );
      }
    } else if (servers.length > 1 && !sticky && !hashBalance) {
      const where = serverCookies[0] ?? s;
      f.add(
        'lb-stickiness',
        'error',
        where.line,
        where.column,
        serverCookies.length > 0
          ? `servers carry "cookie" values but ${s.kind} ${s.name ?? ''} has no "cookie <name> insert indirect nocache" line, so nothing is sticky (the GMS HAProxy sample)`
          : `${s.kind} ${s.name ?? ''} balances ${servers.length} GMS nodes without stickiness: add "cookie GMSROUTE insert indirect nocache httponly" and "cookie <value>" per server, or "stick on src"`,
      );
    }

    // timeout server (§1 rule 1, §3.3).
    const ts = eff('timeout', 'server');
    const tsS = parseHaproxyTime(ts?.words[2]);
    if (!ts) {
      f.add(
        'lb-read-timeout',
        'warning',
        s.line,
        s.column,
        `${s.kind} ${s.name ?? ''} has no "timeout server": HAProxy waits forever on a hung node; set one of at least ${fmtS(warnBelowS)}`,
      );
    } else if (tsS !== undefined && tsS < errorBelowS) {
      f.add(
        'lb-read-timeout',
        'error',
        ts.line,
        ts.column,
        `timeout server ${ts.words[2]} (${fmtS(tsS)}) answers every idle CometD long poll (held ${fmtS(errorBelowS - 5)}) with 504${tsS === 25 ? ' (the GMS sample value)' : ''}; use at least ${fmtS(warnBelowS)}`,
      );
    } else if (tsS !== undefined && tsS < warnBelowS) {
      f.add(
        'lb-read-timeout',
        'warning',
        ts.line,
        ts.column,
        `timeout server ${ts.words[2]} (${fmtS(tsS)}) is below CometD timeout + maxNetworkDelay + 5 s (${fmtS(warnBelowS)})`,
      );
    }

    // timeout tunnel (§1 rule 2, §3.3).
    const tt = eff('timeout', 'tunnel');
    const ttS = parseHaproxyTime(tt?.words[2]);
    if (!tt) {
      f.add(
        'lb-tunnel-timeout',
        'warning',
        s.line,
        s.column,
        `no "timeout tunnel": idle CometD WebSockets end after timeout client/server; add "timeout tunnel 1h"`,
      );
    } else if (ttS !== undefined && ttS < warnBelowS) {
      f.add(
        'lb-tunnel-timeout',
        'warning',
        tt.line,
        tt.column,
        `timeout tunnel ${tt.words[2]} (${fmtS(ttS)}) ends idle CometD WebSockets; use 1h`,
      );
    }
  }
  return f.list;
}

/** retry-on response-timeout / all-retryable-errors replays a held long poll (§2.4 for HAProxy). */
function checkRetryOn(f: Findings, s: Section): void {
  for (const l of s.lines) {
    if (l.words[0] !== 'retry-on') continue;
    const bad = l.words
      .slice(1)
      .filter(
        (w) => w === 'response-timeout' || w === 'all-retryable-errors' || w === 'empty-response',
      );
    if (bad.length > 0)
      f.add(
        'lb-retry-on-timeout',
        'error',
        l.line,
        l.column,
        `retry-on ${bad.join(' ')} replays a CometD long poll on another node; keep the default (conn-failure)`,
      );
  }
}
