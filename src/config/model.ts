/**
 * GmsConfig: what a GMS node reads, as ordered sections of ordered key/value strings (GMS
 * receives every option as a string; DESIGN.md, "API": "they are rendered as GMS strings").
 *
 * A Map keeps insertion order for every key (a plain object would move integer-like keys
 * first). The serializer imposes the canonical order, so insertion order never changes the
 * rendered text or its hash.
 */
import type { IniDocument } from './ini/types.js';

export type GmsSection = Map<string, string>;
export type GmsConfig = Map<string, GmsSection>;

export function emptyConfig(): GmsConfig {
  return new Map();
}

/** The section, created (empty) when absent. */
export function ensureSection(config: GmsConfig, section: string): GmsSection {
  let s = config.get(section);
  if (!s) {
    s = new Map();
    config.set(section, s);
  }
  return s;
}

export function setOption(config: GmsConfig, section: string, key: string, value: string): void {
  ensureSection(config, section).set(key, value);
}

export function getOption(config: GmsConfig, section: string, key: string): string | undefined {
  return config.get(section)?.get(key);
}

/** Number of key/value pairs over all sections. */
export function optionCount(config: GmsConfig): number {
  let n = 0;
  for (const s of config.values()) n += s.size;
  return n;
}

/** Build a config from plain objects: `{ chat: { enable_notification_mode: 'true' } }`. */
export function configFromObject(obj: Record<string, Record<string, string>>): GmsConfig {
  const config = emptyConfig();
  for (const [section, entries] of Object.entries(obj)) {
    const s = ensureSection(config, section);
    for (const [k, v] of Object.entries(entries)) s.set(k, v);
  }
  return config;
}

/** Plain-object view (JSON, test output). Integer-like keys lose their order here. */
export function configToObject(config: GmsConfig): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [section, entries] of config) out[section] = Object.fromEntries(entries);
  return out;
}

/** A deep copy. */
export function cloneConfig(config: GmsConfig): GmsConfig {
  const out = emptyConfig();
  for (const [section, entries] of config) out.set(section, new Map(entries));
  return out;
}

/**
 * Layer configs the way a node reads its files (static.ini, dynamic.ini, secrets.ini): later
 * keys win (DESIGN.md, "Container contract").
 */
export function mergeConfigs(...layers: GmsConfig[]): GmsConfig {
  const out = emptyConfig();
  for (const layer of layers) {
    for (const [section, entries] of layer) {
      const s = ensureSection(out, section);
      for (const [k, v] of entries) s.set(k, v);
    }
  }
  return out;
}

/**
 * The effective config of a parsed INI document: duplicated sections merged, the last value of
 * a duplicated key kept (the parser reports both). Entries before the first section header are
 * not part of any section (GMS ignores them) and are left out; `doc.preamble` still has them.
 */
export function configFromIni(doc: IniDocument): GmsConfig {
  const config = emptyConfig();
  for (const section of doc.sections) {
    const s = ensureSection(config, section.name);
    for (const e of section.entries) s.set(e.key, e.value);
  }
  return config;
}
