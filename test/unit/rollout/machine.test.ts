import { describe, expect, it } from 'vitest';
import { nextAction, replicasOverride, rollOrder } from '../../../src/operator/rollout/machine.js';
import type { ObservedNode, RolloutAction } from '../../../src/operator/rollout/types.js';
import { World, type Crash } from './world.js';

const deletes = (w: World): string[] => w.calls.filter((c) => c.startsWith('DELETE'));

/** Every node restarted: the calls per node are OFFLINE, DELETE, ONLINE, nodes one after another. */
function expectSequentialRoll(w: World, order: string[]): void {
  expect(w.calls).toEqual(order.flatMap((n) => [`OFFLINE ${n}`, `DELETE ${n}`, `ONLINE ${n}`]));
}

describe('rollOrder', () => {
  const node = (ordinal: number, ready: boolean): ObservedNode => ({
    name: `cs-${ordinal}`,
    ordinal,
    exists: true,
    ready,
    terminating: false,
  });
  it('puts unready nodes first, then the highest ordinal first', () => {
    const order = rollOrder([node(0, true), node(1, false), node(2, true), node(3, false)]);
    expect(order.map((n) => n.name)).toEqual(['cs-3', 'cs-1', 'cs-2', 'cs-0']);
  });
});

describe('steady state', () => {
  it('does nothing when every node runs the target (a dynamic-only change restarts nothing)', () => {
    const w = new World(3);
    w.run(); // records the target hash once
    w.generation++; // dynamic-only change: new generation, same template revision
    const actions = w.run();
    expect(actions.map((a) => a.type)).toEqual(['Nothing']);
    expect(w.calls).toEqual([]);
  });

  it('records the target hash once, then makes no writes', () => {
    const w = new World(2);
    const first = nextAction(w.observe());
    expect(first).toMatchObject({
      type: 'Persist',
      progress: { phase: 'Idle', targetHash: 'hash-a' },
    });
    w.apply(first);
    expect(nextAction(w.observe())).toEqual({ type: 'Nothing' });
  });
});

