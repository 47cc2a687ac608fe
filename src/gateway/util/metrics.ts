/** Prometheus metrics of one gateway node (prom-client, one registry per node). */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

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
    const registers = [this.registry];
    if (defaults) collectDefaultMetrics({ register: this.registry });
    this.operations = new Counter({
      name: 'gms_chat_operations_total',
      help: 'Chat V2 CometD operations by operation and result (ok or error code)',
      labelNames: ['operation', 'result'],
      registers,
    });
    this.pushes = new Counter({
      name: 'gms_push_notifications_total',
      help: 'Push notifications sent, by family and result',
      labelNames: ['family', 'result'],
      registers,
    });
    this.pushSkips = new Counter({
      name: 'gms_push_skipped_total',
      help: 'Chat events not pushed, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.reloads = new Counter({
      name: 'gms_config_reloads_total',
      help: 'Configuration reloads by result',
      labelNames: ['result'],
      registers,
    });
    this.refusedChanges = new Counter({
      name: 'gms_config_refused_changes_total',
      help: 'Runtime changes to restart-required options that were refused (the old value stays)',
      registers,
    });
    this.files = new Counter({
      name: 'gms_file_operations_total',
      help: 'chat-ntf file operations by operation and result',
      labelNames: ['operation', 'result'],
      registers,
    });
    new Gauge({
      name: 'gms_cometd_sessions',
      help: 'CometD sessions held by this node',
      registers,
      collect() {
        this.set(src.cometdSessions());
      },
    });
    new Gauge({
      name: 'gms_chats_bound',
      help: 'Chat sessions whose events this node receives',
      registers,
      collect() {
        this.set(src.chatsBound());
      },
    });
    new Gauge({
      name: 'gms_chatservers_attached',
      help: 'Chat Server connections attached',
      registers,
      collect() {
        this.set(src.chatServersAttached());
      },
    });
    new Gauge({
      name: 'gms_node_online',
      help: '1 when the node status is ONLINE',
      registers,
      collect() {
        this.set(src.online() ? 1 : 0);
      },
    });
  }
}
