/**
 * A local stand-in for FCM, APNs and a custom HTTP push endpoint: records every push it is
 * sent (tests assert on them, the demo prints them). FCM and custom HTTP arrive over HTTP/1.1
 * (`/fcm/send`, `/custom`), APNs over cleartext HTTP/2 (`/3/device/<token>`).
 */
import { createServer, type Server } from 'node:http';
import { createServer as createH2Server, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface ReceivedPush {
  kind: 'fcm' | 'apns' | 'customhttp';
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  at: number;
}

export interface PushReceiver {
  /** FCM send URL for --fcm-endpoint. */
  fcmUrl: string;
  /** Custom HTTP URL for customhttp.url. */
  customUrl: string;
  /** APNs origin for --apns-endpoint / --apns-sandbox-endpoint. */
  apnsOrigin: string;
  pushes: ReceivedPush[];
  onPush(cb: (p: ReceivedPush) => void): void;
  close(): Promise<void>;
}

function parse(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export async function startPushReceiver(host = '127.0.0.1'): Promise<PushReceiver> {
  const pushes: ReceivedPush[] = [];
  const listeners: ((p: ReceivedPush) => void)[] = [];
  const record = (p: ReceivedPush): void => {
    pushes.push(p);
    for (const l of listeners) l(p);
  };
  const http: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      record({
        kind: path.startsWith('/fcm') ? 'fcm' : 'customhttp',
        path,
        headers: req.headers,
        body: parse(Buffer.concat(chunks).toString('utf8')),
        at: Date.now(),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        path.startsWith('/fcm')
          ? '{"multicast_id":1,"success":1,"failure":0,"results":[{"message_id":"0:1"}]}'
          : '{}',
      );
    });
  });
  const h2: Http2Server = createH2Server();
  h2.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      record({
        kind: 'apns',
        path: String(headers[':path'] ?? '/'),
        headers: headers as ReceivedPush['headers'],
        body: parse(Buffer.concat(chunks).toString('utf8')),
        at: Date.now(),
      });
      stream.respond({ ':status': 200, 'apns-id': 'local' });
      stream.end();
    });
  });
  await new Promise<void>((r) => http.listen(0, host, () => r()));
  await new Promise<void>((r) => h2.listen(0, host, () => r()));
  const p1 = (http.address() as AddressInfo).port;
  const p2 = (h2.address() as AddressInfo).port;
  return {
    fcmUrl: `http://${host}:${p1}/fcm/send`,
    customUrl: `http://${host}:${p1}/custom`,
    apnsOrigin: `http://${host}:${p2}`,
    pushes,
    onPush: (cb) => void listeners.push(cb),
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
      await new Promise<void>((r) => h2.close(() => r()));
    },
  };
}
