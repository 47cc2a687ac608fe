/**
 * gmsctl gateway: run one GMS-compatible Chat V2 CometD gateway node (src/gateway).
 *
 *   gmsctl gateway --config gms.ini [--port 8080] [--host 127.0.0.1]
 *   gmsctl gateway --config-dir /etc/gms        (static.ini, dynamic.ini, secrets.ini)
 *
 * Push endpoints of FCM and APNs are flags (or GMS_FCM_ENDPOINT, GMS_APNS_ENDPOINT,
 * GMS_APNS_SANDBOX_ENDPOINT), never INI keys, so tests and demos point them at a local receiver.
 * The node API can require Basic auth: GMS_NODE_API_USERNAME and GMS_NODE_API_PASSWORD.
 * In a pod (the operator's StatefulSet) the environment fills the flags: GMS_CONFIG_DIR,
 * GMS_HTTP_PORT, GMS_NODE_NAME; the address defaults to 0.0.0.0 when KUBERNETES_SERVICE_HOST is
 * set (inside Kubernetes), else 127.0.0.1 (GMS_HOST overrides both).
 * Runs until SIGINT/SIGTERM; on SIGTERM the node goes OFFLINE first (CometD clients move to
 * other nodes), then stops. A bad config stops it at start with file:line:col messages (exit 2).
 */
import { ConfigError } from '../../gateway/config/load.js';
import { SettingsError } from '../../gateway/config/settings.js';
import { Gateway } from '../../gateway/gateway.js';
import { VERSION_PATTERN } from '../../gateway/chat/versions.js';
import { createLogger } from '../../gateway/util/log.js';
import { positiveInt, untilSignal } from '../../gateway/util/run.js';
import { UsageError, type CommandModule } from '../command.js';

