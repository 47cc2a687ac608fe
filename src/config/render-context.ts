/**
 * The renderer's working state: the config being built, where each value came from (for
 * conflict messages that name both fields), which values came from Secrets, and the problems,
 * missing Secrets and mounted Secret files it reports. render.ts and render-provider.ts drive it.
 */
import type { SecretData, SecretKeySelector } from '../api/types.js';
import { emptyConfig, ensureSection } from './model.js';
import { iniKeyProblem, iniValueProblem, printable, sectionNameProblem } from './ini/safety.js';
import { optionValueToString } from './values.js';
import { isCredentialOption, isUnknownCredentialLike } from './names.js';

export interface ObjectRef {
  kind: 'ChatService' | 'PushProvider';
  name: string;
  namespace?: string;
}

/** Path of a field inside its object, e.g. ['spec', 'options', 'fcm.title']. */
export type FieldPath = readonly (string | number)[];

export type RenderRule =
  | 'render-unsafe-section'
  | 'render-unsafe-key'
  | 'render-unsafe-value'
  | 'render-invalid-value'
  | 'render-inline-credential'
  | 'render-conflict'
  | 'render-override'
  | 'render-missing-provider'
  | 'render-ignored-field'
  | 'render-dedicated-section';

export interface RenderProblem {
  severity: 'error' | 'warning';
  rule: RenderRule;
  object: ObjectRef;
  path: FieldPath;
  message: string;
  section?: string;
  key?: string;
}

/** A credential left out because its Secret key was not given. */
export interface MissingSecret {
  secretName: string;
  key: string;
  /** Where the credential goes. */
  section: string;
  option: string;
  object: ObjectRef;
  path: FieldPath;
}

/** A Secret key the operator mounts as a file at `path` (Apple keystores). */
export interface SecretFile {
  secretName: string;
  key: string;
  path: string;
  provider: string;
}

/** `spec.options["fcm.title"]`: a field path as users read it. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export function describe(object: ObjectRef, path: FieldPath): string {
  return `${object.kind} ${object.name} ${formatPath(path)}`;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isSelector(v: unknown): v is SecretKeySelector {
  return isRecord(v) && typeof v.name === 'string' && typeof v.key === 'string';
}

// ---------------------------------------------------------------------------------------------
// The renderer
// ---------------------------------------------------------------------------------------------

export interface Source {
  object: ObjectRef;
  path: FieldPath;
  /** The value comes from a Secret key (never printed in messages). */
  secret?: { name: string; key: string };
}

export type PutMode = 'set' | 'override';

export class Renderer {
  readonly all = emptyConfig();
  readonly problems: RenderProblem[] = [];
  readonly missingSecrets: MissingSecret[] = [];
  readonly secretFiles: SecretFile[] = [];
  private readonly origin = new Map<string, Source>();
  private readonly fromSecret = new Set<string>();
  private readonly badSections = new Set<string>();

  constructor(private readonly secrets: SecretData | undefined) {}

  problem(
    severity: RenderProblem['severity'],
    rule: RenderRule,
    src: Source,
    message: string,
    section?: string,
    key?: string,
  ): void {
    const p: RenderProblem = { severity, rule, object: src.object, path: src.path, message };
    if (section !== undefined) p.section = section;
    if (key !== undefined) p.key = key;
    this.problems.push(p);
  }

  /** The value at `src` should have been an option map; [section] gets nothing from it. */
  notAnOptionMap(section: string, src: Source): void {
    this.problem(
      'error',
      'render-invalid-value',
      src,
      `${formatPath(src.path)} must be a map of option names to values`,
      section,
    );
  }

  section(section: string, src: Source): boolean {
    if (this.badSections.has(section)) return false;
    const why = sectionNameProblem(section);
    if (why) {
      this.badSections.add(section);
      this.problem(
        'error',
        'render-unsafe-section',
        src,
        `cannot render section [${printable(section)}]: ${why}`,
        section,
      );
      return false;
    }
    ensureSection(this.all, section);
    return true;
  }

