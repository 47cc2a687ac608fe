/**
 * nginx with several worker processes keeps one view of a failed GMS node (the upstream
 * `zone`): after a node restarts, a CometD session's requests stay on the node they moved to
 * until the fail_timeout ends, instead of alternating between nodes depending on which worker
 * accepted the connection. Without a zone each worker keeps its own failure state, so the
 * workers that never saw the failure send the session back to the restarted node (which does
 * not know the client: 402, a re-handshake, and a re-subscribe that may land on the other
 * node). That split was the cause of the e2e rolling-restart flake (docs/load-balancers.md).
 *
 * The backends are plain HTTP servers that answer with their name: the test is about nginx's
 * upstream peer state, not CometD. The rendered config is run with 4 workers and `reuseport`
 * (test scaffolding only), so fresh connections spread over the workers deterministically on
 * any machine; the upstream block is exactly what `gmsctl render --target nginx` writes.
 */
import { createServer, request, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { renderLoadBalancer, type RenderedFile } from '../../../src/lb/index.js';
import { chatService } from './fixtures.js';
import { freePort, haveBinary, startLb, tempDir, type RunningLb } from './harness.js';

interface NamedServer {
  name: string;
  port: number;
  server: Server;
}

function listen(name: string, port: number): Promise<NamedServer> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'x-gms-node': name, connection: 'close' });
    res.end(name);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ name, port, server }));
  });
}

function close(s: NamedServer): Promise<void> {
  return new Promise((resolve) => {
    s.server.close(() => resolve());
    s.server.closeAllConnections();
  });
}

/** One request on a fresh TCP connection (so the kernel may hand it to any worker). */
function get(
  port: number,
  cookie?: string,
): Promise<{ node: string; setCookie: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/genesys/cometd',
        method: 'GET',
        agent: false,
        headers: { connection: 'close', ...(cookie ? { cookie } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            node: String(res.headers['x-gms-node'] ?? `HTTP ${res.statusCode}`),
            setCookie: res.headers['set-cookie']?.[0]?.split(';')[0],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The rendered files, run with 4 workers and SO_REUSEPORT (connections spread over workers). */
function withWorkers(files: RenderedFile[], transform?: (text: string) => string): RenderedFile[] {
  return files.map((f) =>
    f.path === 'nginx/nginx.conf'
      ? {
          ...f,
          content: (transform ?? ((t) => t))(
            f.content
              .replace(/^worker_processes .*$/m, 'worker_processes 4;')
              .replace(/^(\s*listen 127\.0\.0\.1:\d+);$/m, '$1 reuseport;'),
          ),
        }
      : f,
  );
}

const servers: NamedServer[] = [];
let lb: RunningLb | undefined;
afterEach(async () => {
  await lb?.stop();
  lb = undefined;
  await Promise.all(servers.splice(0).map(close));
});

/**
 * A session whose node fails once and is back right away: where do its next 40 requests go?
 */
async function afterRestart(transform?: (text: string) => string): Promise<{
  home: string;
  other: string;
  nodes: string[];
  config: string;
}> {
  const a = await listen('gms-0', await freePort());
  const b = await listen('gms-1', await freePort());
  servers.push(a, b);
  const port = await freePort();
  const dir = tempDir('nginx-workers');
  const files = withWorkers(
    renderLoadBalancer('nginx', chatService({}), {
      backends: [
        { name: 'gms-0', host: '127.0.0.1', port: a.port },
        { name: 'gms-1', host: '127.0.0.1', port: b.port },
      ],
      listen: { address: '127.0.0.1', httpPort: port },
    }),
    transform,
  );
  lb = await startLb('nginx', files, port, dir);
  // A session (affinity cookie minted by nginx) whose node is gms-0.
  let cookie: string | undefined;
  for (let i = 0; i < 200 && !cookie; i++) {
    const r = await get(port);
    if (r.node === 'gms-0') cookie = r.setCookie;
  }
  expect(cookie, 'no fresh request landed on gms-0').toBeDefined();
  // gms-0 goes away: the next request of the session fails over to gms-1 (one worker now
  // knows gms-0 failed) ...
  servers.splice(servers.indexOf(a), 1);
  await close(a);
  expect((await get(port, cookie)).node).toBe('gms-1');
  // ... and gms-0 is back at once (a quick restart), well within fail_timeout=10s.
  servers.push(await listen('gms-0', a.port));
  const nodes: string[] = [];
  for (let i = 0; i < 40; i++) nodes.push((await get(port, cookie)).node);
  return {
    home: 'gms-0',
    other: 'gms-1',
    nodes,
    config: files.find((f) => f.path === 'nginx/nginx.conf')!.content,
  };
}

describe.skipIf(!haveBinary('nginx'))('nginx upstream state shared by all workers', () => {
  it('keeps a session on the node it failed over to, whichever worker takes the connection', async () => {
    const r = await afterRestart();
    expect(r.config).toMatch(/^\s*zone gms_customer_support \d+k;$/m);
    // Every worker knows gms-0 failed: the session stays on gms-1 until fail_timeout ends.
    expect(new Set(r.nodes)).toEqual(new Set([r.other]));
  });

  it('counter-test: without the zone, workers disagree and the session alternates between nodes', async () => {
    const r = await afterRestart((t) => t.replace(/^\s*zone gms_\w+ \d+k;\n/m, ''));
    expect(r.config).not.toMatch(/^\s*zone /m);
    expect(r.nodes).toContain(r.home);
    expect(r.nodes).toContain(r.other);
  });
});
