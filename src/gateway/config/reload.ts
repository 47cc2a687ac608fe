/**
 * Applying a changed configuration to a running node. Options whose changes take effect
 * immediately (catalog takesEffect) are applied in place; a change to a restart-required or
 * unknown option is refused and logged, and the node keeps the value it started with: the
 * seed warns that changing enable_notification_mode at runtime "may lead to incorrect node
 * behavior", and DESIGN.md's first rule is that non-dynamic options never reach a running node.
 */
import { takesEffect } from '../../catalog/index.js';
import { cloneConfig, type GmsConfig } from '../../config/index.js';
import { isCredentialOption } from '../../config/names.js';

export interface OptionChange {
  section: string;
  key: string;
  /** Undefined when the key is added. */
  from?: string;
  /** Undefined when the key is removed. */
  to?: string;
}

export interface ReloadPlan {
  /** The configuration the node runs with after the reload. */
  effective: GmsConfig;
  applied: OptionChange[];
  refused: (OptionChange & { reason: string })[];
}

/**
 * Sections whose presence defines the node's shape: a chat service (its CometD channel), a
 * push provider, the Chat Server connections. Adding or removing one needs a restart.
 */
function isStructural(section: string): boolean {
  return (
    section.startsWith('chat.') || section.startsWith('push.provider.') || section === 'connections'
  );
}

export function planReload(current: GmsConfig, next: GmsConfig): ReloadPlan {
  const effective = cloneConfig(current);
  const applied: OptionChange[] = [];
  const refused: ReloadPlan['refused'] = [];
  const sections = new Set([...current.keys(), ...next.keys()]);
  for (const section of sections) {
    const before = current.get(section);
    const after = next.get(section);
    const keys = new Set([...(before?.keys() ?? []), ...(after?.keys() ?? [])]);
    const sectionAddedOrRemoved = (before === undefined) !== (after === undefined);
    for (const key of keys) {
      const from = before?.get(key);
      const to = after?.get(key);
      if (from === to) continue;
      const change: OptionChange = { section, key };
      if (from !== undefined) change.from = from;
      if (to !== undefined) change.to = to;
      if (sectionAddedOrRemoved && isStructural(section)) {
        refused.push({
          ...change,
          reason: `section [${section}] ${before ? 'removed' : 'added'}: needs a restart`,
        });
        continue;
      }
      if (takesEffect(section, key) !== 'immediate') {
        refused.push({
          ...change,
          reason: 'takes effect after restart (or unknown to the catalog)',
        });
        continue;
      }
      applied.push(change);
      let s = effective.get(section);
      if (!s) {
        s = new Map();
        effective.set(section, s);
      }
      if (to === undefined) s.delete(key);
      else s.set(key, to);
    }
    if (sectionAddedOrRemoved && isStructural(section) && keys.size === 0)
      refused.push({
        section,
        key: '*',
        reason: `section [${section}] ${before ? 'removed' : 'added'}: needs a restart`,
      });
  }
  return { effective, applied, refused };
}

/** A change as a log line; credentials never show their values. */
export function describeChange(c: OptionChange): string {
  const show = (v: string | undefined): string =>
    v === undefined
      ? '(unset)'
      : isCredentialOption(c.section, c.key)
        ? '(secret)'
        : JSON.stringify(v);
  return `[${c.section}] ${c.key}: ${show(c.from)} -> ${show(c.to)}`;
}
