/**
 * gmsctl demo: the whole local setup from examples/ (README run command).
 *
 *   gmsctl demo [--examples examples] [--lb auto|haproxy|nginx|none] [--port 8080] [--nodes 3] [--once]
 *       renders the example ChatService for loopback (gmsctl render, also the LB config with
 *       --target), starts the Chat Server simulator with a scripted agent, three gateway nodes
 *       and a load balancer, runs one scripted chat end to end through the entry point (the
 *       self-check), prints the CometD URL, a one-line client command and PASS/FAIL, and runs
 *       until Ctrl-C. With --once (the default when CI=true or stdin is not a terminal) it stops
 *       everything after the self-check: exit 0 on PASS, 1 on FAIL.
 *   gmsctl demo client --url URL [--message TEXT]... [--transport websocket]
 *       a terminal chat client (the official cometd client).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTerminal } from '../../gateway/client/terminal.js';
import { buildSettings } from '../../gateway/config/settings.js';
import { loadConfig } from '../../gateway/config/load.js';
import { LocalCluster } from '../../gateway/local/cluster.js';
import { findBinary, type LbKind } from '../../gateway/local/load-balancer.js';
import { freePort, portAvailable } from '../../gateway/local/processes.js';
import { formatSelfCheck, selfCheck } from '../../gateway/local/self-check.js';
import { createLogger } from '../../gateway/util/log.js';
import { positiveInt, untilSignal } from '../../gateway/util/run.js';
import { UsageError, type CommandModule } from '../command.js';

/** bin/gmsctl.js of this installation (dist/cli/commands/demo.js -> ../../../bin). */
function gmsctlPath(): string {
  return fileURLToPath(new URL('../../../bin/gmsctl.js', import.meta.url));
}

const INSTALL_LB =
  'sudo apt-get install haproxy (Debian/Ubuntu; or nginx), sudo dnf install haproxy (Fedora/RHEL), brew install haproxy (macOS)';

function pickLb(choice: string): LbKind | undefined {
  if (choice === 'none') return undefined;
  if (choice === 'haproxy' || choice === 'nginx') {
    if (!findBinary(choice))
      throw new UsageError(
        `--lb ${choice}: ${choice} is not installed (${INSTALL_LB.replaceAll('haproxy', choice)}), or use --lb none`,
      );
    return choice;
  }
  return findBinary('haproxy') ? 'haproxy' : findBinary('nginx') ? 'nginx' : undefined;
}

/**
 * The entry port: --port as given (busy: a usage error naming the way out), or 8080 when not
 * given (busy: the next free port, with a note), or --port 0 for any free port.
 */
