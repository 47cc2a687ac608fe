import { describe, expect, it } from 'vitest';
import {
  conditionsEqual,
  findCondition,
  isTrue,
  setCondition,
} from '../../../../src/operator/runtime/conditions.js';

const T0 = '2026-11-30T10:00:00Z';
const T1 = '2026-11-30T11:00:00Z';

describe('setCondition (metav1.Condition semantics)', () => {
  it('adds a condition with the transition time', () => {
    const c = setCondition(
      [],
      {
        type: 'Ready',
        status: 'False',
        reason: 'Reconciling',
        message: 'creating',
        observedGeneration: 1,
      },
      T0,
    );
    expect(c).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'Reconciling',
        message: 'creating',
        observedGeneration: 1,
        lastTransitionTime: T0,
      },
    ]);
  });

  it('keeps lastTransitionTime when only reason, message or generation change', () => {
    const a = setCondition(
      [],
      {
        type: 'Ready',
        status: 'False',
        reason: 'Reconciling',
        message: 'm1',
        observedGeneration: 1,
      },
      T0,
    );
    const b = setCondition(
      a,
      {
        type: 'Ready',
        status: 'False',
        reason: 'PodsNotReady',
        message: 'm2',
        observedGeneration: 2,
      },
      T1,
    );
    expect(findCondition(b, 'Ready')).toMatchObject({
      reason: 'PodsNotReady',
      message: 'm2',
      observedGeneration: 2,
      lastTransitionTime: T0,
    });
  });

  it('moves lastTransitionTime when status changes', () => {
    const a = setCondition([], { type: 'Ready', status: 'False', reason: 'R', message: '' }, T0);
    const b = setCondition(a, { type: 'Ready', status: 'True', reason: 'Ready', message: '' }, T1);
    expect(findCondition(b, 'Ready')?.lastTransitionTime).toBe(T1);
    expect(isTrue(b, 'Ready')).toBe(true);
  });

  it('does not mutate the input and keeps other conditions', () => {
    const a = setCondition(
      [],
      { type: 'ConfigValid', status: 'True', reason: 'Valid', message: '' },
      T0,
    );
    const b = setCondition(a, { type: 'Ready', status: 'True', reason: 'Ready', message: '' }, T1);
    expect(a).toHaveLength(1);
    expect(b.map((c) => c.type)).toEqual(['ConfigValid', 'Ready']);
  });

  it('rejects reasons that are not CamelCase identifiers and truncates huge messages', () => {
    expect(() =>
      setCondition([], { type: 'Ready', status: 'True', reason: 'not ok', message: '' }, T0),
    ).toThrow(/reason/);
    const c = setCondition(
      [],
      { type: 'Ready', status: 'True', reason: 'Ok', message: 'x'.repeat(40_000) },
      T0,
    );
    expect(c[0]!.message.length).toBe(32_768);
  });
});

describe('conditionsEqual', () => {
  it('is order-insensitive and sees every field', () => {
    const a = setCondition(
      setCondition([], { type: 'A', status: 'True', reason: 'R', message: '' }, T0),
      { type: 'B', status: 'False', reason: 'R', message: '' },
      T0,
    );
    const b = [a[1]!, a[0]!];
    expect(conditionsEqual(a, b)).toBe(true);
    expect(
      conditionsEqual(
        a,
        setCondition(a, { type: 'A', status: 'True', reason: 'R', message: 'changed' }, T0),
      ),
    ).toBe(false);
    expect(conditionsEqual(undefined, [])).toBe(true);
  });
});
