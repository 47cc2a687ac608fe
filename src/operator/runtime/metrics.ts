/**
 * Prometheus metrics with controller-runtime's names
 * (kubebuilder docs/book/src/reference/metrics-reference.md; domain/operator-patterns.md §4),
 * client-go's workqueue and rest client names, and the operator's own gms_* metrics.
 * One Registry per operator instance (tests run several in one process).
 */
import {
  Registry,
  collectDefaultMetrics,
  type Counter,
  type Gauge,
  type Histogram,
} from 'prom-client';
import { declareMetrics, type GaugeCollect } from '../../util/metrics.js';
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
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const declare = declareMetrics(this.registry);
    const controller = ['controller'] as const;
    // client-go's workqueue metrics carry the queue's name; controller-runtime adds the
    // controller, and each controller has one queue named after it.
    const queue = ['name', 'controller'] as const;
    this.reconcileTotal = declare.counter(
      'controller_runtime_reconcile_total',
      'Total number of reconciliations per controller',
      ['controller', 'result'],
    );
    this.reconcileErrors = declare.counter(
      'controller_runtime_reconcile_errors_total',
      'Total number of reconciliation errors per controller',
      controller,
    );
    this.terminalReconcileErrors = declare.counter(
      'controller_runtime_terminal_reconcile_errors_total',
      'Total number of terminal reconciliation errors per controller',
      controller,
    );
    this.reconcileTime = declare.histogram(
      'controller_runtime_reconcile_time_seconds',
      'Length of time per reconciliation per controller',
      controller,
      RECONCILE_BUCKETS,
    );
    this.maxConcurrentReconciles = declare.gauge(
      'controller_runtime_max_concurrent_reconciles',
      'Maximum number of concurrent reconciles per controller',
      controller,
    );
    this.activeWorkers = declare.gauge(
      'controller_runtime_active_workers',
      'Number of currently used workers per controller',
      controller,
    );
    this.queueDepth = declare.gauge('workqueue_depth', 'Current depth of workqueue', queue);
    this.queueAdds = declare.counter(
      'workqueue_adds_total',
      'Total number of adds handled by workqueue',
      queue,
    );
    this.queueLatency = declare.histogram(
      'workqueue_queue_duration_seconds',
      'How long in seconds an item stays in workqueue before being requested',
      queue,
      QUEUE_BUCKETS,
    );
    this.workDuration = declare.histogram(
      'workqueue_work_duration_seconds',
      'How long in seconds processing an item from workqueue takes',
      queue,
      QUEUE_BUCKETS,
    );
    // Both read every tracked queue at scrape time (trackQueue).
    const sources = this.unfinishedSources;
    const fromQueues = (
      pick: (s: { unfinished: number; longest: number }) => number,
    ): GaugeCollect<'name' | 'controller'> =>
      function () {
        for (const [name, f] of sources) this.set({ name, controller: name }, pick(f()));
      };
    this.unfinishedWork = declare.gauge(
      'workqueue_unfinished_work_seconds',
      'How many seconds of work has been done that is in progress and has not been observed by work_duration',
      queue,
      fromQueues((s) => s.unfinished),
    );
    this.longestRunning = declare.gauge(
      'workqueue_longest_running_processor_seconds',
      'How many seconds has the longest running processor for workqueue been running',
      queue,
      fromQueues((s) => s.longest),
    );
    this.retries = declare.counter(
      'workqueue_retries_total',
      'Total number of retries handled by workqueue',
      queue,
    );
    this.restRequests = declare.counter(
      'rest_client_requests_total',
      'Number of HTTP requests, partitioned by status code, method, verb and resource',
      ['code', 'method', 'verb', 'resource'],
    );
    this.restLatency = declare.histogram(
      'rest_client_request_duration_seconds',
      'Request latency in seconds, by verb',
      ['verb'],
      [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
    );
    this.leaderStatus = declare.gauge(
      'leader_election_master_status',
      '1 if this replica is the leader of the named lease, 0 otherwise',
      ['name'],
    );
    this.rolloutPhase = declare.gauge(
      'gms_rollout_phase',
      'Rollout phase per ChatService: 1 for the current phase, 0 for the others',
      ['namespace', 'name', 'phase'],
    );
    this.informerRestarts = declare.counter(
      'gms_informer_watch_restarts_total',
      'Watch restarts per informer, by reason (closed, error, stalled, expired)',
      ['resource', 'reason'],
    );
    this.informerRelists = declare.counter(
      'gms_informer_relists_total',
      'Full lists per informer (start-up and 410 Gone)',
      ['resource'],
    );
    this.informerSynced = declare.gauge(
      'gms_informer_synced',
      '1 once the informer cache has been filled by its first list',
      ['resource'],
    );
    this.eventsDropped = declare.counter(
      'gms_events_dropped_total',
      'Events not recorded because an object exceeded its event budget',
    );
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