async function entryPort(given: unknown, note: (s: string) => void): Promise<number> {
  if (given === undefined) {
    if (await portAvailable(8080)) return 8080;
    const port = await freePort();
    note(`port 8080 is in use by another program; using ${port} instead (choose with --port N)`);
    return port;
  }
  let port: number;
  try {
    port = positiveInt('port', given, 65535);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (port === 0) return freePort();
  if (!(await portAvailable(port)))
    throw new UsageError(
      `--port ${port}: 127.0.0.1:${port} is in use by another program; choose another port, or --port 0 for any free one`,
    );
  return port;
}

/** Basic-auth credentials of the chat service, from the rendered secrets.ini (the examples' Secret). */
async function serviceAuth(
  configDir: string,
  service: string,
): Promise<{ username: string; password: string } | undefined> {
  try {
    const loaded = await loadConfig({ kind: 'dir', dir: configDir });
    return buildSettings(loaded.config, loaded.origins).services.get(service)?.basicAuth;
  } catch {
    return undefined;
  }
}

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export const command: CommandModule = {
  usage: 'demo [client] [--examples DIR] [--lb auto|haproxy|nginx|none] [--port 8080]',
  describe:
    'Run the whole local setup from examples/ (Chat Server simulator, 3 gateway nodes, load balancer), or a terminal chat client',
  builder: (y) =>
    y
      // `demo client`: a default command with an optional positional keeps yargs' strict mode.
      .command('$0 [mode]', false, (c) =>
        c.positional('mode', {
          type: 'string',
          choices: ['up', 'client'],
          default: 'up',
          describe: 'up: the local setup; client: a terminal chat client',
        }),
      )
      .option('examples', {
        type: 'string',
        default: 'examples',
        describe: 'Directory with the example manifests',
      })
      .option('service', {
        type: 'string',
        describe: 'ChatService to run (default: the first one)',
      })
      .option('lb', {
        type: 'string',
        default: 'auto',
        choices: ['auto', 'haproxy', 'nginx', 'none'],
        describe: 'Load balancer in front of the nodes (auto: haproxy, else nginx, else none)',
      })
      .option('port', {
        alias: 'p',
        type: 'number',
        describe:
          'Port of the load balancer (or of node 1 without one); default 8080, or a free port when 8080 is busy; 0: any free port',
      })
      .option('once', {
        type: 'boolean',
        describe:
          'Start, run the self-check chat, stop everything; exit 0 on PASS, 1 on FAIL (default when CI=true or stdin is not a terminal; --no-once to keep running)',
      })
      .option('nodes', { type: 'number', default: 3, describe: 'Gateway nodes' })
      .option('agent', {
        type: 'string',
        default: 'Alice',
        describe: 'Nickname of the scripted agent ("" for none: drive the agent API yourself)',
      })
      .option('keep', {
        type: 'boolean',
        default: false,
        describe: 'Keep the work directory (rendered config, logs) after Ctrl-C',
      })
      .option('url', { type: 'string', describe: 'client: CometD URL' })
      .option('nickname', {
        type: 'string',
        default: 'Joan',
        describe: 'client: customer nickname',
      })
      .option('user', { type: 'string', describe: 'client: basic-auth username for requestChat' })
      .option('password', {
        type: 'string',
        describe: 'client: basic-auth password for requestChat',
      })
      .option('transport', {
        type: 'string',
        default: 'long-polling',
        choices: ['long-polling', 'websocket'],
        describe: 'client: CometD transport',
      })
      .option('message', {
        alias: 'm',
        type: 'string',
        array: true,
        describe: 'client: send these messages, print the chat, then disconnect',
      })
      .option('wait', {
        type: 'number',
        default: 3,
        describe: 'client: seconds to wait for answers with --message',
      })
      .example('gmsctl demo', 'Start the local setup, check it with one chat (Ctrl-C stops it)')
      .example('gmsctl demo --once', 'Start, check with one chat, stop: exit 0 on PASS')
      .example(
        'gmsctl demo client --url http://127.0.0.1:8080/genesys/cometd --user example-user --password not-a-real-password -m "Hello"',
        'Chat with it',
      ),
  run: async (args) => {
    const mode = String(args.mode ?? 'up');
    if (mode !== 'up' && mode !== 'client')
      throw new UsageError(`unknown mode "${mode}": use "gmsctl demo" or "gmsctl demo client"`);
    if (mode === 'client') {
      if (!args.url)
        throw new UsageError('demo client needs --url (the CometD URL the demo printed)');
      const service = String(args.service ?? 'customer-support');
      const messages = ((args.message as string[] | undefined) ?? []).map(String);
      let waitSec: number;
      try {
        waitSec = positiveInt('wait', args.wait, 600);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      return runTerminal({
        url: String(args.url),
        service,
        nickname: String(args.nickname),
        transport: args.transport === 'websocket' ? 'websocket' : 'long-polling',
        ...(args.user !== undefined ? { username: String(args.user) } : {}),
        ...(args.password !== undefined ? { password: String(args.password) } : {}),
        messages,
        waitMs: waitSec * 1000,
        out: process.stdout,
        input: process.stdin,
        interactive: messages.length === 0,
      });
    }

    let nodes: number;
    try {
      nodes = positiveInt('nodes', args.nodes, 16);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (nodes < 1) throw new UsageError('--nodes must be at least 1');
    const out = (line: string): void => void process.stdout.write(`${line}\n`);
    const once =
      typeof args.once === 'boolean'
        ? args.once
        : process.env.CI === 'true' || process.stdin.isTTY !== true;
    const lb = pickLb(String(args.lb));
    const port = await entryPort(args.port, (note) => out(`note: ${note}`));
    if (!lb && args.lb === 'auto')
      out(
        `note: no load balancer: neither haproxy nor nginx is installed, so clients connect to node gms-0 directly. To get one: ${INSTALL_LB}; then run the demo again (or pass --lb none to skip this note).`,
      );
    const examplesDir = resolve(String(args.examples));
    const workDir = await mkdtemp(join(tmpdir(), 'gms-demo-'));
    const log = createLogger('gms-demo', process.env.GMS_LOG_LEVEL ?? 'warn');
    const agent = String(args.agent ?? '');
    // Ctrl-C while starting or checking: stop what runs, then exit (130).
    let cluster: LocalCluster | undefined;
    let interrupted = false;
    const onSignal = (): void => {
      interrupted = true;
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const cleanup = async (): Promise<void> => {
      await cluster?.stop();
      if (!args.keep) await rm(workDir, { recursive: true, force: true });
      else out(`work directory kept: ${workDir}`);
    };
    try {
      cluster = await LocalCluster.start({
        examplesDir,
        workDir,
        gmsctl: gmsctlPath(),
        nodes,
        lbs: lb ? [{ kind: lb, port }] : [],
        firstNodePort: port,
        ...(agent ? { autoAgent: agent } : {}),
        ...(args.service ? { service: String(args.service) } : {}),
        log,
      });
    } catch (e) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (!args.keep) await rm(workDir, { recursive: true, force: true });
      throw new UsageError(`${(e as Error).message}${args.keep ? ` (logs in ${workDir})` : ''}`);
    }
    const c = cluster;
    c.receiver.onPush((p) => {
      const b = p.body;
      const text =
        p.kind === 'fcm'
          ? `${String((b.notification as Record<string, unknown> | undefined)?.title ?? '')} / ${String((b.notification as Record<string, unknown> | undefined)?.body ?? '')}`
          : p.kind === 'apns'
            ? JSON.stringify((b.aps as Record<string, unknown> | undefined)?.alert ?? {})
            : `${String(b.title ?? '')} / ${String(b.message ?? '')}`;
      out(`push (${p.kind}) ${text}`);
    });
    const url = c.cometdUrl();
    const auth = await serviceAuth(c.configDir, c.serviceName);
    const credentials = auth
      ? ` --user ${quote(auth.username)} --password ${quote(auth.password)}`
      : '';
    out('');
    out(
      `GMS Chat V2 CometD demo (${nodes} gateway node${nodes > 1 ? 's' : ''}${lb ? ` behind ${lb}` : ', no load balancer'}, Chat Server simulator${agent ? `, agent ${agent}` : ''})`,
    );
    out(`  CometD URL   ${url}`);
    out(`  channel      /service/chatV2/${c.serviceName}`);
    out(`  file API     ${url.replace(/\/cometd$/, '/2/chat-ntf')}`);
    for (const n of c.nodes)
      out(`  node ${n.name}   ${n.url}  (node API ${n.url}/genesys/1/admin/node/status)`);
    out(`  agent API    ${c.csUrl}/v1/chats`);
    out(`  config       ${c.configDir}/{static,dynamic,secrets}.ini`);
    out('');
    out('Self-check: one scripted chat through the CometD URL with the official cometd client');
    const check = await selfCheck({
      url,
      service: c.serviceName,
      csUrl: c.csUrl,
      ...(auth ? { auth } : {}),
      ...(agent ? { autoAgent: agent } : {}),
    });
    for (const line of formatSelfCheck(check)) out(line);
    out('');
    out('Chat with it (another terminal):');
    out(
      `  node ${quote(gmsctlPath())} demo client --url ${url}${credentials} --service ${c.serviceName}`,
    );
    out('');
    if (once || interrupted) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      out('stopping (--once)...');
      await cleanup();
      out(check.ok ? 'demo: PASS' : 'demo: FAIL');
      return interrupted ? 130 : check.ok ? 0 : 1;
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    out('Ctrl-C stops everything.');
    return untilSignal(async () => {
      out('\nstopping...');
      await cleanup();
    });
  },
};
