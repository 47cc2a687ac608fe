/**
 * duplicate-object: the same kind, namespace and name twice in the inputs. `kubectl apply`
 * would apply both, the last silently winning; gmsctl render would write the same directory
 * twice. Objects without a namespace count as the same namespace as each other only.
 */
import type { Emit, ManifestObject, ValidationModel } from '../model.js';
import { describeObject } from '../model.js';

export function checkDuplicates(model: ValidationModel, emit: Emit): void {
  const seen = new Map<string, ManifestObject>();
  for (const o of [...model.chatServices, ...model.pushProviders, ...model.secrets]) {
    if (o.name === '') continue;
    const key = `${o.kind}\0${o.namespace ?? ''}\0${o.name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, o);
      continue;
    }
    const at = first.locate(['metadata', 'name'], 'value');
    emit({
      rule: 'duplicate-object',
      obj: o,
      path: ['metadata', 'name'],
      message: `${describeObject(o)} is defined more than once (first in ${first.file}:${at.line}); the later one would silently replace it`,
    });
  }
}
