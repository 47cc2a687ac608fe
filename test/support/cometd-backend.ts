/**
 * A small CometD-shaped GMS node for load-balancer tests (issue 6), run as its own process so a
 * test can stop one node for real. It speaks enough Bayeux for the official `cometd` client and
 * for hand-made requests: /meta/handshake, /meta/connect (held for `timeout` ms like a CometD
 * server), /meta/subscribe, /meta/unsubscribe, /meta/disconnect and publishes, over
 * long-polling (POST), callback-polling (JSONP GET) and WebSocket; plus the GMS node status API
 * used by health checks (domain/gms.md §5). Clients of another node get `402::Unknown client`,
 * as a real CometD server answers, so a request the LB sends to the wrong node is visible.
 *
 * Every HTTP response (also the 101) carries `X-Gms-Node: <id>` and every delivered message
 * `ext["gms.node"]`, so tests see which node answered. The parent reads hit counters over IPC.
 *
 * Usage: node cometd-backend.ts --id gms-0 [--timeout-ms 30000]   (Node >= 23: type stripping)
 * The real gateway (src/gateway) replaces this file through ./cometd-backends.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

type Msg = Record<string, unknown> & { channel?: string; id?: string; clientId?: string };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const NODE = arg('id', 'gms-0');
const TIMEOUT_MS = Number(arg('timeout-ms', '30000'));
let status: 'ONLINE' | 'OFFLINE' = 'ONLINE';

interface Session {
  id: string;
  queue: Msg[];
  subscriptions: Set<string>;
  /** Ends a held /meta/connect early (a message arrived, or the client disconnected). */
  wake?: () => void;
  ws?: WebSocket;
}
const sessions = new Map<string, Session>();

const hits = {
  requests: 0,
  handshakes: 0,
  connects: 0,
  connectGets: 0,
  publishes: 0,
  wsUpgrades: 0,
  wsMessages: 0,
  unknownClient: 0,
  statusChecks: 0,
  chatV2: 0,
};

function advice(): Msg {
  return { reconnect: 'retry', interval: 0, timeout: TIMEOUT_MS };
}

function stamp(m: Msg): Msg {
  const ext = (m.ext as Record<string, unknown> | undefined) ?? {};
  return { ...m, ext: { ...ext, 'gms.node': NODE } };
}

function deliver(target: Session, m: Msg): void {
  if (target.ws) target.ws.send(JSON.stringify([stamp(m)]));
  else {
    target.queue.push(stamp(m));
    target.wake?.();
  }
}

/** Handle one Bayeux message; returns the reply, or a promise for a held /meta/connect. */
async function handle(m: Msg, ws: WebSocket | undefined, onHandshake: () => void): Promise<Msg[]> {
  const channel = m.channel ?? '';
  const base = { channel, id: m.id };
  if (channel === '/meta/handshake') {
    hits.handshakes++;
    const clientId = `${NODE}.${randomBytes(8).toString('hex')}`;
    sessions.set(clientId, {
      id: clientId,
      queue: [],
      subscriptions: new Set(),
      ...(ws ? { ws } : {}),
    });
    onHandshake();
    return [
      stamp({
        ...base,
        version: '1.0',
        supportedConnectionTypes: ['websocket', 'long-polling', 'callback-polling'],
        clientId,
        successful: true,
        advice: advice(),
      }),
    ];
  }
  const session = m.clientId ? sessions.get(m.clientId) : undefined;
  if (!session) {
    hits.unknownClient++;
    return [
      stamp({
        ...base,
        successful: false,
        error: '402::Unknown client',
        advice: { reconnect: 'handshake', interval: 0 },
      }),
    ];
  }
  if (ws && !session.ws) session.ws = ws;
  switch (channel) {
    case '/meta/connect': {
      hits.connects++;
      const reqAdvice = m.advice as { timeout?: number } | undefined;
      const hold = reqAdvice?.timeout === 0 ? 0 : TIMEOUT_MS;
      if (session.queue.length === 0 && hold > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, hold);
          session.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        session.wake = undefined;
      }
      const queued = session.queue.splice(0);
      if (!sessions.has(session.id))
        return [...queued, stamp({ ...base, successful: false, error: '402::Unknown client' })];
      return [
        ...queued,
        stamp({ ...base, clientId: session.id, successful: true, advice: advice() }),
      ];
    }
    case '/meta/subscribe':
    case '/meta/unsubscribe': {
      const subs = ([] as string[]).concat((m.subscription as string | string[]) ?? []);
      for (const s of subs) {
        if (channel === '/meta/subscribe') session.subscriptions.add(s);
        else session.subscriptions.delete(s);
      }
      return [
        stamp({ ...base, clientId: session.id, subscription: m.subscription, successful: true }),
      ];
    }
    case '/meta/disconnect': {
      sessions.delete(session.id);
      session.wake?.();
      return [stamp({ ...base, clientId: session.id, successful: true })];
    }
    default: {
      hits.publishes++;
      if (channel.startsWith('/service/')) {
        // Like a GMS service channel: the reply goes back to the sender only.
        deliver(session, { channel, data: { echo: m.data, node: NODE } });
      } else {
        for (const s of sessions.values())
          if (s.subscriptions.has(channel)) deliver(s, { channel, data: m.data });
      }
      return [stamp({ ...base, successful: true })];
    }
  }
}

