/**
 * The HTTP transport and client against a local HTTP server standing in for the API server
 * (a collaborator fake; the k8s integration tests use the real kube-apiserver).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpKubeClient, WatchDecodeError } from '../../../../src/operator/runtime/kube/client.js';
import { ApiError } from '../../../../src/operator/runtime/kube/errors.js';
import { RESOURCES } from '../../../../src/operator/runtime/kube/resources.js';
import { KubeTransport, describeRequest } from '../../../../src/operator/runtime/kube/transport.js';
import type { RequestInfo } from '../../../../src/operator/runtime/kube/transport.js';
import type { KubeObject } from '../../../../src/operator/runtime/kube/types.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let handler: Handler = (_q, res) => res.end();
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] =
  [];
let server: Server;
let port = 0;
let ca = '';
const sockets = new Set<unknown>();
const dir = mkdtempSync(join(tmpdir(), 'gms-transport-'));

beforeAll(async () => {
  // A self-signed serving certificate, so the test goes through client-node's TLS dispatcher.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('secureConnection', (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function client(opts: ConstructorParameters<typeof KubeTransport>[1] = {}) {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: `https://127.0.0.1:${port}/prefix`,
        caData: Buffer.from(ca).toString('base64'),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const transport = new KubeTransport(kc, { userAgent: 'gms-operator/test', ...opts });
  const infos: RequestInfo[] = [];
  transport.observe((i) => infos.push(i));
  return { transport, kube: new HttpKubeClient(transport), infos };
}

const json = (res: ServerResponse, code: number, body: unknown) => {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

describe('KubeTransport + HttpKubeClient', () => {
  it('sends auth, user agent and the cluster path prefix; reuses one connection', async () => {
    seen.length = 0;
    sockets.clear();
    handler = (_req, res) =>
      json(res, 200, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'a', namespace: 'n' },
      });
    const { kube, infos } = client();
    for (let i = 0; i < 20; i++) await kube.get(RESOURCES.ConfigMap, 'n', 'a');
    expect(seen[0]).toMatchObject({
      method: 'GET',
      url: '/prefix/api/v1/namespaces/n/configmaps/a',
    });
    expect(seen[0]!.headers.authorization).toBe('Bearer secret-token');
    expect(seen[0]!.headers['user-agent']).toBe('gms-operator/test');
    // keep-alive: a pooled connection or two for all 20 requests
    expect(sockets.size).toBeLessThanOrEqual(2);
    expect(infos.map((i) => `${i.verb} ${i.resource} ${i.code}`)).toEqual(
      Array(20).fill('get configmaps 200'),
    );
  });

  it('client-node 2.0.1 on its own opens a new connection per request (why the transport keeps one dispatcher)', async () => {
    // If this starts failing, upstream caches its undici dispatcher and the workaround in
    // transport.ts can go (docs/adr: client-node 2.x).
    sockets.clear();
    handler = (_req, res) =>
      json(res, 200, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'a', namespace: 'n' },
      });
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: 'c',
          server: `https://127.0.0.1:${port}`,
          caData: Buffer.from(ca).toString('base64'),
          skipTLSVerify: false,
        },
      ],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const core = kc.makeApiClient(CoreV1Api);
    for (let i = 0; i < 5; i++) await core.readNamespacedConfigMap({ name: 'a', namespace: 'n' });
    expect(sockets.size).toBe(5);
  });

  it('server-side apply: PATCH apply-patch+yaml with fieldManager and force', async () => {
    seen.length = 0;
    handler = (_req, res, body) => json(res, 200, JSON.parse(body));
    const { kube, infos } = client();
    const obj: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 's', namespace: 'n' },
      spec: { replicas: 1 },
    };
    await kube.apply(obj, { fieldManager: 'gms-operator', force: true });
    expect(seen[0]!.method).toBe('PATCH');
    expect(seen[0]!.url).toBe(
      '/prefix/apis/apps/v1/namespaces/n/statefulsets/s?fieldManager=gms-operator&force=true',
    );
    expect(seen[0]!.headers['content-type']).toBe('application/apply-patch+yaml');
    expect(JSON.parse(seen[0]!.body)).toEqual(obj);
    expect(infos[0]!.verb).toBe('apply');
  });

  it('maps error statuses to ApiError with the Status reason; 404 on get is undefined', async () => {
    handler = (req, res) => {
      if (req.url!.includes('missing'))
        json(res, 404, {
          kind: 'Status',
          code: 404,
          reason: 'NotFound',
          message: 'configmaps "missing" not found',
        });
      else
        json(res, 422, {
          kind: 'Status',
          code: 422,
          reason: 'Invalid',
          message: 'spec.replicas: Invalid value',
          details: { causes: [{ field: 'spec.replicas' }] },
        });
    };
    const { kube } = client();
    expect(await kube.get(RESOURCES.ConfigMap, 'n', 'missing')).toBeUndefined();
    expect(await kube.delete(RESOURCES.ConfigMap, 'n', 'missing')).toBe(false);
    const err = await kube
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad', namespace: 'n' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(422);
    expect((err as ApiError).reason).toBe('Invalid');
    expect((err as ApiError).message).toContain('spec.replicas');
  });

  it('refreshes auth and retries once on 401', async () => {
    let calls = 0;
    handler = (_req, res) =>
      ++calls === 1
        ? json(res, 401, { kind: 'Status', code: 401, reason: 'Unauthorized' })
        : json(res, 200, { metadata: {}, items: [] });
    const { kube } = client();
    const list = await kube.list(RESOURCES.ConfigMap);
    expect(list.items).toEqual([]);
    expect(calls).toBe(2);
  });

  it('streams watch events with bookmarks requested', async () => {
    seen.length = 0;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(
        JSON.stringify({
          type: 'ADDED',
          object: { metadata: { name: 'a', resourceVersion: '5' } },
        }) + '\n',
      );
      res.write(
        JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '6' } } }).slice(
          0,
          10,
        ),
      );
      setTimeout(
        () =>
          res.end(
            JSON.stringify({
              type: 'BOOKMARK',
              object: { metadata: { resourceVersion: '6' } },
            }).slice(10) + '\n',
          ),
        20,
      );
    };
    const { kube, infos } = client();
    const events: string[] = [];
    await kube.watch(
      RESOURCES.ConfigMap,
      {
        resourceVersion: '4',
        timeoutSeconds: 300,
        stallTimeoutMs: 5000,
        signal: new AbortController().signal,
        namespace: 'n',
      },
      (ev) => events.push(`${ev.type} ${ev.object.metadata.resourceVersion}`),
    );
    expect(events).toEqual(['ADDED 5', 'BOOKMARK 6']);
    const url = new URL(seen[0]!.url, 'http://x');
    expect(url.pathname).toBe('/prefix/api/v1/namespaces/n/configmaps');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      watch: 'true',
      allowWatchBookmarks: 'true',
      resourceVersion: '4',
      timeoutSeconds: '300',
    });
    expect(infos[0]!.verb).toBe('watch');
  });

  it('an undecodable line fails the watch instead of being skipped', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write(
        '{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"}}}\n{"type":"MODIF\n',
      );
      setTimeout(() => res.end(), 1000);
    };
    const { kube } = client();
    const events: string[] = [];
    const err = await kube
      .watch(
        RESOURCES.ConfigMap,
        {
          resourceVersion: '4',
          timeoutSeconds: 300,
          stallTimeoutMs: 5000,
          signal: new AbortController().signal,
        },
        (ev) => events.push(ev.type),
      )
      .catch((e: unknown) => e);
    expect(events).toEqual(['ADDED']);
    expect(err).toBeInstanceOf(WatchDecodeError);
  });

  it('a silent stream is cut after the stall timeout', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('\n'); // headers and one byte, then nothing (half-open connection)
    };
    const { kube } = client();
    const started = Date.now();
    const err = await kube
      .watch(
        RESOURCES.ConfigMap,
        {
          resourceVersion: '1',
          timeoutSeconds: 300,
          stallTimeoutMs: 300,
          signal: new AbortController().signal,
        },
        () => undefined,
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('limits client-side QPS (burst, then spaced)', async () => {
    handler = (_req, res) => json(res, 200, { metadata: { name: 'a' } });
    const { kube } = client({ qps: 20, burst: 2 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => kube.get(RESOURCES.ConfigMap, 'n', 'a')));
    // 2 at once, then 4 more at 50 ms intervals: >= ~200 ms
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
  });
});

describe('describeRequest', () => {
  it('names verb, resource, namespace, name and subresource', () => {
    expect(
      describeRequest(
        {
          method: 'PATCH',
          path: '/apis/gms.chatops.io/v1alpha1/namespaces/cc/chatservices/x/status',
          contentType: 'application/apply-patch+yaml',
        },
        200,
        1,
      ),
    ).toMatchObject({
      verb: 'apply',
      resource: 'chatservices',
      namespace: 'cc',
      name: 'x',
      subresource: 'status',
    });
    expect(
      describeRequest({ method: 'GET', path: '/api/v1/configmaps', query: { watch: true } }, 200, 1)
        .verb,
    ).toBe('watch');
    expect(
      describeRequest({ method: 'GET', path: '/api/v1/namespaces/cc/secrets' }, 200, 1),
    ).toMatchObject({ verb: 'list', resource: 'secrets', namespace: 'cc', name: '' });
    expect(describeRequest({ method: 'GET', path: '/api/v1/namespaces/cc' }, 200, 1)).toMatchObject(
      { verb: 'get', resource: 'namespaces', name: 'cc' },
    );
  });
});
