/**
 * gmsctl chat-server: run the Chat Server simulator (src/gateway/chat-server), the stand-in
 * for Genesys Chat Server that gateway nodes with enable_notification_mode=true attach to
 * (protocol: docs/chat-server-protocol.md). Sessions and transcripts live here, so a chat
 * outlives any one gateway node; the agent HTTP API drives the agent side.
 *
 *   gmsctl chat-server --port 4125 [--auto-agent Alice] [--config chat-server.ini]
 *
 * --config reads the [client-file-transfer] section (Chat Server file-transfer limits,
 * domain/gms.md §1.6) from an INI file.
 */
import { readFile } from 'node:fs/promises';
import { parseIni } from '../../config/index.js';
import {
  DEFAULT_FILE_LIMITS,
  parseFileLimits,
  type FileLimits,
} from '../../gateway/chat-server/limits.js';
import { ChatServerSimulator } from '../../gateway/chat-server/server.js';
import { VERSION_PATTERN } from '../../gateway/chat/versions.js';
import { createLogger } from '../../gateway/util/log.js';
import { positiveInt, untilSignal } from '../../gateway/util/run.js';
import { UsageError, type CommandModule } from '../command.js';

async function limitsFrom(path: string | undefined): Promise<FileLimits> {
  if (path === undefined) return DEFAULT_FILE_LIMITS;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${path}: cannot read: ${(e as Error).message}`);
  }
  const doc = parseIni(text);
  const errors = doc.problems
    .filter((p) => p.severity === 'error')
    .map((p) => `${path}:${p.line}:${p.column}: ${p.message} (${p.rule})`);
  if (errors.length > 0) throw new UsageError(errors.join('\n'));
  const options: Record<string, string> = {};
  const where = new Map<string, string>();
  for (const s of doc.sections)
    if (s.name === 'client-file-transfer')
      for (const e of s.entries) {
        options[e.key] = e.value;
        where.set(e.key, `${path}:${e.valuePos.line}:${e.valuePos.column}`);
      }
  try {
    return parseFileLimits(options);
  } catch (e) {
    const msg = (e as Error).message;
    const key = msg.split(/[=:]/)[0] ?? '';
    throw new UsageError(`${where.get(key) ?? path}: [client-file-transfer] ${msg}`);
  }
}

export const command: CommandModule = {
  usage: 'chat-server [--port 4125] [--host 127.0.0.1] [--auto-agent NAME]',
  describe:
    'Run the Chat Server simulator gateway nodes attach to (sessions, transcripts, agent HTTP API)',
  builder: (y) =>
    y
      .option('port', {
        alias: 'p',
        type: 'number',
        default: 4125,
        describe: 'Port for nodes and the agent API (0 = any free port)',
      })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .option('name', { type: 'string', default: 'cs-1', describe: 'Chat Server application name' })
      .option('cs-version', {
        type: 'string',
        default: '8.5.108.02',
        describe: 'Chat Server version reported to nodes (CometD needs 8.5.108+)',
      })
      .option('alias', {
        type: 'string',
        default: '117',
        describe: 'Chat host alias handed to clients',
      })
      .option('config', {
        type: 'string',
        describe: 'INI file whose [client-file-transfer] section sets the file limits',
      })
      .option('data-dir', {
        type: 'string',
        describe: 'Where uploaded files are kept (default: a new temporary directory)',
      })
      .option('auto-agent', {
        type: 'string',
        describe: 'Nickname of a scripted agent that joins every chat and answers',
      })
      .option('auto-agent-delay', {
        type: 'number',
        default: 400,
        describe: 'Milliseconds the scripted agent takes to join and to answer',
      })
      .option('idle-alert', {
        type: 'number',
        default: 0,
        describe: 'Seconds of customer inactivity before IdleAlert (0 = off)',
      })
      .option('idle-close', {
        type: 'number',
        default: 0,
        describe: 'Seconds of customer inactivity before IdleClose ends the chat (0 = off)',
      })
      .option('ended-retention', {
        type: 'number',
        default: 600,
        describe: 'Seconds an ended chat still answers requestNotifications',
      })
      .option('rotate-secure-key', {
        type: 'boolean',
        default: true,
        describe: 'New secureKey when a chat resumes on another node (seed: it "can change")',
      })
      .option('log-level', {
        type: 'string',
        default: 'info',
        choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      })
      .example(
        'gmsctl chat-server --port 4125 --auto-agent Alice',
        'A Chat Server with a scripted agent',
      ),
  run: async (args) => {
    let port: number;
    let idleAlert: number;
    let idleClose: number;
    let retention: number;
    try {
      port = positiveInt('port', args.port, 65535);
      idleAlert = positiveInt('idle-alert', args.idleAlert, 1_728_000);
      idleClose = positiveInt('idle-close', args.idleClose, 1_728_000);
      retention = positiveInt('ended-retention', args.endedRetention, 86_400);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const version = String(args.csVersion);
    if (!VERSION_PATTERN.test(version))
      throw new UsageError(
        `--cs-version ${JSON.stringify(version)} is not a version like 8.5.108.02`,
      );
    const alias = String(args.alias);
    if (!/^[A-Za-z0-9]{1,16}$/.test(alias))
      throw new UsageError('--alias must be 1-16 letters or digits');
    const name = String(args.name);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name))
      throw new UsageError('--name must be letters, digits, ".", "-" or "_"');
    const autoAgent = args.autoAgent === undefined ? undefined : String(args.autoAgent);
    if (autoAgent !== undefined && (autoAgent.trim() === '' || autoAgent.length > 64))
      throw new UsageError('--auto-agent must be a nickname of 1-64 characters');
    const limits = await limitsFrom(args.config as string | undefined);
    const log = createLogger('gms-chat-server', String(args.logLevel));
    const cs = new ChatServerSimulator({
      host: String(args.host),
      port,
      name,
      version,
      alias,
      limits,
      rotateSecureKeyOnMove: args.rotateSecureKey !== false,
      endedRetentionMs: retention * 1000,
      idleAlertMs: idleAlert * 1000,
      idleCloseMs: idleClose * 1000,
      ...(args.dataDir ? { dataDir: String(args.dataDir) } : {}),
      ...(autoAgent
        ? {
            autoAgent,
            autoAgentDelayMs: positiveInt('auto-agent-delay', args.autoAgentDelay, 60_000),
          }
        : {}),
      log,
    });
    let addr: { host: string; port: number };
    try {
      addr = await cs.start();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new UsageError(`port ${port} on ${String(args.host)} is already in use`);
      throw e;
    }
    process.stdout.write(
      `Chat Server simulator ${name} listening on ${addr.host}:${addr.port} (agent API http://${addr.host}:${addr.port}/v1/chats)\n`,
    );
    return untilSignal(async () => cs.stop());
  },
};
