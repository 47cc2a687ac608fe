/**
 * Reading a node's configuration: one gms.ini, or the container contract's three files
 * (DESIGN.md, "Container contract": /etc/gms/static.ini, dynamic.ini, secrets.ini, read in
 * that order, later keys winning). Every key remembers the file, line and column it came from,
 * so a bad value is reported where it is written.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configFromIni, mergeConfigs, parseIni, type GmsConfig } from '../../config/index.js';

export const CONTRACT_FILES = ['static.ini', 'dynamic.ini', 'secrets.ini'] as const;

export type ConfigSource = { kind: 'file'; path: string } | { kind: 'dir'; dir: string };

export interface Origin {
  file: string;
  line: number;
  column: number;
}

export interface LoadedConfig {
  config: GmsConfig;
  /** `section\0key` -> where the winning value is written. */
  origins: Map<string, Origin>;
  /** The files read, in order (missing optional files are left out). */
  files: string[];
  /** Raw bytes per file, to tell a real change from a touch. */
  fingerprint: string;
}

export class ConfigError extends Error {}

export const originKey = (section: string, key: string): string => `${section}\u0000${key}`;

/** "file:line:col: " for a key, or "" when unknown. */
export function where(loaded: Pick<LoadedConfig, 'origins'>, section: string, key: string): string {
  const o = loaded.origins.get(originKey(section, key));
  return o ? `${o.file}:${o.line}:${o.column}: ` : '';
}

export function filesOf(source: ConfigSource): { path: string; required: boolean }[] {
  if (source.kind === 'file') return [{ path: source.path, required: true }];
  // static.ini is what makes a node; dynamic.ini and secrets.ini may legitimately be absent
  // (nothing dynamic, no credentials).
  return CONTRACT_FILES.map((f, i) => ({ path: join(source.dir, f), required: i === 0 }));
}

/** Read and parse the files; throws ConfigError listing every syntax error with its position. */
export async function loadConfig(source: ConfigSource): Promise<LoadedConfig> {
  const layers: GmsConfig[] = [];
  const origins = new Map<string, Origin>();
  const files: string[] = [];
  const errors: string[] = [];
  let fingerprint = '';
  for (const { path, required } of filesOf(source)) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !required) continue;
      throw new ConfigError(
        `${path}: cannot read: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      );
    }
    files.push(path);
    fingerprint += `${path}\u0000${text}\u0001`;
    const doc = parseIni(text);
    for (const p of doc.problems)
      if (p.severity === 'error')
        errors.push(`${path}:${p.line}:${p.column}: ${p.message} (${p.rule})`);
    for (const section of doc.sections)
      for (const e of section.entries)
        origins.set(originKey(section.name, e.key), {
          file: path,
          line: e.valuePos.line,
          column: e.valuePos.column,
        });
    layers.push(configFromIni(doc));
  }
  if (errors.length > 0) throw new ConfigError(errors.join('\n'));
  return { config: mergeConfigs(...layers), origins, files, fingerprint };
}
