/**
 * One option map of a manifest checked entry by entry (option-check.ts), and where each section's
 * options are written in a ChatService (for "write it under ..." hints). Shared by
 * manifest-options.ts and sections.ts.
 */
import type { SectionPattern } from '../../catalog/index.js';
import type { Emit, ManifestObject, ObjectRef } from '../model.js';
import { get, isRecord } from '../model.js';
import type { Path } from '../yaml/path.js';
import { checkOptionEntry, type OptionSite } from './option-check.js';

export function chatServiceWhere(pattern: SectionPattern): string | undefined {
  switch (pattern) {
    case 'chat':
      return 'spec.chat';
    case 'chat.<service>':
      return 'spec.options';
    case 'push':
      return 'spec.push.options';
    case 'push.provider.<name>':
      return "a PushProvider's spec.options";
    case 'gms':
      return 'spec.gms.options';
    case 'server':
    case 'log':
      return `spec.sections.${pattern}`;
    case 'service.<name>':
      return 'spec.sections["service.<name>"]';
    case 'connections':
      return 'spec.chatServer.endpoints';
    default:
      // The Chat Server application's sections: GMS does not read them.
      return undefined;
  }
}

export function checkMap(obj: ManifestObject, path: Path, site: OptionSite, emit: Emit): void {
  checkMapValue(obj, path, get(obj.data, path), site, emit);
}

/** checkMap for a map already read (or kept after its document was dropped). */
export function checkMapValue(
  obj: ObjectRef,
  path: Path,
  map: unknown,
  site: OptionSite,
  emit: Emit,
): void {
  if (map === undefined) return;
  if (!isRecord(map)) return; // the schema rule reports a non-mapping
  const keys = Object.keys(map);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = map[key];
    const problems = checkOptionEntry(site, key, value);
    for (let j = 0; j < problems.length; j++) {
      const p = problems[j]!;
      emit({
        rule: p.rule,
        message: p.message,
        obj,
        path: [...path, key],
        at: p.at,
        severity: p.severity,
      });
    }
  }
}
