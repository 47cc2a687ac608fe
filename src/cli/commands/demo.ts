/**
 * gmsctl demo: the whole local setup from examples/ (README run command).
 *
 *   gmsctl demo [--examples examples] [--lb auto|haproxy|nginx|none] [--port 8080] [--nodes 3]
 *       renders the example ChatService for loopback (gmsctl render), starts the Chat Server
 *       simulator with a scripted agent, three gateway nodes and a load balancer, prints the
 *       CometD URL and a one-line client command, and runs until Ctrl-C.
 *   gmsctl demo client --url URL [--message TEXT]... [--transport websocket]
 *       a terminal chat client (the official cometd client).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTerminal } from '../../gateway/client/terminal.js';
import { LocalCluster } from '../../gateway/local/cluster.js';
import { findBinary, type LbKind } from '../../gateway/local/load-balancer.js';
import { createLogger } from '../../gateway/util/log.js';
import { positiveInt, untilSignal } from '../../gateway/util/run.js';
import { UsageError, type CommandModule } from '../command.js';

/** bin/gmsctl.js of this installation (dist/cli/commands/demo.js -> ../../../bin). */
function gmsctlPath(): string {
  return fileURLToPath(new URL('../../../bin/gmsctl.js', import.meta.url));
}

function pickLb(choice: string): LbKind | undefined {
  if (choice === 'none') return undefined;
  if (choice === 'haproxy' || choice === 'nginx') {
    if (!findBinary(choice))
      throw new UsageError(
        `--lb ${choice}: ${choice} is not installed (apt-get install ${choice}), or use --lb none`,
      );
    return choice;
  }
  return findBinary('haproxy') ? 'haproxy' : findBinary('nginx') ? 'nginx' : undefined;
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
        default: 8080,
        describe: 'Port of the load balancer (or of node 1 without one)',
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
      .example('gmsctl demo', 'Start the local setup (Ctrl-C stops it)')
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

    let port: number;
    let nodes: number;
    try {
      port = positiveInt('port', args.port, 65535);
      nodes = positiveInt('nodes', args.nodes, 16);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (nodes < 1) throw new UsageError('--nodes must be at least 1');
    const lb = pickLb(String(args.lb));
    const examplesDir = resolve(String(args.examples));
    const workDir = await mkdtemp(join(tmpdir(), 'gms-demo-'));
    const log = createLogger('gms-demo', process.env.GMS_LOG_LEVEL ?? 'warn');
    const agent = String(args.agent ?? '');
    let cluster: LocalCluster;
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
      if (!args.keep) await rm(workDir, { recursive: true, force: true });
      throw new UsageError(`${(e as Error).message}${args.keep ? ` (logs in ${workDir})` : ''}`);
    }
    cluster.receiver.onPush((p) => {
      const b = p.body;
      const text =
        p.kind === 'fcm'
          ? `${String((b.notification as Record<string, unknown> | undefined)?.title ?? '')} / ${String((b.notification as Record<string, unknown> | undefined)?.body ?? '')}`
          : p.kind === 'apns'
            ? JSON.stringify((b.aps as Record<string, unknown> | undefined)?.alert ?? {})
            : `${String(b.title ?? '')} / ${String(b.message ?? '')}`;
      process.stdout.write(`push (${p.kind}) ${text}\n`);
    });
    const url = cluster.cometdUrl();
    const secrets = cluster.chatService.spec.auth?.basic
      ? ' --user example-user --password not-a-real-password'
      : '';
    const lines = [
      '',
      `GMS Chat V2 CometD demo (${nodes} gateway node${nodes > 1 ? 's' : ''}${lb ? ` behind ${lb}` : ''}, Chat Server simulator${agent ? `, agent ${agent}` : ''})`,
      `  CometD URL   ${url}`,
      `  channel      /service/chatV2/${cluster.serviceName}`,
      `  file API     ${url.replace(/\/cometd$/, '/2/chat-ntf')}`,
      ...cluster.nodes.map(
        (n) => `  node ${n.name}   ${n.url}  (node API ${n.url}/genesys/1/admin/node/status)`,
      ),
      `  agent API    ${cluster.csUrl}/v1/chats`,
      `  config       ${cluster.configDir}/{static,dynamic,secrets}.ini`,
      '',
      'Chat with it (another terminal):',
      `  node ${quote(gmsctlPath())} demo client --url ${url}${secrets} --service ${cluster.serviceName}`,
      '',
      'Ctrl-C stops everything.',
      '',
    ];
    process.stdout.write(lines.join('\n'));
    return untilSignal(async () => {
      process.stdout.write('\nstopping...\n');
      await cluster.stop();
      if (!args.keep) await rm(workDir, { recursive: true, force: true });
      else process.stdout.write(`work directory kept: ${workDir}\n`);
    });
  },
};
