/** Prometheus metrics of one gateway node (prom-client, one registry per node). */
import { Registry, collectDefaultMetrics, type Counter } from 'prom-client';
import { declareMetrics } from '../../util/metrics.js';

export interface GatewayMetricsSources {
  cometdSessions(): number;
  chatsBound(): number;
  chatServersAttached(): number;
  online(): boolean;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly operations: Counter<'operation' | 'result'>;
  readonly pushes: Counter<'family' | 'result'>;
  readonly pushSkips: Counter<'reason'>;
  readonly reloads: Counter<'result'>;
  readonly refusedChanges: Counter;
  readonly files: Counter<'operation' | 'result'>;

  constructor(src: GatewayMetricsSources, defaults = false) {
    if (defaults) collectDefaultMetrics({ register: this.registry });
    const declare = declareMetrics(this.registry);
    this.operations = declare.counter(
      'gms_chat_operations_total',
      'Chat V2 CometD operations by operation and result (ok or error code)',
      ['operation', 'result'],
    );
    this.pushes = declare.counter(
      'gms_push_notifications_total',
      'Push notifications sent, by family and result',
      ['family', 'result'],
    );
    this.pushSkips = declare.counter(
      'gms_push_skipped_total',
      'Chat events not pushed, by reason',
      ['reason'],
    );
    this.reloads = declare.counter('gms_config_reloads_total', 'Configuration reloads by result', [
      'result',
    ]);
    this.refusedChanges = declare.counter(
      'gms_config_refused_changes_total',
      'Runtime changes to restart-required options that were refused (the old value stays)',
    );
    this.files = declare.counter(
      'gms_file_operations_total',
      'chat-ntf file operations by operation and result',
      ['operation', 'result'],
    );
    // Read from the node's state at scrape time.
    declare.gauge('gms_cometd_sessions', 'CometD sessions held by this node', [], function () {
      this.set(src.cometdSessions());
    });
    declare.gauge(
      'gms_chats_bound',
      'Chat sessions whose events this node receives',
      [],
      function () {
        this.set(src.chatsBound());
      },
    );
    declare.gauge('gms_chatservers_attached', 'Chat Server connections attached', [], function () {
      this.set(src.chatServersAttached());
    });
    declare.gauge('gms_node_online', '1 when the node status is ONLINE', [], function () {
      this.set(src.online() ? 1 : 0);
    });
  }
}
