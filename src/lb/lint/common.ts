/**
 * Shared pieces of the load-balancer linters: rule ids, duration parsing, thresholds. Rules
 * encode domain/load-balancers.md §1 (what CometD needs from a load balancer).
 */
import type { Diagnostic, Severity } from '../../validate/diagnostic.js';
import type { RuleMeta } from '../../validate/rules/meta.js';
import { readTimeoutThresholds } from '../timeouts.js';
import type { CometdTiming } from '../types.js';

export const LB_RULES: readonly RuleMeta[] = [
  {
    id: 'lb-parse',
    severity: 'error',
    summary: 'The load-balancer config cannot be read (unbalanced braces, sections or quotes).',
  },
  {
    id: 'lb-websocket',
    severity: 'error',
    summary: 'The proxy does not pass WebSocket upgrades to GMS (CometD websocket transport).',
  },
  {
    id: 'lb-stickiness',
    severity: 'error',
    summary:
      'Several GMS nodes without session stickiness: CometD long polls must stay on one node.',
  },
  {
    id: 'lb-read-timeout',
    severity: 'error',
    summary: 'The read timeout toward GMS is shorter than a CometD long poll (+ network delay).',
  },
  {
    id: 'lb-retry-on-timeout',
    severity: 'error',
    summary: 'The proxy retries a timed-out request on another node, replaying the long poll.',
  },
  { id: 'lb-buffering', severity: 'warning', summary: 'Response buffering is on for CometD.' },
  {
    id: 'lb-tunnel-timeout',
    severity: 'warning',
    summary: 'No (or a short) WebSocket tunnel timeout.',
  },
  {
    id: 'lb-forward-proxy',
    severity: 'error',
    summary: '"ProxyRequests On" makes the server an open forward proxy (GMS Apache sample).',
  },
];

export interface LintOptions {
  cometd?: CometdTiming;
}

export class Findings {
  readonly list: Diagnostic[] = [];
  constructor(readonly file: string) {}
  add(rule: string, severity: Severity, line: number, column: number, message: string): void {
    // One finding per rule and position (e.g. a ProxyTimeout inherited by several members).
    if (this.list.some((d) => d.rule === rule && d.line === line && d.column === column)) return;
    this.list.push({ file: this.file, line, column, severity, rule, message });
  }
}

/** Thresholds (seconds) for the read timeout rule. */
export function thresholds(opts: LintOptions): { errorBelowS: number; warnBelowS: number } {
  return readTimeoutThresholds(opts.cometd);
}

/** nginx time: `90`, `90s`, `2m`, `1500ms`, `1h`, `1m30s`. Seconds, or undefined. */
export function parseNginxTime(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const re = /(\d+)(ms|s|m|h|d|w|M|y)?/gy;
  const units: Record<string, number> = {
    ms: 0.001,
    s: 1,
    m: 60,
    h: 3600,
    d: 86400,
    w: 604800,
    M: 2592000,
    y: 31536000,
  };
  let total = 0;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(v)) !== null) {
    total += Number(m[1]) * units[m[2] ?? 's']!;
    pos = re.lastIndex;
  }
  return pos === v.length && v.length > 0 ? total : undefined;
}

/** HAProxy time: default unit ms; `us`, `ms`, `s`, `m`, `h`, `d`. Seconds, or undefined. */
export function parseHaproxyTime(v: string | undefined): number | undefined {
  const m = v === undefined ? null : /^(\d+)(us|ms|s|m|h|d)?$/.exec(v);
  if (!m) return undefined;
  const units: Record<string, number> = { us: 1e-6, ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
  return Number(m[1]) * units[m[2] ?? 'ms']!;
}

export function fmtS(s: number): string {
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(3).replace(/0+$/, '')} s`;
}

/** Does the text look like it fronts GMS (mentions its paths or names)? */
export function mentionsGms(file: string, text: string): boolean {
  return /genesys|cometd|\bgms|gms[-_]/i.test(text) || /gms|genesys|cometd/i.test(file);
}
