/**
 * The objects the rules look at. A manifest object is what a YAML document (or an item of a
 * `kind: List`) holds, plus a way back to its source position; objects handed over in memory
 * by the operator have no source and report line 1, column 1 with the field path.
 */
import type { Diagnostic, Severity } from './diagnostic.js';
import { ruleSeverity } from './rules/meta.js';
import type { Path, Position } from './yaml/path.js';
import { formatPath } from './yaml/path.js';

export type Locator = (path: Path, at: 'key' | 'value') => Position;

/**
 * What names an object in diagnostics: enough to say which object and where, without its
 * data. The cross-object rules keep this (and a few fields they need) for every object once
 * its document has been checked and dropped (rules/index.ts).
 */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  /** metadata.name ('' when missing: the schema rule reports it). */
  name: string;
  /** metadata.namespace, undefined when not set (kubectl applies it to the current namespace). */
  namespace: string | undefined;
  /** The file shown in diagnostics, or `<kind>/<namespace>/<name>` for in-memory objects. */
  file: string;
  locate: Locator;
}

export interface ManifestObject extends ObjectRef {
  data: Record<string, unknown>;
  /** The quick schema verdict when it was computed while parsing (see SchemaValidator). */
  schemaOk?: boolean;
}

/** A Secret among the inputs: only key names and decoded values, never printed. */
export interface SecretObject extends ManifestObject {
  values: Record<string, string>;
}

export interface ValidationModel {
  chatServices: ManifestObject[];
  pushProviders: ManifestObject[];
  secrets: SecretObject[];
  /** Objects of the gms.chatops.io group with a kind it does not have. */
  unknownKinds: ManifestObject[];
}

/** What a rule reports; the engine turns it into a Diagnostic with a position. */
export interface Finding {
  rule: string;
  message: string;
  obj: ObjectRef;
  path: Path;
  /** Point at the key (unknown/misplaced fields) or the value (bad values). Default value. */
  at?: 'key' | 'value';
  /** Overrides the rule's default severity. */
  severity?: Severity;
}

export type Emit = (f: Finding) => void;

export function toDiagnostic(f: Finding): Diagnostic {
  const { line, column } = f.obj.locate(f.path, f.at ?? 'value');
  const d: Diagnostic = {
    file: f.obj.file,
    line,
    column,
    severity: f.severity ?? ruleSeverity(f.rule),
    rule: f.rule,
    message: f.message,
  };
  if (f.path.length > 0) d.path = formatPath(f.path);
  return d;
}

/** `ChatService contact-center/customer-support`: how messages name an object. */
export function describeObject(o: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name || '(unnamed)'}`;
}

/** Objects without a namespace match any namespace (kubectl puts them in the current one). */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The value at `path`, or undefined. An indexed loop rather than for-of: rules call this a few
 * hundred thousand times per run, much of it before the JIT has optimized anything, where the
 * iterator protocol is the larger part of the cost.
 */
export function get(obj: unknown, path: Path): unknown {
  let cur: unknown = obj;
  for (let i = 0; i < path.length; i++) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[path[i]!];
  }
  return cur;
}

/** `v[key]` when v is an object, else undefined: one step of get(), for rules that read a few
 * fields under the same parent. */
export function field(v: unknown, key: string): unknown {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
}
