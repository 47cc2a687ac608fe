/**
 * A whole local GMS setup from examples/: the Chat Server simulator, a push receiver, N gateway
 * node processes (`gmsctl gateway --config-dir`, the container contract's three files rendered
 * by `gmsctl render`) and optionally HAProxy and/or nginx in front of them, their configs
 * rendered by `gmsctl render --target haproxy|nginx --listen ...`.
 * `gmsctl demo` runs it until Ctrl-C; the end-to-end tests run chats through it and restart
 * nodes one at a time with the operator's detach -> restart -> reattach steps.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ChatService } from '../../api/types.js';
import { ChatServerSimulator } from '../chat-server/server.js';
import type { Logger } from '../util/log.js';
import { startLoadBalancer, type LbKind, type RunningLb } from './load-balancer.js';
import { loopbackManifests } from './manifests.js';
import { freePort, startChild, waitHttp, type Child } from './processes.js';
import { startPushReceiver, type PushReceiver } from './push-receiver.js';

const run = promisify(execFile);

export interface LocalClusterOptions {
  examplesDir: string;
  workDir: string;
  /** bin/gmsctl.js of this checkout (the nodes and `render` run through it). */
  gmsctl: string;
  nodes?: number;
  lbs?: { kind: LbKind; port?: number }[];
  /** Port of node 1 when there is no load balancer (0/undefined: any free port). */
  firstNodePort?: number;
  autoAgent?: string;
  service?: string;
  /** CometD long-poll hold of the nodes, seconds. */
  cometdTimeoutSec?: number;
  log: Logger;
  /** Extra environment for node processes. */
  env?: NodeJS.ProcessEnv;
}

export interface LocalNode {
  name: string;
  port: number;
  url: string;
  child: Child | undefined;
}

async function postStatus(url: string, status: 'ONLINE' | 'OFFLINE'): Promise<string> {
  const res = await fetch(`${url}/genesys/1/admin/node/changestatus/${status}`, {
    method: 'POST',
    signal: AbortSignal.timeout(5000),
  });
  const text = (await res.text()).trim();
  if (res.status !== 200)
    throw new Error(`changestatus/${status} on ${url}: HTTP ${res.status} ${text}`);
  return text;
}

export class LocalCluster {
  cs!: ChatServerSimulator;
  csUrl = '';
  receiver!: PushReceiver;
  nodes: LocalNode[] = [];
  lbs: RunningLb[] = [];
  configDir = '';
  chatService!: ChatService;
  serviceName = '';
  private constructor(readonly options: LocalClusterOptions) {}

