import { describe, expect, it } from 'vitest';
import { LeaderElector } from '../../../../src/operator/runtime/leader.js';
import type { Lease } from '../../../../src/operator/runtime/leader.js';
import { RESOURCES } from '../../../../src/operator/runtime/kube/resources.js';
import { FakeKube } from '../fakes/fake-kube.js';
import { FakeClock, flush } from '../fakes/fake-clock.js';

function elector(kube: FakeKube, clock: FakeClock, identity: string, log: string[]) {
  return new LeaderElector({
    client: kube,
    namespace: 'gms-system',
    name: 'gms-operator',
    identity,
    clock,
    random: () => 0,
    onStartedLeading: () => log.push(`${identity} started`),
    onStoppedLeading: () => log.push(`${identity} stopped`),
  });
}

const lease = async (kube: FakeKube) =>
  (await kube.get<Lease>(RESOURCES.Lease, 'gms-system', 'gms-operator'))?.spec;

describe('LeaderElector', () => {
  it('uses controller-runtime timings by default and validates them', () => {
    const kube = new FakeKube();
    expect(
      () =>
        new LeaderElector({
          client: kube,
          namespace: 'n',
          name: 'l',
          leaseDurationMs: 10_000,
          renewDeadlineMs: 10_000,
        }),
    ).toThrow();
    expect(() => new LeaderElector({ client: kube, namespace: 'n', name: 'l' })).not.toThrow();
  });

  it('creates the Lease and leads when nobody holds it', async () => {
    const kube = new FakeKube();
    const clock = new FakeClock();
    const log: string[] = [];
    const a = elector(kube, clock, 'a', log);
    void a.run();
    await flush();
    expect(a.isLeader()).toBe(true);
    expect(log).toEqual(['a started']);
    const spec = await lease(kube);
    expect(spec).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    expect(spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    await a.stop();
  });

  it('a standby never takes a Lease that keeps being renewed, and only one replica leads', async () => {
    const kube = new FakeKube();
    const clock = new FakeClock();
    const log: string[] = [];
    const a = elector(kube, clock, 'a', log);
    const b = elector(kube, clock, 'b', log);
    void a.run();
    await flush();
    void b.run();
    for (let i = 0; i < 60; i++) await clock.advance(1000);
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    expect(log).toEqual(['a started']);
    // a renewed about every 2 s
    const renewals = kube.requests.filter((r) => r.verb === 'update').length;
    expect(renewals).toBeGreaterThanOrEqual(25);
    await a.stop(false);
    await b.stop(false);
  });

  it('fails over once the leader stops renewing for the lease duration', async () => {
    const kube = new FakeKube();
    const clock = new FakeClock();
    const log: string[] = [];
    const a = elector(kube, clock, 'a', log);
    const b = elector(kube, clock, 'b', log);
    void a.run();
    await flush();
    void b.run();
    await clock.advance(4000);
    await a.stop(false); // crash: no release
    log.length = 0;
    await clock.advance(14_000);
    expect(b.isLeader()).toBe(false); // lease (15 s since b saw it change) not yet expired
    await clock.advance(4000);
    expect(b.isLeader()).toBe(true);
    expect(log).toEqual(['b started']);
    expect(await lease(kube)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.stop();
  });

  it('release on shutdown lets the standby take over within one retry period', async () => {
    const kube = new FakeKube();
    const clock = new FakeClock();
    const log: string[] = [];
    const a = elector(kube, clock, 'a', log);
    const b = elector(kube, clock, 'b', log);
    void a.run();
    await flush();
    void b.run();
    await clock.advance(3000);
    await a.stop(true);
    expect(await lease(kube)).toMatchObject({ holderIdentity: null, leaseDurationSeconds: 1 });
    await clock.advance(2000);
    expect(b.isLeader()).toBe(true);
    expect(log).toEqual(['a started', 'a stopped', 'b started']);
    await b.stop();
  });

  it('steps down when renewals fail for the renew deadline (before the lease can expire for others)', async () => {
    const kube = new FakeKube();
    const clock = new FakeClock();
    const log: string[] = [];
    const a = elector(kube, clock, 'a', log);
    const done = a.run();
    await flush();
    expect(a.isLeader()).toBe(true);
    const down = new Error('connection refused');
    kube.failNext.get = Array.from({ length: 20 }, () => down);
    await clock.advance(8000);
    expect(a.isLeader()).toBe(true);
    await clock.advance(2000);
    expect(a.isLeader()).toBe(false);
    expect(log).toEqual(['a started', 'a stopped']);
    await done;
  });

  it('a hung renewal counts as failed at the deadline', async () => {
    const kube = new FakeKube();
    const clock = new FakeClock();
    const log: string[] = [];
    const a = elector(kube, clock, 'a', log);
    void a.run();
    await flush();
    // Every further API call hangs forever.
    (kube as unknown as { get: () => Promise<never> }).get = () =>
      new Promise<never>(() => undefined);
    await clock.advance(12_000);
    expect(a.isLeader()).toBe(false);
  });

  it('two candidates racing for an expired Lease: compare-and-swap lets exactly one win', async () => {
    const kube = new FakeKube();
    const clock = new FakeClock();
    kube.seed<Lease>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'gms-operator', namespace: 'gms-system' },
      spec: {
        holderIdentity: 'dead',
        leaseDurationSeconds: 15,
        renewTime: '2026-01-01T00:00:00.000000Z',
      },
    });
    const log: string[] = [];
    const a = elector(kube, clock, 'a', log);
    const b = elector(kube, clock, 'b', log);
    // Both observe the dead holder now, so both wait the full lease duration, then race.
    await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
    await clock.advance(16_000);
    const results = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(kube.requests.filter((r) => r.verb === 'update')).toHaveLength(2);
  });
});
