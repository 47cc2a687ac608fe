import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HttpNodeApiClient,
  NodeApiError,
  RecordingNodeApi,
  changeStatusConfirmed,
  nodeBaseUrl,
  parseNodeStatus,
  DNS_NODE_URL_TEMPLATE,
} from '../../../src/operator/nodeapi/index.js';

const noSleep = async (): Promise<void> => {};
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** A loopback server answering from a list of (code, body) per request; records requests. */
async function scriptedServer(answers: [number, string, number?][]) {
  const seen: { method: string; url: string; auth?: string }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
    });
    const [code, body, delay] = answers.shift() ?? [500, 'no more answers'];
    setTimeout(() => {
      res.writeHead(code, { 'content-type': 'text/plain' });
      res.end(body);
    }, delay ?? 0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('parseNodeStatus', () => {
  it.each([
    ['ONLINE', 'ONLINE'],
    [' OFFLINE\n', 'OFFLINE'],
    ['"ONLINE"', 'ONLINE'],
    ['{"status":"OFFLINE"}', 'OFFLINE'],
    ['online', 'ONLINE'],
    ['<html>', undefined],
    ['{"status":1}', undefined],
    ['{broken', undefined],
  ])('%j -> %s', (body, status) => expect(parseNodeStatus(body)).toBe(status));
});

describe('HttpNodeApiClient', () => {
  it('reads the status and changes it with the GMS paths, sending basic auth', async () => {
    const s = await scriptedServer([
      [200, 'ONLINE'],
      [200, ''],
    ]);
    const client = new HttpNodeApiClient({ sleep: noSleep });
    const target = { node: 'cs-0', baseUrl: s.url, auth: { username: 'default', password: 'p:w' } };
    expect(await client.status(target)).toBe('ONLINE');
    await client.changeStatus(target, 'OFFLINE');
    expect(s.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /genesys/1/admin/node/status',
      'POST /genesys/1/admin/node/changestatus/OFFLINE',
    ]);
    expect(s.seen[0]?.auth).toBe(`Basic ${Buffer.from('default:p:w').toString('base64')}`);
  });

  it('retries 5xx and 429 with backoff, then succeeds', async () => {
    const s = await scriptedServer([
      [503, 'busy'],
      [429, 'slow down'],
      [200, 'OFFLINE'],
    ]);
    const delays: number[] = [];
    const client = new HttpNodeApiClient({
      attempts: 3,
      backoffMs: 100,
      sleep: async (ms) => void delays.push(ms),
    });
    expect(await client.status({ node: 'cs-1', baseUrl: s.url })).toBe('OFFLINE');
    expect(s.seen).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(80);
    expect(delays[0]).toBeLessThanOrEqual(120);
    expect(delays[1]).toBeGreaterThanOrEqual(160);
    expect(delays[1]).toBeLessThanOrEqual(240);
  });

  it('does not retry 401 and names the Secret field to check', async () => {
    const s = await scriptedServer([
      [401, 'no'],
      [200, 'ONLINE'],
    ]);
    const client = new HttpNodeApiClient({ sleep: noSleep });
    const err = await client.status({ node: 'cs-0', baseUrl: s.url }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeApiError);
    expect(err).toMatchObject({ kind: 'unauthorized', httpStatus: 401 });
    expect((err as Error).message).toContain('spec.nodeApi.basicAuth');
    expect(s.seen).toHaveLength(1);
  });

  it('gives up after the attempts with kind unreachable when nothing listens', async () => {
    const s = await scriptedServer([]);
    const url = s.url;
    await closers.pop()!(); // port now closed
    const client = new HttpNodeApiClient({ attempts: 2, sleep: noSleep });
    await expect(
      client.changeStatus({ node: 'cs-2', baseUrl: url }, 'ONLINE'),
    ).rejects.toMatchObject({
      kind: 'unreachable',
      node: 'cs-2',
    });
  });

  it('times out a request that hangs', async () => {
    const s = await scriptedServer([[200, 'ONLINE', 2000]]);
    const client = new HttpNodeApiClient({ attempts: 1, timeoutMs: 100 });
    const started = Date.now();
    const err = await client.status({ node: 'cs-0', baseUrl: s.url }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unreachable' });
    expect((err as Error).message).toContain('no answer within 100 ms');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('rejects a body that is not a node status', async () => {
    const s = await scriptedServer([[200, '<html>login</html>']]);
    const client = new HttpNodeApiClient({ sleep: noSleep });
    await expect(client.status({ node: 'cs-0', baseUrl: s.url })).rejects.toMatchObject({
      kind: 'protocol',
    });
  });
});

describe('RecordingNodeApi', () => {
  it('records calls in order and keeps per-node status', async () => {
    const api = new RecordingNodeApi();
    const t = (node: string) => ({ node, baseUrl: '' });
    await changeStatusConfirmed(api, t('cs-2'), 'OFFLINE');
    expect(api.offline()).toEqual(['cs-2']);
    await changeStatusConfirmed(api, t('cs-2'), 'ONLINE');
    expect(api.changes()).toEqual(['OFFLINE cs-2', 'ONLINE cs-2']);
    expect(api.calls.map((c) => `${c.op} ${c.node} ${c.status}`)).toEqual([
      'changestatus cs-2 OFFLINE',
      'status cs-2 OFFLINE',
      'changestatus cs-2 ONLINE',
      'status cs-2 ONLINE',
    ]);
  });

  it('answers from a script: failures, then a node that ignores the change', async () => {
    const api = new RecordingNodeApi();
    const t = { node: 'cs-0', baseUrl: '' };
    api.script('cs-0', 'changestatus', { fail: 'unreachable' }, { ignore: true });
    await expect(api.changeStatus(t, 'OFFLINE')).rejects.toMatchObject({ kind: 'unreachable' });
    await expect(changeStatusConfirmed(api, t, 'OFFLINE')).rejects.toMatchObject({
      kind: 'protocol',
    });
    expect(api.statusOf('cs-0')).toBe('ONLINE');
  });

  it('is reachable over real HTTP through the HTTP client, with auth enforced', async () => {
    const api = new RecordingNodeApi();
    api.requireAuth = { username: 'ops', password: 's3cret' };
    const served = await api.serve();
    closers.push(served.close);
    const client = new HttpNodeApiClient({ sleep: noSleep });
    const base = nodeBaseUrl({ pod: 'cs-1', namespace: 'ns', port: 0 }, `${served.url}/{pod}`)!;
    await expect(client.status({ node: 'cs-1', baseUrl: base })).rejects.toMatchObject({
      kind: 'unauthorized',
    });
    const target = { node: 'cs-1', baseUrl: base, auth: { username: 'ops', password: 's3cret' } };
    await changeStatusConfirmed(client, target, 'OFFLINE');
    expect(api.changes()).toEqual(['OFFLINE cs-1']);
    expect(api.calls.at(-1)).toMatchObject({
      node: 'cs-1',
      op: 'status',
      status: 'OFFLINE',
      user: 'ops',
    });
  });
});

describe('nodeBaseUrl', () => {
  it('uses pod IP and port by default', () => {
    expect(nodeBaseUrl({ pod: 'cs-0', namespace: 'ns', ip: '10.0.0.7', port: 8080 })).toBe(
      'http://10.0.0.7:8080',
    );
  });
  it('is undefined while the pod has no IP', () => {
    expect(nodeBaseUrl({ pod: 'cs-0', namespace: 'ns', port: 8080 })).toBeUndefined();
  });
  it('supports the pod DNS name through the headless Service', () => {
    expect(
      nodeBaseUrl(
        { pod: 'cs-0', namespace: 'contact-center', port: 8080, service: 'cs-headless' },
        DNS_NODE_URL_TEMPLATE,
      ),
    ).toBe('http://cs-0.cs-headless.contact-center.svc:8080');
  });
});
