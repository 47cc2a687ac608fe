/**
 * The operator's plain-HTTP endpoints: /metrics (Prometheus text), /healthz (liveness) and
 * /readyz (readiness: informer caches synced), as kubebuilder's main.go wires
 * --metrics-bind-address and --health-probe-bind-address. Each check returns undefined when
 * fine or a reason; `?verbose` lists every check, as the API server's own /readyz does.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface Check {
  name: string;
  check(): string | undefined;
}

export interface EndpointOptions {
  host: string;
  port: number;
  registry?: Registry;
  healthz?: Check[];
  readyz?: Check[];
}

export class EndpointServer {
  private server: Server | undefined;

  constructor(private readonly opts: EndpointOptions) {}

  /** Listens; resolves with the bound port (useful with port 0). */
  listen(): Promise<number> {
    const server = createServer((req, res) => {
      void this.handle(req, res);
    });
    server.keepAliveTimeout = 5_000;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    const s = this.server;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/metrics' && this.opts.registry) {
      try {
        const body = await this.opts.registry.metrics();
        res.writeHead(200, { 'content-type': this.opts.registry.contentType }).end(body);
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
      }
      return;
    }
    const checks =
      url.pathname === '/healthz' || url.pathname === '/livez'
        ? this.opts.healthz
        : url.pathname === '/readyz'
          ? this.opts.readyz
          : undefined;
    if (!checks) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const results = checks.map((c) => ({ name: c.name, failure: safe(c) }));
    const failed = results.filter((r) => r.failure !== undefined);
    const verbose = url.searchParams.has('verbose') || failed.length > 0;
    const lines = verbose
      ? results.map((r) =>
          r.failure === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.failure}`,
        )
      : [];
    lines.push(
      failed.length === 0
        ? `${url.pathname.slice(1)} check passed`
        : `${url.pathname.slice(1)} check failed`,
    );
    res
      .writeHead(failed.length === 0 ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' })
      .end(`${lines.join('\n')}\n`);
  }
}

function safe(c: Check): string | undefined {
  try {
    return c.check();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