  put(section: string, key: string, raw: unknown, src: Source, mode: PutMode = 'set'): void {
    if (!this.section(section, src)) return;
    const where = `[${section}] ${printable(key)}`;
    const keyWhy = iniKeyProblem(key);
    if (keyWhy) {
      this.problem(
        'error',
        'render-unsafe-key',
        src,
        `cannot render option "${printable(key)}": ${keyWhy}`,
        section,
        key,
      );
      return;
    }
    const converted = optionValueToString(raw);
    if (!converted.ok) {
      this.problem(
        'error',
        'render-invalid-value',
        src,
        `cannot render ${where}: ${converted.reason}`,
        section,
        key,
      );
      return;
    }
    const value = converted.value;
    const valueWhy = iniValueProblem(value);
    if (valueWhy) {
      const what = src.secret
        ? `the value of Secret ${src.secret.name} key ${src.secret.key}`
        : 'the value';
      this.problem(
        'error',
        'render-unsafe-value',
        src,
        `cannot render ${where}: ${what} is unsafe in INI text (${valueWhy})`,
        section,
        key,
      );
      return;
    }
    if (!src.secret && isCredentialOption(section, key)) {
      this.problem(
        'error',
        'render-inline-credential',
        src,
        `${key} is a credential: set it through a Secret reference, never inline (it is not rendered)`,
        section,
        key,
      );
      return;
    }
    if (!src.secret && isUnknownCredentialLike(key)) {
      this.problem(
        'error',
        'render-inline-credential',
        src,
        `${key} looks like a credential: keep it in a Secret, never inline (it is not rendered into a ConfigMap)`,
        section,
        key,
      );
      return;
    }
    const id = `${section}\u0000${key}`;
    const prev = this.origin.get(id);
    const entries = this.all.get(section)!;
    if (prev) {
      if (entries.get(key) === value) return;
      if (mode === 'override') {
        this.problem(
          'warning',
          'render-override',
          src,
          `${where} overrides the value from ${describe(prev.object, prev.path)}`,
          section,
          key,
        );
      } else {
        this.problem(
          'error',
          'render-conflict',
          src,
          `${where} is already set by ${describe(prev.object, prev.path)}; that value is kept`,
          section,
          key,
        );
        return;
      }
    }
    entries.set(key, value);
    this.origin.set(id, src);
    if (src.secret) this.fromSecret.add(id);
    else this.fromSecret.delete(id);
  }

  /** Fill a credential from a Secret key, or record it as missing. */
  putSecret(section: string, option: string, sel: unknown, src: Source): void {
    if (!isSelector(sel)) {
      this.problem(
        'error',
        'render-invalid-value',
        src,
        `${formatPath(src.path)} must name a Secret and a key`,
        section,
        option,
      );
      return;
    }
    const value = this.secrets?.[sel.name]?.[sel.key];
    if (value === undefined) {
      this.missingSecrets.push({
        secretName: sel.name,
        key: sel.key,
        section,
        option,
        object: src.object,
        path: src.path,
      });
      return;
    }
    this.put(section, option, value, { ...src, secret: { name: sel.name, key: sel.key } });
  }

  options(section: string, map: unknown, src: Source, mode: PutMode = 'set'): void {
    if (map === undefined) return;
    if (!isRecord(map)) {
      this.notAnOptionMap(section, src);
      return;
    }
    for (const [key, raw] of Object.entries(map))
      this.put(section, key, raw, { object: src.object, path: [...src.path, key] }, mode);
  }

  hasSecret(sel: SecretKeySelector): boolean {
    return this.secrets?.[sel.name]?.[sel.key] !== undefined;
  }

  isSecretDerived(section: string, key: string): boolean {
    return this.fromSecret.has(`${section}\u0000${key}`);
  }
}

export function refOf(
  kind: ObjectRef['kind'],
  meta: { name?: string; namespace?: string } | undefined,
): ObjectRef {
  const ref: ObjectRef = { kind, name: meta?.name ?? '' };
  if (meta?.namespace !== undefined) ref.namespace = meta.namespace;
  return ref;
}