describe('DetachReattach roll', () => {
  it('restarts one node at a time, highest ordinal first, each detached before and reattached after', () => {
    const w = new World(3);
    w.change('rev-b');
    w.run();
    expectSequentialRoll(w, ['cs-2', 'cs-1', 'cs-0']);
    expect(w.maxDetached).toBe(1);
    expect(w.progress).toMatchObject({
      phase: 'Idle',
      targetHash: 'hash-rev-b',
      detachedNodes: [],
      updatedNodes: expect.arrayContaining(['cs-0', 'cs-1', 'cs-2']),
    });
    expect(
      [...w.pods.values()].every((p) => p.revision === 'rev-b' && p.nodeStatus === 'ONLINE'),
    ).toBe(true);
    expect(w.events).toContain('Normal RolloutComplete');
  });

  it('walks the phases Detaching -> Restarting -> Reattaching with the node in detachedNodes', () => {
    const w = new World(2);
    w.change('rev-b');
    w.tick();
    const detach = nextAction(w.observe());
    expect(detach).toMatchObject({
      type: 'Detach',
      node: 'cs-1',
      progress: {
        phase: 'Detaching',
        currentNode: 'cs-1',
        detachedNodes: ['cs-1'],
        targetHash: 'hash-rev-b',
      },
    });
    w.apply(detach);
    const drain = nextAction(w.observe());
    expect(drain).toMatchObject({ type: 'Wait' });
    w.now += w.settings.drainTimeoutMs;
    const del = nextAction(w.observe());
    expect(del).toMatchObject({
      type: 'DeletePod',
      node: 'cs-1',
      progress: { phase: 'Restarting' },
    });
    w.apply(del);
    w.now += 1000;
    w.tick();
    expect(nextAction(w.observe())).toMatchObject({ type: 'Wait' }); // new pod not Ready yet
    w.now += 5000;
    w.tick();
    const re = nextAction(w.observe());
    expect(re).toMatchObject({
      type: 'Reattach',
      node: 'cs-1',
      progress: { phase: 'Reattaching' },
      after: { detachedNodes: [] },
    });
    expect((re as Extract<RolloutAction, { type: 'Reattach' }>).after.currentNode).toBeUndefined();
  });

  it('waits the drain bound after detaching before deleting the pod', () => {
    const w = new World(2);
    w.change('rev-b');
    w.settings.drainTimeoutMs = 30_000;
    w.tick();
    w.apply(nextAction(w.observe()));
    const detachedAt = w.now;
    let a = nextAction(w.observe());
    while (a.type === 'Wait') {
      expect(w.now - detachedAt).toBeLessThan(30_000);
      w.now += a.requeueAfterMs;
      a = nextAction(w.observe());
    }
    expect(a.type).toBe('DeletePod');
    expect(w.now - detachedAt).toBeGreaterThanOrEqual(30_000);
    expect(w.now - detachedAt).toBeLessThan(31_000);
  });

  it('skips the drain for a node that was not Ready when detached', () => {
    const w = new World(3);
    w.change('rev-b');
    w.pods.get(0)!.readyAt = Infinity; // cs-0 never Ready on the old revision
    w.tick();
    const detach = nextAction(w.observe());
    expect(detach).toMatchObject({ type: 'Detach', node: 'cs-0', tolerateUnreachable: true });
    w.apply(detach);
    expect(nextAction(w.observe())).toMatchObject({ type: 'DeletePod', node: 'cs-0' });
  });

  it('restarts unready nodes first', () => {
    const w = new World(3);
    w.change('rev-b');
    w.pods.get(1)!.readyAt = Infinity;
    w.run();
    expect(deletes(w)).toEqual(['DELETE cs-1', 'DELETE cs-2', 'DELETE cs-0']);
  });

  it('restarts an unready node whose node API is unreachable without detaching it', () => {
    const w = new World(2);
    w.change('rev-b');
    const p = w.pods.get(0)!;
    p.readyAt = Infinity;
    p.reachable = false;
    w.run();
    expect(w.calls.slice(0, 2)).toEqual(['DELETE cs-0', 'ONLINE cs-0']);
    expect(w.progress?.phase).toBe('Idle');
  });

  it('does not take a Ready node out while another node is unready and up to date', () => {
    const w = new World(3);
    w.change('rev-b');
    w.tick();
    // cs-0 already on the target but not Ready (e.g. crashed)
    const p0 = w.pods.get(0)!;
    p0.revision = 'rev-b';
    p0.staticHash = 'hash-rev-b';
    p0.readyAt = Infinity;
    const a = nextAction(w.observe());
    expect(a).toMatchObject({ type: 'Wait', reason: expect.stringContaining('cs-0') });
  });

  it('waits for the StatefulSet controller to observe the new template before detaching', () => {
    const w = new World(2);
    w.change('rev-b');
    w.templateCurrent = false;
    w.tick();
    const a = nextAction(w.observe());
    expect(a.type).toBe('Wait');
    expect(w.calls).toEqual([]);
  });

  it('reattaches early a new node that came up OFFLINE (readiness follows the node status)', () => {
    const w = new World(2);
    w.bootsOffline.add('rev-b');
    w.change('rev-b');
    w.run();
    expectSequentialRoll(w, ['cs-1', 'cs-0']);
    expect(w.progress?.phase).toBe('Idle');
  });

  it('does not detach or delete a pod someone else recreated while the node was being detached', () => {
    const w = new World(2);
    w.change('rev-b');
    w.tick();
    w.apply(nextAction(w.observe()), 'afterPersist'); // status says Detaching cs-1; OFFLINE not sent
    w.now += 2000;
    w.pods.delete(1); // e.g. `kubectl delete pod cs-1`
    w.tick(); // the StatefulSet recreates it on rev-b
    w.run();
    expect(w.calls).toEqual(['ONLINE cs-1', 'OFFLINE cs-0', 'DELETE cs-0', 'ONLINE cs-0']);
    expect(w.progress?.phase).toBe('Idle');
  });

  it('reattaches without restarting when the target changes back to what the detached node runs', () => {
    const w = new World(2);
    w.change('rev-b');
    w.tick();
    w.apply(nextAction(w.observe())); // detach cs-1
    w.change('rev-a', 'hash-a'); // reverted while draining
    w.run();
    expect(w.calls).toEqual(['OFFLINE cs-1', 'ONLINE cs-1']);
    expect(w.progress).toMatchObject({ phase: 'Idle', detachedNodes: [] });
  });
});

describe('resume after an operator restart at any step', () => {
  for (const crash of ['afterPersist', 'afterEffect'] as Crash[]) {
    for (let step = 0; step < 40; step++) {
      it(`crash ${crash} at action ${step}: completes, no node restarted twice, one detached at most`, () => {
        const w = new World(3);
        w.change('rev-b');
        w.run({ crashAt: step, crash });
        expect(w.progress?.phase).toBe('Idle');
        expect(deletes(w).sort()).toEqual(['DELETE cs-0', 'DELETE cs-1', 'DELETE cs-2']);
        expect(w.maxDetached).toBeLessThanOrEqual(1);
        expect(
          [...w.pods.values()].every((p) => p.revision === 'rev-b' && p.nodeStatus === 'ONLINE'),
        ).toBe(true);
        expect(w.progress?.detachedNodes ?? []).toEqual([]);
      });
    }
  }
});