  static async start(options: LocalClusterOptions): Promise<LocalCluster> {
    const c = new LocalCluster(options);
    try {
      await c.boot();
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  private async boot(): Promise<void> {
    const o = this.options;
    await mkdir(o.workDir, { recursive: true });
    this.receiver = await startPushReceiver();
    this.cs = new ChatServerSimulator({
      port: 0,
      dataDir: join(o.workDir, 'chat-server'),
      log: o.log,
      ...(o.autoAgent ? { autoAgent: o.autoAgent } : {}),
    });
    const { port: csPort } = await this.cs.start();
    this.csUrl = `http://127.0.0.1:${csPort}`;

    // examples/ -> loopback variant -> gmsctl render -> static.ini, dynamic.ini, secrets.ini
    const lbKinds = (o.lbs ?? []).map((l) => l.kind);
    const variant = await loopbackManifests(o.examplesDir, {
      ...(o.service ? { service: o.service } : {}),
      chatServer: { host: '127.0.0.1', port: csPort },
      customHttpUrl: this.receiver.customUrl,
      expose: lbKinds[0] ?? 'none',
    });
    this.chatService = variant.chatService;
    this.serviceName = variant.serviceName;
    const manifestDir = join(o.workDir, 'manifests');
    await mkdir(manifestDir, { recursive: true });
    for (const [name, text] of variant.files) await writeFile(join(manifestDir, name), text);
    const outDir = join(o.workDir, 'rendered');
    try {
      await run(process.execPath, [o.gmsctl, 'render', '-f', manifestDir, '-o', outDir], {
        env: process.env,
      });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`gmsctl render failed:\n${err.stderr ?? err.message}`, { cause: e });
    }
    this.configDir = join(outDir, variant.namespace, variant.chatService.metadata.name);

    const n = o.nodes ?? 3;
    for (let i = 0; i < n; i++) {
      const port =
        i === 0 && o.firstNodePort && lbKinds.length === 0 ? o.firstNodePort : await freePort();
      const node: LocalNode = {
        name: `gms-${i}`,
        port,
        url: `http://127.0.0.1:${port}`,
        child: undefined,
      };
      this.nodes.push(node);
    }
    await Promise.all(this.nodes.map((node) => this.startNode(node)));

    // The LB configs come from `gmsctl render --target <lb> --backend ... --listen ...`, the
    // command a user runs; backends in node order, so gms-<i> names node gms-<i>.
    for (const lb of o.lbs ?? []) {
      const port = lb.port ? lb.port : await freePort();
      this.lbs.push(
        await startLoadBalancer(
          lb.kind,
          {
            gmsctl: o.gmsctl,
            manifestDir,
            namespace: variant.namespace,
            name: variant.chatService.metadata.name,
          },
          this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
          port,
          join(o.workDir, 'lb'),
        ),
      );
    }
  }

  /** Start (or restart) a node process on its port and wait until it is ready. */
  async startNode(node: LocalNode): Promise<void> {
    const o = this.options;
    const args = [
      o.gmsctl,
      'gateway',
      '--config-dir',
      this.configDir,
      '--host',
      '127.0.0.1',
      '--port',
      String(node.port),
      '--node-name',
      node.name,
      '--fcm-endpoint',
      this.receiver.fcmUrl,
      '--apns-endpoint',
      this.receiver.apnsOrigin,
      '--apns-sandbox-endpoint',
      this.receiver.apnsOrigin,
      '--cometd-timeout',
      String(o.cometdTimeoutSec ?? 30),
    ];
    node.child = startChild(
      node.name,
      process.execPath,
      args,
      join(o.workDir, `${node.name}.log`),
      { ...process.env, ...o.env },
    );
    const child = node.child;
    await Promise.race([
      waitHttp(`${node.url}/readyz`, 20_000),
      child.exited.then((code) => {
        throw new Error(`${node.name} exited with code ${code}; see ${child.logFile}`);
      }),
    ]);
  }

  /** Node API: detach from the Chat Server (OFFLINE) or reattach (ONLINE). */
  changeStatus(node: LocalNode, status: 'ONLINE' | 'OFFLINE'): Promise<string> {
    return postStatus(node.url, status);
  }

  /**
   * The operator's DetachReattach step for one node (DESIGN.md, "Rollout"): OFFLINE (detach
   * from the Chat Server, CometD clients move away), restart on the config, wait for Ready,
   * ONLINE (reattach).
   */
  async rollNode(node: LocalNode, opts: { drainMs?: number } = {}): Promise<void> {
    await this.changeStatus(node, 'OFFLINE');
    if (opts.drainMs) await new Promise((r) => setTimeout(r, opts.drainMs));
    await node.child?.stop('SIGTERM');
    await this.startNode(node);
    await this.changeStatus(node, 'ONLINE');
  }

  /** CometD URL through the load balancer of `kind`, or node 1 directly. */
  cometdUrl(kind?: LbKind): string {
    const base = kind
      ? this.lbs.find((l) => l.kind === kind)?.url
      : (this.lbs[0]?.url ?? this.nodes[0]?.url);
    if (!base) throw new Error(`no ${kind ?? 'endpoint'} in this local setup`);
    return `${base}/genesys/cometd`;
  }

  async stop(): Promise<void> {
    for (const lb of this.lbs) await lb.stop().catch(() => undefined);
    await Promise.all(this.nodes.map((n) => n.child?.stop().catch(() => undefined)));
    await this.cs?.stop().catch(() => undefined);
    await this.receiver?.close().catch(() => undefined);
  }
}
