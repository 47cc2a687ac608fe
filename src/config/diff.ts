/**
 * diff(old, new): what changes between two configs, and whether each change can be applied to a
 * running node (a dynamic option: the mutable ConfigMap changes in place) or needs a restart
 * (everything else, including every unknown option: domain/gms.md §0, "anything not clearly
 * immediate, and every unknown option, is restart-required"). The operator rolls nodes
 * (DetachReattach) only when hasRestartRequired(changes); `gmsctl plan` prints the list.
 */
import { takesEffect } from '../catalog/index.js';
import type { GmsConfig } from './model.js';
import { compareKeys, compareSectionNames } from './ini/serialize.js';
import { isCredentialOption, isUnknownCredentialLike } from './names.js';

export type ChangeKind = 'added' | 'removed' | 'changed';
export type ChangeEffect = 'dynamic' | 'restart';

export interface ConfigChange {
  section: string;
  /** The option; '' when a section without keys was added or removed (the section itself). */
  key: string;
  kind: ChangeKind;
  old?: string;
  new?: string;
  effect: ChangeEffect;
  /** A credential: `old`/`new` are left out, so a plan or a log never shows a secret. */
  credential?: boolean;
}

/** How a change to `key` in `section` reaches a node. Unknown options: restart. */
export function changeEffect(section: string, key: string): ChangeEffect {
  return key !== '' && takesEffect(section, key) === 'immediate' ? 'dynamic' : 'restart';
}

function change(
  section: string,
  key: string,
  kind: ChangeKind,
  oldValue: string | undefined,
  newValue: string | undefined,
): ConfigChange {
  const c: ConfigChange = { section, key, kind, effect: changeEffect(section, key) };
  // Unknown keys that look like credentials are hidden too: `gmsctl plan` over INI files may see
  // a [server] keystore password the renderer would never write.
  if (key !== '' && (isCredentialOption(section, key) || isUnknownCredentialLike(key))) {
    c.credential = true;
    return c;
  }
  if (oldValue !== undefined) c.old = oldValue;
  if (newValue !== undefined) c.new = newValue;
  return c;
}

/** Every difference between `oldConfig` and `newConfig`, in canonical section and key order. */
export function diff(oldConfig: GmsConfig, newConfig: GmsConfig): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const sections = [...new Set([...oldConfig.keys(), ...newConfig.keys()])].sort(
    compareSectionNames,
  );
  for (const section of sections) {
    const before = oldConfig.get(section);
    const after = newConfig.get(section);
    if (!before && after?.size === 0) {
      changes.push(change(section, '', 'added', undefined, undefined));
      continue;
    }
    if (!after && before?.size === 0) {
      changes.push(change(section, '', 'removed', undefined, undefined));
      continue;
    }
    const keys = [...new Set([...(before?.keys() ?? []), ...(after?.keys() ?? [])])].sort(
      compareKeys,
    );
    for (const key of keys) {
      const o = before?.get(key);
      const n = after?.get(key);
      if (o === n) continue;
      if (o === undefined) changes.push(change(section, key, 'added', undefined, n));
      else if (n === undefined) changes.push(change(section, key, 'removed', o, undefined));
      else changes.push(change(section, key, 'changed', o, n));
    }
  }
  return changes;
}

/** Whether applying the changes needs a node restart (a rollout). */
export function hasRestartRequired(changes: readonly ConfigChange[]): boolean {
  return changes.some((c) => c.effect === 'restart');
}

export function dynamicChanges(changes: readonly ConfigChange[]): ConfigChange[] {
  return changes.filter((c) => c.effect === 'dynamic');
}

export function restartChanges(changes: readonly ConfigChange[]): ConfigChange[] {
  return changes.filter((c) => c.effect === 'restart');
}

export interface DiffSummary {
  total: number;
  added: number;
  removed: number;
  changed: number;
  dynamic: number;
  restart: number;
}

export function summarizeDiff(changes: readonly ConfigChange[]): DiffSummary {
  const s: DiffSummary = {
    total: changes.length,
    added: 0,
    removed: 0,
    changed: 0,
    dynamic: 0,
    restart: 0,
  };
  for (const c of changes) {
    s[c.kind]++;
    s[c.effect]++;
  }
  return s;
}

/**
 * One line per change, as `gmsctl plan` prints it:
 *   + [push] fcm.title = New (restart)
 *   ~ [chat.svc] _client_timeout_notification: 90 -> 30 (dynamic)
 *   - [push.provider.x] fcm.apiKey (credential, restart)
 */
export function formatChange(c: ConfigChange): string {
  const mark = c.kind === 'added' ? '+' : c.kind === 'removed' ? '-' : '~';
  const target = c.key === '' ? `[${c.section}] (section)` : `[${c.section}] ${c.key}`;
  const effect = c.credential ? `credential, ${c.effect}` : c.effect;
  if (c.credential || c.key === '') return `${mark} ${target} (${effect})`;
  if (c.kind === 'added') return `${mark} ${target} = ${c.new} (${effect})`;
  if (c.kind === 'removed') return `${mark} ${target} (was ${c.old}) (${effect})`;
  return `${mark} ${target}: ${c.old} -> ${c.new} (${effect})`;
}
