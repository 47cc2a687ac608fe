/**
 * Prometheus metrics with controller-runtime's names
 * (kubebuilder docs/book/src/reference/metrics-reference.md; domain/operator-patterns.md §4),
 * client-go's workqueue and rest client names, and the operator's own gms_* metrics.
 * One Registry per operator instance (tests run several in one process).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueMetrics } from './workqueue.js';
import type { RequestInfo } from './kube/transport.js';
import type { InformerObserver } from './informer.js';

const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
  1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
const QUEUE_BUCKETS = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000];

export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly terminalReconcileErrors: Counter<'controller'>;
  readonly reconcileTime: Histogram<'controller'>;
  readonly maxConcurrentReconciles: Gauge<'controller'>;
  readonly activeWorkers: Gauge<'controller'>;
  readonly queueDepth: Gauge<'name' | 'controller'>;
  readonly queueAdds: Counter<'name' | 'controller'>;
  readonly queueLatency: Histogram<'name' | 'controller'>;
  readonly workDuration: Histogram<'name' | 'controller'>;
  readonly unfinishedWork: Gauge<'name' | 'controller'>;
  readonly longestRunning: Gauge<'name' | 'controller'>;
  readonly retries: Counter<'name' | 'controller'>;
  readonly restRequests: Counter<'code' | 'method' | 'verb' | 'resource'>;
  readonly restLatency: Histogram<'verb'>;
  readonly leaderStatus: Gauge<'name'>;
  readonly rolloutPhase: Gauge<'namespace' | 'name' | 'phase'>;
  readonly informerRestarts: Counter<'resource' | 'reason'>;
  readonly informerRelists: Counter<'resource'>;
  readonly informerSynced: Gauge<'resource'>;
  readonly eventsDropped: Counter;
  private readonly unfinishedSources = new Map<
    string,
    () => { unfinished: number; longest: number }
  >();

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.reconcileTotal = new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    });
    this.terminalReconcileErrors = new Counter({
      name: 'controller_runtime_terminal_reconcile_errors_total',
      help: 'Total number of terminal reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    });
    this.reconcileTime = new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: RECONCILE_BUCKETS,
      registers,
    });
    this.maxConcurrentReconciles = new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: ['controller'],
      registers,
    });
    this.activeWorkers = new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames: ['controller'],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of workqueue',
      labelNames: ['name', 'controller'],
      registers,
    });
    this.queueAdds = new Counter({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by workqueue',
      labelNames: ['name', 'controller'],
      registers,
    });
    this.queueLatency = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames: ['name', 'controller'],
      buckets: QUEUE_BUCKETS,
      registers,
    });
    this.workDuration = new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes',
      labelNames: ['name', 'controller'],
      buckets: QUEUE_BUCKETS,
      registers,
    });
    const sources = this.unfinishedSources;
    this.unfinishedWork = new Gauge({
      name: 'workqueue_unfinished_work_seconds',
      help: 'How many seconds of work has been done that is in progress and has not been observed by work_duration',
      labelNames: ['name', 'controller'],
      registers,
      collect() {
        for (const [name, f] of sources) this.set({ name, controller: name }, f().unfinished);
      },
    });
    this.longestRunning = new Gauge({
      name: 'workqueue_longest_running_processor_seconds',
      help: 'How many seconds has the longest running processor for workqueue been running',
      labelNames: ['name', 'controller'],
      registers,
      collect() {
        for (const [name, f] of sources) this.set({ name, controller: name }, f().longest);
      },
    });
    this.retries = new Counter({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by workqueue',
      labelNames: ['name', 'controller'],
      registers,
    });
    this.restRequests = new Counter({
      name: 'rest_client_requests_total',
      help: 'Number of HTTP requests, partitioned by status code, method, verb and resource',
      labelNames: ['code', 'method', 'verb', 'resource'],
      registers,
    });
    this.restLatency = new Histogram({
      name: 'rest_client_request_duration_seconds',
      help: 'Request latency in seconds, by verb',
      labelNames: ['verb'],
      buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
      registers,
    });
    this.leaderStatus = new Gauge({
      name: 'leader_election_master_status',
      help: '1 if this replica is the leader of the named lease, 0 otherwise',
      labelNames: ['name'],
      registers,
    });
    this.rolloutPhase = new Gauge({
      name: 'gms_rollout_phase',
      help: 'Rollout phase per ChatService: 1 for the current phase, 0 for the others',
      labelNames: ['namespace', 'name', 'phase'],
      registers,
    });
    this.informerRestarts = new Counter({
      name: 'gms_informer_watch_restarts_total',
      help: 'Watch restarts per informer, by reason (closed, error, stalled, expired)',
      labelNames: ['resource', 'reason'],
      registers,
    });
    this.informerRelists = new Counter({
      name: 'gms_informer_relists_total',
      help: 'Full lists per informer (start-up and 410 Gone)',
      labelNames: ['resource'],
      registers,
    });
    this.informerSynced = new Gauge({
      name: 'gms_informer_synced',
      help: '1 once the informer cache has been filled by its first list',
      labelNames: ['resource'],
      registers,
    });
    this.eventsDropped = new Counter({
      name: 'gms_events_dropped_total',
      help: 'Events not recorded because an object exceeded its event budget',
      registers,
    });
  }

  queueMetrics(controller: string): QueueMetrics {
    const labels = { name: controller, controller };
    return {
      add: () => this.queueAdds.inc(labels),
      depth: (n) => this.queueDepth.set(labels, n),
      latency: (s) => this.queueLatency.observe(labels, s),
      workDuration: (s) => this.workDuration.observe(labels, s),
      retry: () => this.retries.inc(labels),
    };
  }

  /** Lets the unfinished/longest-running gauges read a queue at scrape time. */
  trackQueue(controller: string, f: () => { unfinished: number; longest: number }): void {
    this.unfinishedSources.set(controller, f);
  }

  observeRequest = (info: RequestInfo): void => {
    this.restRequests.inc({
      code: String(info.code),
      method: info.method,
      verb: info.verb,
      resource: info.resource,
    });
    if (info.verb !== 'watch')
      this.restLatency.observe({ verb: info.verb }, info.durationMs / 1000);
  };

  informerObserver(): InformerObserver {
    return {
      listed: (resource) => {
        this.informerRelists.inc({ resource });
        this.informerSynced.set({ resource }, 1);
      },
      watchEnded: (resource, err) => {
        const reason =
          err === undefined
            ? 'closed'
            : (err as Error).name === 'WatchStalledError'
              ? 'stalled'
              : (err as { code?: number }).code === 410
                ? 'expired'
                : 'error';
        this.informerRestarts.inc({ resource, reason });
      },
    };
  }

  setRolloutPhase(
    namespace: string,
    name: string,
    phase: string | undefined,
    phases: readonly string[],
  ): void {
    for (const p of phases) {
      if (phase === undefined) this.rolloutPhase.remove({ namespace, name, phase: p });
      else this.rolloutPhase.set({ namespace, name, phase: p }, p === phase ? 1 : 0);
    }
  }
}
