/**
 * The gmsctl commands. Each entry names its module, which is imported only when the command
 * runs, so `gmsctl --version` and `gmsctl validate` stay cheap to start (issue: cold start
 * under 150 ms). A command module exports `command: CommandModule` (see ./command.ts).
 */
import type { CommandLoader } from './command.js';

export const COMMANDS: readonly CommandLoader[] = [
  {
    name: 'validate',
    describe: 'Validate ChatService/PushProvider manifests and GMS INI files',
    load: () => import('./commands/validate.js'),
  },
  {
    name: 'render',
    describe: 'Render the GMS INI files of each ChatService (validates first)',
    load: () => import('./commands/render.js'),
  },
  {
    name: 'plan',
    describe:
      'Show what the operator will do for a change (dynamic vs restart-required, ordered rollout steps)',
    load: () => import('./commands/plan.js'),
  },
  {
    name: 'import',
    describe: 'Turn an existing GMS INI file into ChatService and PushProvider YAML',
    load: () => import('./commands/import.js'),
  },
  {
    name: 'explain',
    describe:
      'Explain a GMS option: sections, type, default, valid values, when changes take effect, versions',
    load: () => import('./commands/explain.js'),
  },
  {
    name: 'options',
    describe: 'List the GMS option catalog (--section S, --format json)',
    load: () => import('./commands/options.js'),
  },
  {
    name: 'gateway',
    describe:
      'Run a GMS-compatible Chat V2 CometD gateway node from gms.ini (or /etc/gms/{static,dynamic,secrets}.ini)',
    load: () => import('./commands/gateway.js'),
  },
  {
    name: 'chat-server',
    describe:
      'Run the Chat Server simulator gateway nodes attach to (sessions, transcripts, agent HTTP API)',
    load: () => import('./commands/chat-server.js'),
  },
  {
    name: 'demo',
    describe:
      'Run the whole local setup from examples/ (Chat Server, 3 gateway nodes, load balancer); `demo client` chats with it',
    load: () => import('./commands/demo.js'),
  },
  {
    name: 'operator',
    describe:
      "Run the gms-operator (reconcile ChatServices, admission webhook); the Helm chart's container command",
    load: () => import('./commands/operator.js'),
  },
];
