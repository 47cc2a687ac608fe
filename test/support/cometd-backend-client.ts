/**
 * A minimal Bayeux-over-HTTP client for load-balancer tests and benchmarks: one instance is one
 * browser (its own cookie jar, optionally its own source address on 127.0.0.0/8 so source-ip
 * stickiness can be exercised on loopback). It reports which GMS node answered (`X-Gms-Node`).
 * Protocol-level tests also use the official `cometd` client; this one exists to count and time.
 */
import type { Agent } from 'node:http';
import { request } from 'node:http';
import WebSocket from 'ws';

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  node: string | undefined;
  ms: number;
}

export class CometdHttpClient {
  readonly cookies = new Map<string, string>();
  clientId: string | undefined;
  private seq = 0;

  constructor(
    readonly baseUrl: string,
    readonly opts: {
      localAddress?: string;
      agent?: Agent;
      /** Host header (virtual host), default the URL's. */ host?: string;
    } = {},
  ) {}

  cookieHeader(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(setCookie: string | string[] | undefined): void {
    for (const c of ([] as string[]).concat(setCookie ?? [])) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }

  send(
    method: 'GET' | 'POST',
    path: string,
    body?: string,
    timeoutMs = 120_000,
  ): Promise<HttpReply> {
    const url = new URL(path, this.baseUrl);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { host: this.opts.host ?? url.host };
      const cookie = this.cookieHeader();
      if (cookie) headers.cookie = cookie;
      if (body !== undefined) {
        headers['content-type'] = 'application/json;charset=UTF-8';
        headers['content-length'] = String(Buffer.byteLength(body));
      }
      const req = request(
        url,
        {
          method,
          headers,
          ...(this.opts.localAddress ? { localAddress: this.opts.localAddress } : {}),
          ...(this.opts.agent ? { agent: this.opts.agent } : {}),
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            this.remember(res.headers['set-cookie']);
            const node = res.headers['x-gms-node'];
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              node: Array.isArray(node) ? node[0] : node,
              ms: performance.now() - started,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  async bayeux(
    messages: object[],
    path = '/genesys/cometd',
  ): Promise<HttpReply & { messages: Array<Record<string, unknown>> }> {
    const reply = await this.send('POST', path, JSON.stringify(messages));
    let parsed: Array<Record<string, unknown>> = [];
    try {
      parsed = JSON.parse(reply.body) as Array<Record<string, unknown>>;
    } catch {
      /* non-Bayeux reply (e.g. a 502 page): messages stay empty */
    }
    return { ...reply, messages: parsed };
  }

  async handshake(): Promise<HttpReply & { messages: Array<Record<string, unknown>> }> {
    const r = await this.bayeux(
      [
        {
          channel: '/meta/handshake',
          version: '1.0',
          supportedConnectionTypes: ['long-polling'],
          id: String(++this.seq),
        },
      ],
      '/genesys/cometd/handshake',
    );
    const hs = r.messages.find((m) => m.channel === '/meta/handshake');
    this.clientId = hs?.successful ? (hs.clientId as string) : undefined;
    return r;
  }

  /** A /meta/connect; `timeout: 0` asks for an immediate answer (CometD's first connect). */
  connect(timeout?: number): ReturnType<CometdHttpClient['bayeux']> {
    return this.bayeux(
      [
        {
          channel: '/meta/connect',
          clientId: this.clientId,
          connectionType: 'long-polling',
          id: String(++this.seq),
          ...(timeout !== undefined ? { advice: { timeout } } : {}),
        },
      ],
      '/genesys/cometd/connect',
    );
  }

  /** A /meta/connect over callback-polling (JSONP): the GET a retrying LB would replay. */
  connectGet(): Promise<HttpReply> {
    const message = JSON.stringify([
      {
        channel: '/meta/connect',
        clientId: this.clientId,
        connectionType: 'callback-polling',
        id: String(++this.seq),
      },
    ]);
    return this.send(
      'GET',
      `/genesys/cometd/connect?jsonp=_cometd_jsonp_1&message=${encodeURIComponent(message)}`,
    );
  }

  publish(channel: string, data: unknown): ReturnType<CometdHttpClient['bayeux']> {
    return this.bayeux([{ channel, data, clientId: this.clientId, id: String(++this.seq) }]);
  }
}

/** Open a WebSocket to the CometD URL with the client's cookies; resolves after the 101. */
export function openWebSocket(
  client: CometdHttpClient,
  path = '/genesys/cometd',
): Promise<{ ws: WebSocket; status: number; node: string | undefined; setCookie: string[] }> {
  const url = new URL(path, client.baseUrl.replace(/^http/, 'ws'));
  return new Promise((resolve, reject) => {
    const cookie = client.cookieHeader();
    const ws = new WebSocket(url, {
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(client.opts.host ? { host: client.opts.host } : {}),
      },
      ...(client.opts.localAddress ? { localAddress: client.opts.localAddress } : {}),
    });
    ws.once('upgrade', (res) => {
      const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
      for (const c of setCookie) {
        const [pair] = c.split(';');
        const eq = pair!.indexOf('=');
        if (eq > 0) client.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
      }
      const node = res.headers['x-gms-node'];
      ws.once('open', () =>
        resolve({
          ws,
          status: res.statusCode ?? 0,
          node: Array.isArray(node) ? node[0] : node,
          setCookie,
        }),
      );
    });
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`WebSocket upgrade answered ${res.statusCode}`)),
    );
    ws.once('error', reject);
  });
}

/** Send a Bayeux batch over a WebSocket and wait for the first reply batch holding `channel`. */
export function wsExchange(
  ws: WebSocket,
  messages: object[],
  channel: string,
  timeoutMs = 10_000,
): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      reject(new Error(`no ${channel} reply within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (data: WebSocket.RawData): void => {
      const batch = JSON.parse(data.toString()) as Array<Record<string, unknown>>;
      if (batch.some((m) => m.channel === channel)) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(batch);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify(messages));
  });
}