async function handleBatch(
  batch: Msg[],
  ws: WebSocket | undefined,
  onHandshake: () => void,
): Promise<Msg[]> {
  const replies = await Promise.all(batch.map((m) => handle(m, ws, onHandshake)));
  return replies.flat();
}

function parseMessages(text: string): Msg[] {
  const parsed: unknown = JSON.parse(text);
  return (Array.isArray(parsed) ? parsed : [parsed]) as Msg[];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  code: number,
  type: string,
  body: string,
  extra: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  res.writeHead(code, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

const server = createServer(async (req, res) => {
  hits.requests++;
  res.setHeader('X-Gms-Node', NODE);
  const url = new URL(req.url ?? '/', 'http://gms');
  try {
    if (url.pathname === '/genesys/1/admin/node/status' && req.method === 'GET') {
      hits.statusChecks++;
      return send(res, 200, 'text/plain', status);
    }
    const change = /^\/genesys\/1\/admin\/node\/changestatus\/(ONLINE|OFFLINE)$/.exec(url.pathname);
    if (change && req.method === 'POST') {
      status = change[1] as 'ONLINE' | 'OFFLINE';
      return send(res, 200, 'text/plain', status);
    }
    if (url.pathname.startsWith('/genesys/2/')) {
      hits.chatV2++;
      await readBody(req);
      return send(res, 200, 'application/json', JSON.stringify({ statusCode: 0, node: NODE }));
    }
    if (url.pathname === '/genesys/cometd' || url.pathname.startsWith('/genesys/cometd/')) {
      let cookie: Record<string, string> = {};
      const onHandshake = (): void => {
        cookie = {
          'set-cookie': `BAYEUX_BROWSER=${randomBytes(6).toString('hex')}; Path=/; HttpOnly`,
        };
      };
      if (req.method === 'POST') {
        const replies = await handleBatch(
          parseMessages(await readBody(req)),
          undefined,
          onHandshake,
        );
        return send(res, 200, 'application/json;charset=UTF-8', JSON.stringify(replies), cookie);
      }
      if (req.method === 'GET' && url.searchParams.has('message')) {
        const batch = parseMessages(url.searchParams.get('message')!);
        if (batch.some((m) => m.channel === '/meta/connect')) hits.connectGets++;
        const replies = await handleBatch(batch, undefined, onHandshake);
        const cb = url.searchParams.get('jsonp') ?? 'jsonpcallback';
        return send(
          res,
          200,
          'text/javascript;charset=UTF-8',
          `${cb}(${JSON.stringify(replies)});`,
          cookie,
        );
      }
      return send(res, 400, 'text/plain', 'bad Bayeux request');
    }
    send(res, 404, 'text/plain', 'not found');
  } catch (err) {
    send(res, 400, 'text/plain', `bad request: ${(err as Error).message}`);
  }
});
// Long polls are held by design; Node's 5 s keep-alive and 300 s request limits must not end them first.
server.keepAliveTimeout = 120_000;
server.requestTimeout = 0;

const wss = new WebSocketServer({ noServer: true });
wss.on('headers', (headers) => headers.push(`X-Gms-Node: ${NODE}`));
server.on('upgrade', (req, socket, head) => {
  hits.requests++;
  const path = new URL(req.url ?? '/', 'http://gms').pathname;
  if (!(path === '/genesys/cometd' || path.startsWith('/genesys/cometd/'))) {
    socket.destroy();
    return;
  }
  hits.wsUpgrades++;
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('message', async (data) => {
      hits.wsMessages++;
      try {
        const replies = await handleBatch(parseMessages(data.toString()), ws, () => {});
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(replies));
      } catch {
        ws.close(1002, 'bad Bayeux message');
      }
    });
    ws.on('close', () => {
      for (const s of sessions.values()) if (s.ws === ws) s.wake?.();
    });
  });
});

process.on('message', (msg: { cmd: string; value?: string }) => {
  if (msg.cmd === 'hits') process.send?.({ type: 'hits', hits: { ...hits, status } });
  else if (msg.cmd === 'reset') {
    for (const k of Object.keys(hits) as Array<keyof typeof hits>) hits[k] = 0;
    process.send?.({ type: 'reset' });
  } else if (msg.cmd === 'status') {
    status = msg.value === 'OFFLINE' ? 'OFFLINE' : 'ONLINE';
    process.send?.({ type: 'status', status });
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  process.send?.({ type: 'listening', port });
});
