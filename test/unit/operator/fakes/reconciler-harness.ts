/**
 * The ChatService reconciler wired to the in-memory API server (fake-kube) with synced caches
 * and a clock that ticks a second per reading: what the controller unit tests drive.
 */
import { Caches } from '../../../../src/operator/caches.js';
import { ChatServiceReconciler } from '../../../../src/operator/controllers/chatservice.js';
import { flush } from './fake-clock.js';
import { FakeKube } from './fake-kube.js';

export interface ReconcilerHarness {
  kube: FakeKube;
  caches: Caches;
  /** One reconcile of ChatService `namespace/name` once the caches have caught up. */
  reconcile(): Promise<void>;
}

export async function startReconciler(namespace: string, name: string): Promise<ReconcilerHarness> {
  const kube = new FakeKube();
  const caches = new Caches({
    client: kube,
    namespaces: [namespace],
    resyncPeriodMs: 0,
    httpRoutes: false,
  });
  caches.start();
  await caches.waitForSync();
  let t = Date.UTC(2026, 10, 30, 12);
  const reconciler = new ChatServiceReconciler({
    client: kube,
    caches,
    clock: { now: () => (t += 1000), after: () => ({ cancel() {} }), sleep: async () => {} },
  });
  const reconcile = async (): Promise<void> => {
    await flush();
    await reconciler.reconcile(
      { key: `${namespace}/${name}`, namespace, name },
      { signal: new AbortController().signal, logger: undefined },
    );
    await flush();
  };
  return { kube, caches, reconcile };
}
