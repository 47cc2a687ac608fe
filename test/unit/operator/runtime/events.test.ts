import { describe, expect, it } from 'vitest';
import { EventRecorder } from '../../../../src/operator/runtime/events.js';
import type { KubeObject } from '../../../../src/operator/runtime/kube/types.js';
import { FakeKube } from '../fakes/fake-kube.js';
import { FakeClock, flush } from '../fakes/fake-clock.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

const cs: KubeObject = {
  apiVersion: 'gms.chatops.io/v1alpha1',
  kind: 'ChatService',
  metadata: { name: 'support', namespace: 'cc', uid: 'uid-1' },
};

function setup(canWrite = () => true) {
  const kube = new FakeKube();
  const clock = new FakeClock();
  let dropped = 0;
  const rec = new EventRecorder({
    client: kube,
    controller: 'gms.chatops.io/gms-operator',
    instance: 'pod-1',
    clock,
    canWrite,
    onDropped: () => dropped++,
  });
  const events = () =>
    [...kube.objects.values()].filter((o) => o.kind === 'Event') as (KubeObject & Loose)[];
  return { kube, clock, rec, events, dropped: () => dropped };
}

describe('EventRecorder', () => {
  it('creates an events.k8s.io/v1 Event about the object', async () => {
    const { rec, events } = setup();
    rec.event(cs, 'Normal', 'Applied', 'Apply', 'applied 7 objects');
    await rec.flush();
    const [e] = events();
    expect(e).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      type: 'Normal',
      reason: 'Applied',
      action: 'Apply',
      note: 'applied 7 objects',
      reportingController: 'gms.chatops.io/gms-operator',
      reportingInstance: 'pod-1',
      regarding: { kind: 'ChatService', name: 'support', namespace: 'cc', uid: 'uid-1' },
      metadata: { namespace: 'cc' },
    });
    expect(e!.metadata.name).toMatch(/^support\.[0-9a-f]+$/);
    expect(e!.eventTime).toMatch(/\.\d{6}Z$/);
  });

  it('aggregates repeats into one Event series, written at most once per flush interval', async () => {
    const { rec, events, kube, clock } = setup();
    for (let i = 0; i < 10; i++) {
      rec.event(cs, 'Warning', 'ConfigInvalid', 'Validate', 'option x is unknown');
      await clock.advance(1000);
    }
    await clock.advance(30_000);
    await flush();
    expect(events()).toHaveLength(1);
    expect(events()[0]!.series).toMatchObject({ count: 10 });
    expect(kube.writes().map((w) => w.verb)).toEqual(['create', 'patch']);
  });

  it('starts a new Event after the series window, and for a different note', async () => {
    const { rec, events, clock } = setup();
    rec.event(cs, 'Warning', 'ConfigInvalid', 'Validate', 'a');
    rec.event(cs, 'Warning', 'ConfigInvalid', 'Validate', 'b');
    await clock.advance(7 * 60_000);
    rec.event(cs, 'Warning', 'ConfigInvalid', 'Validate', 'a');
    await rec.flush();
    expect(events()).toHaveLength(3);
  });

  it('caps what one object can emit (burst 25) and counts the drops', async () => {
    const { rec, events, dropped } = setup();
    for (let i = 0; i < 40; i++) rec.event(cs, 'Normal', 'Step', 'Roll', `step ${i}`);
    await rec.flush();
    expect(events()).toHaveLength(25);
    expect(dropped()).toBe(15);
  });

  it('writes nothing when this replica may not write', async () => {
    const { rec, kube } = setup(() => false);
    rec.event(cs, 'Normal', 'Applied', 'Apply', 'x');
    await rec.flush();
    expect(kube.requests).toHaveLength(0);
  });

  it('a failing API call never throws into the caller', async () => {
    const { rec, kube } = setup();
    kube.failNext.create = [new Error('boom')];
    expect(() => rec.event(cs, 'Normal', 'Applied', 'Apply', 'x')).not.toThrow();
    await rec.flush();
  });
});

describe('EventRecorder memory', () => {
  it('forgets expired series and refilled buckets, so churned objects are not kept for ever', async () => {
    const { rec, clock } = setup();
    for (let i = 0; i < 50; i++) {
      rec.event(
        { ...cs, metadata: { ...cs.metadata, name: `cs-${i}`, uid: `churned-${i}` } },
        'Normal',
        'Applied',
        'Apply',
        'applied',
      );
    }
    await rec.flush();
    expect(rec.tracked).toEqual({ series: 50, buckets: 50 });
    // Within the series window nothing is dropped.
    await clock.advance(2 * 60_000);
    rec.event(cs, 'Normal', 'Applied', 'Apply', 'applied');
    expect(rec.tracked.series).toBe(51);
    // Past the window (6 min) and the bucket refill (one token per 5 min): all but the fresh
    // ones go (cs's series of 2 min ago is expired too by then).
    await clock.advance(7 * 60_000);
    rec.event(cs, 'Normal', 'Other', 'Apply', 'x');
    await rec.flush();
    expect(rec.tracked).toEqual({ series: 1, buckets: 1 });
  });

  it('keeps an object that is still rate limited', async () => {
    const { rec, clock, dropped } = setup();
    for (let i = 0; i < 30; i++) rec.event(cs, 'Normal', 'Step', 'Roll', `step ${i}`);
    expect(dropped()).toBe(5);
    await clock.advance(7 * 60_000);
    // Its bucket got ~1.4 tokens back, not 25: the limit must still hold after the sweep.
    rec.event(cs, 'Normal', 'Step', 'Roll', 'again 1');
    rec.event(cs, 'Normal', 'Step', 'Roll', 'again 2');
    await rec.flush();
    expect(dropped()).toBe(6);
  });
});