describe('halt', () => {
  function haltedWorld(): World {
    const w = new World(3);
    w.readyDelay['rev-bad'] = Infinity;
    w.change('rev-bad');
    const actions = w.run();
    expect(actions.at(-1)?.type).toBe('Halt');
    return w;
  }

  it('halts when the restarted node is not Ready within podReadyTimeout, touching no other node', () => {
    const w = haltedWorld();
    expect(w.calls).toEqual(['OFFLINE cs-2', 'DELETE cs-2']);
    expect(w.progress).toMatchObject({
      phase: 'Halted',
      reason: 'PodNotReady',
      currentNode: 'cs-2',
      detachedNodes: ['cs-2'],
      haltedGeneration: 2,
    });
    expect(w.progress?.message).toContain('cs-2');
    expect(w.events).toContain('Warning RolloutHalted');
    // Later reconciles touch nothing.
    const before = w.calls.length;
    w.now += 3_600_000;
    w.tick();
    expect(nextAction(w.observe()).type).toBe('Wait');
    expect(w.calls.length).toBe(before);
  });

  it('resumes on a spec fix (new generation) and replaces the bad pod first', () => {
    const w = haltedWorld();
    w.change('rev-c'); // the fix
    w.run();
    expect(w.calls).toEqual([
      'OFFLINE cs-2',
      'DELETE cs-2',
      'DELETE cs-2', // the unready bad pod, replaced on the fix
      'ONLINE cs-2',
      'OFFLINE cs-1',
      'DELETE cs-1',
      'ONLINE cs-1',
      'OFFLINE cs-0',
      'DELETE cs-0',
      'ONLINE cs-0',
    ]);
    expect(w.progress?.phase).toBe('Idle');
    expect(w.events).toContain('Normal RolloutResumed');
  });

  it('resumes on the retry annotation and consumes it', () => {
    const w = haltedWorld();
    w.readyDelay['rev-bad'] = 1000; // the cause went away (e.g. an image became pullable)
    w.pods.get(2)!.readyAt = Infinity; // but this pod stays stuck: retry restarts the wait
    w.retry = true;
    const resume = nextAction(w.observe());
    expect(resume).toMatchObject({
      type: 'Persist',
      consumeRetry: true,
      progress: { phase: 'Restarting', currentNode: 'cs-2' },
    });
    w.apply(resume);
    expect(w.retry).toBe(false);
    w.pods.get(2)!.readyAt = w.now + 1000;
    w.run();
    expect(w.progress?.phase).toBe('Idle');
    expect(deletes(w)).toEqual(['DELETE cs-2', 'DELETE cs-1', 'DELETE cs-0']);
  });

  it('reattaches the halted node if it becomes Ready later, but stays halted', () => {
    const w = haltedWorld();
    w.pods.get(2)!.readyAt = w.now; // slow start finally done
    w.tick();
    const a = nextAction(w.observe());
    expect(a).toMatchObject({ type: 'Reattach', node: 'cs-2' });
    w.apply(a);
    expect(w.progress).toMatchObject({ phase: 'Halted', detachedNodes: [] });
    w.tick();
    expect(nextAction(w.observe()).type).toBe('Wait');
    expect(deletes(w)).toEqual(['DELETE cs-2']);
  });

  it('halts with DetachFailed when a Ready node cannot be detached, and does not restart it', () => {
    const w = new World(2);
    w.change('rev-b');
    w.nodeApiDown.add('cs-1');
    w.run();
    expect(w.progress).toMatchObject({
      phase: 'Halted',
      reason: 'DetachFailed',
      currentNode: 'cs-1',
    });
    expect(deletes(w)).toEqual([]);
  });

  it('halts with ReattachFailed and keeps the node reported as detached', () => {
    const w = new World(2);
    w.change('rev-b');
    w.tick();
    w.run({ until: (x) => x.progress?.phase === 'Restarting' });
    w.nodeApiDown.add('cs-1');
    w.run();
    expect(w.progress).toMatchObject({
      phase: 'Halted',
      reason: 'ReattachFailed',
      detachedNodes: ['cs-1'],
    });
    w.nodeApiDown.clear();
    w.retry = true;
    w.run();
    expect(w.progress).toMatchObject({ phase: 'Idle', detachedNodes: [] });
    expect(deletes(w)).toEqual(['DELETE cs-1', 'DELETE cs-0']);
  });

  it('consumes a retry annotation when nothing is halted', () => {
    const w = new World(2);
    w.run();
    w.retry = true;
    expect(nextAction(w.observe())).toMatchObject({ type: 'Persist', consumeRetry: true });
  });
});

