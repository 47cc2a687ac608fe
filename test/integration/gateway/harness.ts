/**
 * In-process gateway nodes and Chat Server simulator on loopback, ports picked by the OS.
 * Real servers, real sockets, the official cometd client: nothing mocked.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChatServerSimulator,
  type ChatServerOptions,
} from '../../../src/gateway/chat-server/server.js';
import { Gateway, type GatewayOptions } from '../../../src/gateway/gateway.js';
import { silentLogger } from '../../../src/gateway/util/log.js';

export interface Harness {
  dir: string;
  cs: ChatServerSimulator;
  csUrl: string;
  gateways: Gateway[];
  iniPath: string;
  stop(): Promise<void>;
}

export function iniFor(csPort: number, extra = ''): string {
  return `[chat]
enable_notification_mode=true

[chat.customer-support]
push_notification_to_active_client=true

[connections]
chatserver.cs-1=127.0.0.1:${csPort}

[push]
pushEnabled=comet,fcm,customhttp,ios
${extra}`;
}

export async function startHarness(
  opts: {
    nodes?: number;
    ini?: (csPort: number) => string;
    cs?: Partial<ChatServerOptions>;
    gateway?: Partial<GatewayOptions>;
  } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'gms-gw-it-'));
  const log = silentLogger();
  const cs = new ChatServerSimulator({ port: 0, dataDir: join(dir, 'cs'), log, ...opts.cs });
  const { port: csPort } = await cs.start();
  const iniPath = join(dir, 'gms.ini');
  await writeFile(iniPath, (opts.ini ?? iniFor)(csPort));
  const gateways: Gateway[] = [];
  for (let i = 0; i < (opts.nodes ?? 1); i++) {
    gateways.push(
      await Gateway.start({
        source: { kind: 'file', path: iniPath },
        port: 0,
        nodeName: `gms-${i + 1}`,
        log,
        watchPollMs: 0,
        ...opts.gateway,
      }),
    );
  }
  await waitFor(
    () => gateways.every((g) => g.readiness().ready || !g.settings.notificationMode),
    5000,
  );
  return {
    dir,
    cs,
    csUrl: `http://127.0.0.1:${csPort}`,
    gateways,
    iniPath,
    async stop() {
      for (const g of gateways) await g.stop().catch(() => undefined);
      await cs.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  stepMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export async function agent(
  csUrl: string,
  path: string,
  body: unknown = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${csUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A local push receiver: records every request (path, headers, JSON body). */
export interface Receiver {
  url: string;
  requests: { path: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        /* keep empty */
      }
      requests.push({ path: req.url ?? '/', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"success":1}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