function url(name: string, v: unknown): string | undefined {
  if (v === undefined || v === '') return undefined;
  const s = String(v);
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new UsageError(`--${name} ${JSON.stringify(s)} is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UsageError(`--${name} must be an http or https URL`);
  return s;
}

export const command: CommandModule = {
  usage: 'gateway (--config gms.ini | --config-dir DIR) [--port 8080] [--host 127.0.0.1]',
  describe:
    'Run a GMS-compatible Chat V2 CometD gateway node that reads gms.ini (or /etc/gms/{static,dynamic,secrets}.ini)',
  builder: (y) =>
    y
      .option('config', { alias: 'c', type: 'string', describe: 'One gms.ini file' })
      .option('config-dir', {
        type: 'string',
        default: process.env.GMS_CONFIG_DIR,
        describe:
          'Directory with static.ini, dynamic.ini and secrets.ini (container contract), read in that order',
      })
      .option('port', {
        alias: 'p',
        type: 'number',
        default: Number(process.env.GMS_HTTP_PORT ?? process.env.GMS_PORT ?? 8080),
        describe: 'HTTP port (0 = any free port)',
      })
      .option('host', {
        type: 'string',
        default:
          process.env.GMS_HOST ?? (process.env.KUBERNETES_SERVICE_HOST ? '0.0.0.0' : '127.0.0.1'),
        describe: 'Address to listen on (0.0.0.0 in a container)',
      })
      .option('node-name', {
        type: 'string',
        default: process.env.GMS_NODE_NAME,
        describe: 'Node name the Chat Server sees (default: host name, i.e. the pod name)',
      })
      .option('node-group', {
        type: 'string',
        default: process.env.GMS_NODE_GROUP ?? 'gms',
        describe: 'Node group (GCTI_GMS_NodeGroup)',
      })
      .option('gms-version', {
        type: 'string',
        default: process.env.GMS_VERSION ?? '8.5.219.03',
        describe: 'GMS version to behave as (feature gates, e.g. readReceipt needs 8.5.201.04)',
      })
      .option('cometd-timeout', {
        type: 'number',
        default: 30,
        describe: 'Seconds a CometD long poll is held',
      })
      .option('fcm-endpoint', {
        type: 'string',
        default: process.env.GMS_FCM_ENDPOINT,
        describe: 'FCM send URL (default https://fcm.googleapis.com/fcm/send)',
      })
      .option('apns-endpoint', {
        type: 'string',
        default: process.env.GMS_APNS_ENDPOINT,
        describe: 'APNs origin (default https://api.push.apple.com)',
      })
      .option('apns-sandbox-endpoint', {
        type: 'string',
        default: process.env.GMS_APNS_SANDBOX_ENDPOINT,
        describe:
          'APNs origin for push_notification_debug=true (default https://api.sandbox.push.apple.com)',
      })
      .option('watch', {
        type: 'boolean',
        default: true,
        describe: 'Apply config file changes (dynamic options) while running',
      })
      .option('log-level', {
        type: 'string',
        default: process.env.GMS_LOG_LEVEL ?? 'info',
        choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      })
      .example(
        'gmsctl gateway --config-dir out/contact-center/customer-support --port 8080',
        'One node from what gmsctl render -o out/ wrote, credentials included (gms.ini has none)',
      )
      .example(
        'gmsctl gateway --config-dir /etc/gms --host 0.0.0.0',
        'In a container: the three files of the container contract',
      ),
  run: async (args) => {
    const config = args.config as string | undefined;
    // --config wins over GMS_CONFIG_DIR from the environment (the pod sets it).
    const dir =
      config !== undefined && args.configDir === process.env.GMS_CONFIG_DIR
        ? undefined
        : (args.configDir as string | undefined);
    if ((config === undefined) === (dir === undefined))
      throw new UsageError('give exactly one of --config FILE or --config-dir DIR');
    const gmsVersion = String(args.gmsVersion);
    if (!VERSION_PATTERN.test(gmsVersion))
      throw new UsageError(
        `--gms-version ${JSON.stringify(gmsVersion)} is not a version like 8.5.219.03`,
      );
    let port: number;
    let timeout: number;
    try {
      port = positiveInt('port', args.port, 65535);
      timeout = positiveInt('cometd-timeout', args.cometdTimeout, 600);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (timeout < 1) throw new UsageError('--cometd-timeout must be at least 1 second');
    const pushEndpoints: Record<string, string> = {};
    const fcm = url('fcm-endpoint', args.fcmEndpoint);
    const apns = url('apns-endpoint', args.apnsEndpoint);
    const apnsSandbox = url('apns-sandbox-endpoint', args.apnsSandboxEndpoint);
    if (fcm) pushEndpoints.fcm = fcm;
    if (apns) pushEndpoints.apns = apns;
    if (apnsSandbox) pushEndpoints.apnsSandbox = apnsSandbox;
    const user = process.env.GMS_NODE_API_USERNAME;
    const pass = process.env.GMS_NODE_API_PASSWORD;
    if ((user === undefined) !== (pass === undefined))
      throw new UsageError('set both GMS_NODE_API_USERNAME and GMS_NODE_API_PASSWORD, or neither');
    const log = createLogger('gms-gateway', String(args.logLevel));
    let gw: Gateway;
    try {
      gw = await Gateway.start({
        source:
          config !== undefined
            ? { kind: 'file', path: config }
            : { kind: 'dir', dir: dir as string },
        host: String(args.host),
        port,
        ...(args.nodeName ? { nodeName: String(args.nodeName) } : {}),
        nodeGroup: String(args.nodeGroup),
        gmsVersion,
        cometdTimeoutSec: timeout,
        pushEndpoints,
        ...(user !== undefined && pass !== undefined
          ? { nodeApiAuth: { username: user, password: pass } }
          : {}),
        watch: args.watch !== false,
        processMetrics: true,
        log,
      });
    } catch (e) {
      if (e instanceof ConfigError || e instanceof SettingsError)
        throw new UsageError(`invalid configuration:\n${e.message}`);
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new UsageError(`port ${port} on ${String(args.host)} is already in use`);
      if (code === 'EACCES')
        throw new UsageError(`no permission to listen on ${String(args.host)}:${port}`);
      throw e;
    }
    process.stdout.write(`GMS gateway ${gw.nodeName} listening: CometD ${gw.url}/genesys/cometd\n`);
    return untilSignal(async (signal) => {
      log.info({ signal }, 'stopping');
      // Going OFFLINE first lets CometD clients re-handshake on another node right away.
      await gw.changeStatus('OFFLINE');
      await gw.stop();
    });
  },
};
