/**
 * gmsctl operator: run the gms-operator (the Helm chart's container command).
 *
 * Flags are the chart's contract (charts/gms-operator/templates/deployment.yaml):
 *   --namespaces a,b (empty = all)  --concurrency N  --metrics-port P  --health-port P
 *   --leader-elect[=true|false]  --leader-election-namespace NS  --leader-election-id NAME
 *   --webhook-port P  --webhook-cert-dir DIR  --webhook-config-name NAME  --log-level L
 * plus tuning flags with production defaults. Kubernetes credentials: --kubeconfig, else
 * $KUBECONFIG, else the in-cluster service account.
 *
 * Exit codes: 0 after a graceful SIGTERM/SIGINT, 1 when leadership is lost or start-up fails
 * (Kubernetes restarts the pod), 2 for bad flags.
 */
import type { Argv } from 'yargs';
import { UsageError, type CommandModule } from '../command.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function port(name: string, v: unknown, allowZero = true): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65535)
    throw new UsageError(`--${name} must be a port number (got ${String(v)})`);
  return n;
}

function duration(name: string, v: unknown): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(String(v));
  if (!m)
    throw new UsageError(`--${name} must be a duration like 30s, 10m or 1h (got ${String(v)})`);
  const f = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * f);
}

export const command: CommandModule = {
  usage: 'operator [options]',
  describe:
    'Run the gms-operator: reconcile ChatServices into GMS gateways, serve the admission webhook',
  builder: (y: Argv) =>
    y
      .option('namespaces', {
        type: 'string',
        default: '',
        describe: 'Comma-separated namespaces to watch (empty: all)',
      })
      .option('concurrency', {
        type: 'number',
        default: 4,
        describe: 'ChatServices reconciled in parallel',
      })
      .option('metrics-port', {
        type: 'number',
        default: 8080,
        describe: 'Port of /metrics (0: pick a free one)',
      })
      .option('health-port', {
        type: 'number',
        default: 8081,
        describe: 'Port of /healthz and /readyz',
      })
      .option('bind-address', {
        type: 'string',
        default: '0.0.0.0',
        describe: 'Address the metrics, health and webhook servers listen on',
      })
      .option('leader-elect', {
        type: 'boolean',
        default: false,
        describe: 'Use a Lease so only one replica reconciles',
      })
      .option('leader-election-namespace', {
        type: 'string',
        describe: 'Namespace of the Lease (default: $POD_NAMESPACE)',
      })
      .option('leader-election-id', {
        type: 'string',
        default: 'gms-operator-leader',
        describe: 'Name of the Lease',
      })
      .option('lease-duration', {
        type: 'string',
        default: '15s',
        describe: 'How long a standby waits before taking an unrenewed Lease',
      })
      .option('renew-deadline', {
        type: 'string',
        default: '10s',
        describe: 'How long the leader keeps trying to renew before it stops leading',
      })
      .option('retry-period', {
        type: 'string',
        default: '2s',
        describe: 'Interval between Lease attempts',
      })
      .option('webhook-port', {
        type: 'number',
        describe: 'Serve the validating admission webhook (HTTPS) on this port',
      })
      .option('webhook-cert-dir', {
        type: 'string',
        default: '/tmp/k8s-webhook-server/serving-certs',
        describe: 'Directory of tls.crt/tls.key',
      })
      .option('webhook-config-name', {
        type: 'string',
        describe:
          'ValidatingWebhookConfiguration whose caBundle the operator manages (operator-managed CA)',
      })
      .option('webhook-secret-name', {
        type: 'string',
        describe: 'Secret for the operator-managed CA (default: <webhook Service>-tls)',
      })
      .option('webhook-host', {
        type: 'array',
        string: true,
        default: [],
        describe: 'Extra DNS names/IPs for the serving certificate',
      })
      .option('log-level', {
        type: 'string',
        default: 'info',
        choices: LEVELS as unknown as string[],
        describe: 'Log level (JSON logs on stdout)',
      })
      .option('resync-period', {
        type: 'string',
        default: '10m',
        describe:
          'Re-reconcile every ChatService this often (from cache; no-op passes write nothing)',
      })
      .option('shutdown-grace', {
        type: 'string',
        default: '20s',
        describe: 'On SIGTERM, how long in-flight reconciles may finish',
      })
      .option('kube-api-qps', {
        type: 'number',
        default: 50,
        describe: 'Client-side API request rate',
      })
      .option('kube-api-burst', {
        type: 'number',
        default: 100,
        describe: 'Client-side API request burst',
      })
      .option('kubeconfig', {
        type: 'string',
        describe: 'Kubeconfig file (default: $KUBECONFIG, else in-cluster)',
      })
      .option('default-image-repository', {
        type: 'string',
        default: 'gms',
        describe: 'GMS image when spec.gms.image is empty: <repository>:<spec.gms.version>',
      })
      .option('node-url-template', {
        type: 'string',
        describe:
          'How the rollout reaches a node API, e.g. http://{pod}.{service}.{namespace}.svc:{port}',
      }),
  run: async (args) => {
    const namespaces = String(args.namespaces ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const ns of namespaces)
      if (!DNS1123.test(ns)) throw new UsageError(`--namespaces: "${ns}" is not a namespace name`);
    const concurrency = Number(args.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
      throw new UsageError('--concurrency must be an integer from 1 to 256');
    const leaderElect = Boolean(args['leader-elect']);
    const leaseNs =
      (args['leader-election-namespace'] as string | undefined) ?? process.env.POD_NAMESPACE;
    if (leaderElect && !leaseNs)
      throw new UsageError('--leader-elect needs --leader-election-namespace (or $POD_NAMESPACE)');
    const qps = Number(args['kube-api-qps']);
    const burst = Number(args['kube-api-burst']);
    if (!(qps > 0) || !(burst >= 1))
      throw new UsageError('--kube-api-qps must be > 0 and --kube-api-burst >= 1');

    const timings = {
      metricsPort: port('metrics-port', args['metrics-port']),
      healthPort: port('health-port', args['health-port']),
      leaseDurationMs: duration('lease-duration', args['lease-duration']),
      renewDeadlineMs: duration('renew-deadline', args['renew-deadline']),
      retryPeriodMs: duration('retry-period', args['retry-period']),
      resyncPeriodMs: duration('resync-period', args['resync-period']),
      shutdownGraceMs: duration('shutdown-grace', args['shutdown-grace']),
    };
    const webhookPort =
      args['webhook-port'] !== undefined ? port('webhook-port', args['webhook-port']) : undefined;

    // KubeConfig without client-node's generated API classes (docs/adr/0018).
    const { loadKubeConfig } = await import('../../operator/runtime/kube/kubeconfig.js');
    const { createLogger } = await import('../../operator/runtime/logger.js');
    const { Operator } = await import('../../operator/manager.js');
    const logger = createLogger(args['log-level'] as (typeof LEVELS)[number]);
    let kc: Awaited<ReturnType<typeof loadKubeConfig>>;
    try {
      kc = await loadKubeConfig((args.kubeconfig as string | undefined) ?? process.env.KUBECONFIG);
    } catch (err) {
      throw new UsageError(
        `cannot load Kubernetes credentials: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const op = new Operator(
      {
        namespaces,
        concurrency,
        bindAddress: String(args['bind-address']),
        ...timings,
        leaderElect,
        leaderElectionNamespace: leaseNs ?? 'default',
        leaderElectionId: String(args['leader-election-id']),
        kubeApiQps: qps,
        kubeApiBurst: burst,
        defaultImageRepository: String(args['default-image-repository']),
        ...(args['node-url-template']
          ? { nodeUrlTemplate: String(args['node-url-template']) }
          : {}),
        ...(webhookPort !== undefined
          ? {
              webhook: {
                port: webhookPort,
                certDir: String(args['webhook-cert-dir']),
                ...(args['webhook-config-name']
                  ? { configName: String(args['webhook-config-name']) }
                  : {}),
                ...(args['webhook-secret-name']
                  ? { secretName: String(args['webhook-secret-name']) }
                  : {}),
                hosts: (args['webhook-host'] as string[]).map(String),
              },
            }
          : {}),
      },
      {
        kubeConfig: kc,
        logger,
        onFatal: (reason) => {
          logger.fatal({ reason }, 'exiting');
          void op.stop(reason).finally(() => {
            logger.flush();
            process.exit(1);
          });
        },
      },
    );
    let signalled = false;
    const done = new Promise<number>((resolve) => {
      const onSignal = (sig: string) => {
        if (signalled) {
          logger.warn({ signal: sig }, 'second signal: exiting now');
          logger.flush();
          process.exit(1);
        }
        signalled = true;
        void op.stop(`signal ${sig}`).then(
          () => resolve(0),
          (err: unknown) => {
            logger.error(
              { err: err instanceof Error ? err.message : String(err) },
              'shutdown failed',
            );
            resolve(1);
          },
        );
      };
      process.on('SIGTERM', () => onSignal('SIGTERM'));
      process.on('SIGINT', () => onSignal('SIGINT'));
    });
    try {
      await op.start();
    } catch (err) {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'start-up failed');
      await op.stop('start-up failed').catch(() => undefined);
      logger.flush();
      return 1;
    }
    const code = await done;
    logger.flush();
    return code;
  },
};
