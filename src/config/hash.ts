/**
 * Content hash of a config: the operator names the immutable ConfigMap of restart-required
 * options after it (DESIGN.md, "Non-dynamic options never reach a running node"), so a change
 * creates a new ConfigMap and a rollout, and an unchanged config keeps its name.
 */
import { createHash } from 'node:crypto';
import type { GmsConfig } from './model.js';
import { serializeIni } from './ini/serialize.js';

/** sha256 (hex) of the canonical serialization (no header), so insertion order never matters. */
export function configHash(config: GmsConfig): string {
  return createHash('sha256').update(serializeIni(config), 'utf8').digest('hex');
}

/** The first `length` hex digits of configHash, for object names (default 10, as Kustomize does). */
export function shortConfigHash(config: GmsConfig, length = 10): string {
  return configHash(config).slice(0, length);
}