describe('single replica', () => {
  it('refuses a DetachReattach roll that would leave no node serving', () => {
    const w = new World(1);
    w.change('rev-b');
    w.run();
    expect(w.progress).toMatchObject({ phase: 'Halted', reason: 'SingleReplicaRefused' });
    expect(w.progress?.message).toContain('Offline');
    expect(w.calls).toEqual([]);
  });

  it('rolls with strategy Offline once the user chooses it', () => {
    const w = new World(1);
    w.change('rev-b');
    w.run();
    w.settings = { ...w.settings, strategy: 'Offline' };
    w.generation++;
    w.run();
    expect(w.calls).toEqual(['SCALE 0', 'SCALE 1']);
    expect(w.progress?.phase).toBe('Idle');
    expect(w.pods.get(0)?.revision).toBe('rev-b');
  });
});

describe('Offline strategy', () => {
  it('scales to zero, waits for every node to stop, scales back up and waits Ready', () => {
    const w = new World(3);
    w.settings.strategy = 'Offline';
    w.change('rev-b');
    w.tick();
    const first = nextAction(w.observe());
    expect(first).toMatchObject({
      type: 'Scale',
      replicas: 0,
      progress: { phase: 'Restarting', strategy: 'Offline', offlineStep: 'Stopping' },
      event: { type: 'Warning', reason: 'OfflineRollout' },
    });
    expect((first as { event: { message: string } }).event.message).toContain(
      'chat is unavailable',
    );
    expect(replicasOverride(first.type === 'Scale' ? first.progress : undefined)).toBe(0);
    w.run();
    expect(w.calls).toEqual(['SCALE 0', 'SCALE 3']);
    expect(w.progress).toMatchObject({ phase: 'Idle' });
    expect(replicasOverride(w.progress)).toBeUndefined();
    expect([...w.pods.values()].map((p) => p.revision)).toEqual(['rev-b', 'rev-b', 'rev-b']);
  });

  it('halts when a node is not Ready after the start, keeping the others running', () => {
    const w = new World(2);
    w.settings.strategy = 'Offline';
    w.readyDelay['rev-bad'] = Infinity;
    w.change('rev-bad');
    w.run();
    expect(w.progress).toMatchObject({
      phase: 'Halted',
      reason: 'PodNotReady',
      offlineStep: 'Starting',
    });
    expect(replicasOverride(w.progress)).toBeUndefined();
    w.readyDelay['rev-c'] = 1000;
    w.change('rev-c');
    w.run();
    expect(w.progress?.phase).toBe('Idle');
    expect([...w.pods.values()].every((p) => p.revision === 'rev-c')).toBe(true);
  });
});

describe('a second change while a roll runs', () => {
  it('converges to the newest spec; nodes on an intermediate revision roll again, others once', () => {
    const w = new World(3);
    w.change('rev-b');
    // Roll until cs-2 is done and cs-1 is detached.
    w.run({ until: (x) => x.calls.includes('OFFLINE cs-1') });
    w.change('rev-c');
    w.run();
    expect(w.progress?.phase).toBe('Idle');
    expect([...w.pods.values()].every((p) => p.revision === 'rev-c')).toBe(true);
    // cs-2 ran rev-b (intermediate): rolled again. cs-1 was detached on rev-a: restarted once
    // straight onto rev-c. cs-0 restarted once.
    expect(deletes(w)).toEqual(['DELETE cs-2', 'DELETE cs-1', 'DELETE cs-2', 'DELETE cs-0']);
    expect(w.maxDetached).toBe(1);
  });

  it('does not roll a node again when the newest target equals what it was restarted on', () => {
    const w = new World(3);
    w.change('rev-b');
    w.run({ until: (x) => x.calls.includes('OFFLINE cs-1') });
    w.generation++; // another edit that keeps the same template (e.g. a dynamic option)
    w.run();
    expect(deletes(w)).toEqual(['DELETE cs-2', 'DELETE cs-1', 'DELETE cs-0']);
  });
});

describe('scaling during a roll', () => {
  it('drops a detached node that was scaled away instead of waiting for it', () => {
    const w = new World(3);
    w.change('rev-b');
    w.tick();
    w.apply(nextAction(w.observe())); // detach cs-2
    w.desiredReplicas = 2;
    w.replicas = 2;
    w.run();
    expect(w.progress).toMatchObject({ phase: 'Idle', detachedNodes: [] });
    expect(deletes(w)).toEqual(['DELETE cs-1', 'DELETE cs-0']);
  });
});
