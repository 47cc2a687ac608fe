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
  /** The first object of each kind, namespace ('' for none) and name. */
  private readonly seen = new Map<string, Map<string, Map<string, ObjectRef>>>();
  /** The same, keyed by one string, for names holding a NUL (the key's separator). */
  private readonly seenJoined = new Map<string, ObjectRef>();

  /** `obj` is the object reported if it is a duplicate (its data may be gone by then). */
  check(obj: ObjectRef, emit: Emit): void {
    const name = obj.name;
    if (name === '') return;
    const ns = obj.namespace ?? '';
    const first = this.firstOf(obj.kind, ns, name, obj);
    if (first === obj) return;
    const at = first.locate(NAME_PATH, 'value');
    emit({
      rule: 'duplicate-object',
      obj,
      path: ['metadata', 'name'],
      message: `${describeObject(obj)} is defined more than once (first in ${first.file}:${at.line}); the later one would silently replace it`,
    });
  }

  /** The first object seen with this identity (`obj` itself when it is the first). */
  private firstOf(kind: string, ns: string, name: string, obj: ObjectRef): ObjectRef {
    if (ns.includes('\0') || name.includes('\0')) {
      const key = `${kind}\0${ns}\0${name}`;
      const first = this.seenJoined.get(key);
      if (first) return first;
      this.seenJoined.set(key, obj);
      return obj;
    }
    let byNamespace = this.seen.get(kind);
    if (!byNamespace) this.seen.set(kind, (byNamespace = new Map()));
    let byName = byNamespace.get(ns);
    if (!byName) byNamespace.set(ns, (byName = new Map()));
    const first = byName.get(name);
    if (first) return first;
    byName.set(name, obj);
    return obj;
  }
}
