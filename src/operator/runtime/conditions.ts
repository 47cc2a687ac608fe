/**
 * metav1.Condition handling with the API conventions' semantics
 * (https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#typical-status-properties,
 * apimachinery meta.SetStatusCondition): lastTransitionTime changes only when status changes;
 * reason, message and observedGeneration are updated in place.
 */
import type { Condition } from '../../api/types.js';

export type ConditionStatus = Condition['status'];

export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  /** UpperCamelCase, machine-readable (e.g. ConfigInvalid). */
  reason: string;
  /** For humans: what is wrong and what to do about it. */
  message: string;
  observedGeneration?: number;
}

const REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
const MAX_MESSAGE = 32_768;

/** Returns a new list with cond set; now is the RFC 3339 time to use for a transition. */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  cond: ConditionInput,
  now: string,
): Condition[] {
  if (!REASON.test(cond.reason))
    throw new Error(`condition reason ${JSON.stringify(cond.reason)} is not CamelCase`);
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === cond.type);
  const message =
    cond.message.length > MAX_MESSAGE
      ? `${cond.message.slice(0, MAX_MESSAGE - 3)}...`
      : cond.message;
  const prev = i >= 0 ? list[i] : undefined;
  const next: Condition = {
    type: cond.type,
    status: cond.status,
    observedGeneration: cond.observedGeneration,
    lastTransitionTime: prev && prev.status === cond.status ? prev.lastTransitionTime : now,
    reason: cond.reason,
    message,
  };
  if (next.observedGeneration === undefined) delete next.observedGeneration;
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/** Same conditions (order-insensitive), including timestamps. */
export function conditionsEqual(
  a: readonly Condition[] | undefined,
  b: readonly Condition[] | undefined,
): boolean {
  const x = a ?? [];
  const y = b ?? [];
  if (x.length !== y.length) return false;
  return x.every((c) => {
    const d = y.find((e) => e.type === c.type);
    return (
      d !== undefined &&
      d.status === c.status &&
      d.reason === c.reason &&
      d.message === c.message &&
      d.lastTransitionTime === c.lastTransitionTime &&
      (d.observedGeneration ?? null) === (c.observedGeneration ?? null)
    );
  });
}
