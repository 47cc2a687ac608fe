/**
 * duplicate-object: the same kind, namespace and name twice in the inputs. `kubectl apply`
 * would apply both, the last silently winning; gmsctl render would write the same directory
 * twice. Objects without a namespace count as the same namespace as each other only.
 *
 * Objects are checked as they are read: the first of each kind, namespace and name is
 * remembered (by its reference, not its data), every later one is reported.
 */
import type { Emit, ObjectRef } from '../model.js';
import { describeObject } from '../model.js';

const NAME_PATH = ['metadata', 'name'] as const;

export class DuplicateObjects {
  private readonly seen = new Map<string, ObjectRef>();

  /** `obj` is the object reported if it is a duplicate (its data may be gone by then). */
  check(obj: ObjectRef, emit: Emit): void {
    if (obj.name === '') return;
    const key = `${obj.kind}\0${obj.namespace ?? ''}\0${obj.name}`;
    const first = this.seen.get(key);
    if (!first) {
      this.seen.set(key, obj);
      return;
    }
    const at = first.locate(NAME_PATH, 'value');
    emit({
      rule: 'duplicate-object',
      obj,
      path: ['metadata', 'name'],
      message: `${describeObject(obj)} is defined more than once (first in ${first.file}:${at.line}); the later one would silently replace it`,
    });
  }
}
