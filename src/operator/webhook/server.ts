/**
 * The validating admission webhook's HTTPS server and its certificate.
 *
 * TLS comes either from files (--webhook-cert-dir/tls.crt and tls.key, e.g. a cert-manager
 * Secret mounted there; re-read every refresh interval, so a renewed certificate is served
 * without a restart) or, with --webhook-config-name, from a CA the operator manages:
 * the leader keeps CA and serving certificate in a Secret (created, renewed, CA rotated with
 * overlap) and writes the CA bundle into every webhook of that ValidatingWebhookConfiguration;
 * every replica serves the certificate from the Secret (and writes it to the cert dir, where
 * the chart mounts an in-memory volume).
 */
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { PushProvider } from '../../api/types.js';
import type { Caches } from '../caches.js';
import type { KubeClient } from '../runtime/kube/client.js';
import { errorMessage, isConflict } from '../runtime/kube/errors.js';
import { RESOURCES } from '../runtime/kube/resources.js';
import type { KubeObject } from '../runtime/kube/types.js';
import type { AdmissionReview } from './admission.js';
import { review } from './admission.js';
import {
  coversHosts,
  createCa,
  createServingCert,
  needsRenewal,
  signedBy,
  unexpired,
} from './certs.js';

export interface WebhookOptions {
  port: number;
  host?: string;
  certDir: string;
  /** ValidatingWebhookConfiguration whose caBundle the operator manages (no cert-manager). */
  configName?: string;
  /** Secret keeping the CA and serving certificate; default <webhook service name>-tls. */
  secretName?: string;
  /** Namespace of that Secret; default the webhook Service's namespace, else POD_NAMESPACE. */
  secretNamespace?: string;
  /** Extra names/IPs for the serving certificate. */
  hosts?: string[];
  refreshMs?: number;
}

export interface WebhookServerOptions extends WebhookOptions {
  client: KubeClient;
  writer: KubeClient;
  caches: Caches;
  logger: Logger;
  isLeader: () => boolean;
  now?: () => number;
}

const MAX_BODY = 3 * 1024 * 1024;

interface WebhookConfiguration extends KubeObject {
  webhooks?: {
    name: string;
    clientConfig?: {
      caBundle?: string;
      url?: string;
      service?: { name: string; namespace: string };
    };
  }[];
}

export class WebhookServer {
  private server: Server | undefined;
  private loaded = false;
  private served = { cert: '', key: '' };
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: WebhookServerOptions) {
    this.now = opts.now ?? Date.now;
  }

  ready(): boolean {
    return this.loaded;
  }

  async start(): Promise<number> {
    // Listen at once with a throw-away certificate; the real one replaces it via
    // setSecureContext as soon as it is loaded (ready() stays false until then).
    const placeholderCa = await createCa(this.now(), 'gms-operator-webhook-placeholder');
    const placeholder = await createServingCert(this.now(), placeholderCa, ['localhost']);
    const server = createServer(
      { cert: placeholder.cert, key: placeholder.key, minVersion: 'TLSv1.2' },
      (req, res) => {
        void this.handle(req, res);
      },
    );
    this.server = server;
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host ?? '0.0.0.0', () =>
        resolve((server.address() as AddressInfo).port),
      );
    });
    await this.sync();
    const every = this.opts.refreshMs ?? 30_000;
    this.timer = setInterval(() => void this.sync(), every);
    this.timer.unref();
    this.opts.logger.info(
      { port, mode: this.opts.configName ? 'operator-managed CA' : 'certificate files' },
      'admission webhook listening',
    );
    return port;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.syncing;
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  /** One certificate pass (also run every refresh interval). */
  sync(): Promise<void> {
    if (!this.syncing) {
      this.syncing = (this.opts.configName ? this.syncManaged() : this.syncFiles())
        .catch((err) =>
          this.opts.logger.warn({ err: errorMessage(err) }, 'webhook certificate sync failed'),
        )
        .finally(() => {
          this.syncing = undefined;
        });
    }
    return this.syncing;
  }

  private async syncFiles(): Promise<void> {
    const cert = await readFile(join(this.opts.certDir, 'tls.crt'), 'utf8').catch(() => '');
    const key = await readFile(join(this.opts.certDir, 'tls.key'), 'utf8').catch(() => '');
    if (!cert || !key) {
      if (!this.loaded)
        this.opts.logger.warn({ certDir: this.opts.certDir }, 'waiting for tls.crt and tls.key');
      return;
    }
    this.serve(cert, key);
  }

  private async syncManaged(): Promise<void> {
    const { client, writer, logger } = this.opts;
    const vwc = await client.get<WebhookConfiguration>(
      RESOURCES.ValidatingWebhookConfiguration,
      '',
      this.opts.configName!,
    );
    if (!vwc) {
      logger.warn(
        { name: this.opts.configName },
        'ValidatingWebhookConfiguration not found; its caBundle cannot be set',
      );
    }
    const service = vwc?.webhooks?.find((w) => w.clientConfig?.service)?.clientConfig?.service;
    const hosts = new Set<string>(this.opts.hosts ?? []);
    for (const w of vwc?.webhooks ?? []) {
      const s = w.clientConfig?.service;
      if (s)
        for (const h of [
          `${s.name}.${s.namespace}.svc`,
          `${s.name}.${s.namespace}.svc.cluster.local`,
          `${s.name}.${s.namespace}`,
          s.name,
        ])
          hosts.add(h);
      if (w.clientConfig?.url)
        hosts.add(new URL(w.clientConfig.url).hostname.replace(/^\[|\]$/g, ''));
    }
    const hostList = [...hosts];
    if (hostList.length === 0) hostList.push('localhost');
    const secretName =
      this.opts.secretName ?? (service ? `${service.name}-tls` : 'gms-operator-webhook-tls');
    const namespace =
      this.opts.secretNamespace ?? service?.namespace ?? process.env.POD_NAMESPACE ?? 'default';
    let secret = await client.get<KubeObject & { data?: Record<string, string> }>(
      RESOURCES.Secret,
      namespace,
      secretName,
    );
    const get = (k: string) =>
      secret?.data?.[k] ? Buffer.from(secret.data[k], 'base64').toString('utf8') : undefined;
    if (this.opts.isLeader()) {
      const now = this.now();
      let caCert = get('ca.crt');
      let caKey = get('ca.key');
      let bundle = get('ca-bundle.crt') ?? caCert ?? '';
      let cert = get('tls.crt');
      let key = get('tls.key');
      let changed = false;
      if (!caCert || !caKey || needsRenewal(caCert, now)) {
        const ca = await createCa(now, 'gms-operator-webhook-ca');
        // New CA first; older CAs stay in the bundle until they expire (rotation overlap).
        bundle = [ca.cert, ...unexpired(bundle, now)].join('');
        caCert = ca.cert;
        caKey = ca.key;
        changed = true;
        logger.info({ secret: `${namespace}/${secretName}` }, 'created a new webhook CA');
      }
      if (
        !cert ||
        !key ||
        needsRenewal(cert, now) ||
        !coversHosts(cert, hostList) ||
        !signedBy(cert, caCert)
      ) {
        const serving = await createServingCert(now, { cert: caCert, key: caKey }, hostList);
        cert = serving.cert;
        key = serving.key;
        changed = true;
        logger.info({ hosts: hostList }, 'issued a new webhook serving certificate');
      }
      if (changed) {
        const data = {
          'ca.crt': b64(caCert),
          'ca.key': b64(caKey),
          'ca-bundle.crt': b64(bundle),
          'tls.crt': b64(cert),
          'tls.key': b64(key),
        };
        // Owned by the ValidatingWebhookConfiguration (cluster-scoped owners may own namespaced
        // objects): `helm uninstall` deletes it, and the garbage collector then deletes the
        // Secret with the CA's private key instead of leaving it behind. No blockOwnerDeletion
        // (it would need delete permission on the owner).
        const ownerReferences = vwc?.metadata.uid
          ? [
              {
                apiVersion: 'admissionregistration.k8s.io/v1',
                kind: 'ValidatingWebhookConfiguration',
                name: vwc.metadata.name,
                uid: vwc.metadata.uid,
              },
            ]
          : undefined;
        try {
          secret = secret
            ? await writer.replace({
                ...secret,
                metadata: {
                  ...secret.metadata,
                  ...(ownerReferences && !secret.metadata.ownerReferences?.length
                    ? { ownerReferences }
                    : {}),
                },
                data,
              })
            : await writer.create({
                apiVersion: 'v1',
                kind: 'Secret',
                metadata: {
                  name: secretName,
                  namespace,
                  labels: {
                    'app.kubernetes.io/managed-by': 'gms-operator',
                    'app.kubernetes.io/component': 'webhook',
                  },
                  ...(ownerReferences ? { ownerReferences } : {}),
                },
                type: 'kubernetes.io/tls',
                data,
              });
        } catch (err) {
          if (isConflict(err)) return; // another writer won; next pass reads theirs
          throw err;
        }
      }
      if (vwc) await this.patchCaBundle(vwc, bundle);
    }
    const cert = get('tls.crt');
    const key = get('tls.key');
    if (cert && key) {
      await this.writeCertFiles(cert, key);
      this.serve(cert, key);
    } else if (!this.loaded) {
      logger.info(
        { secret: `${namespace}/${secretName}` },
        'waiting for the leader to create the webhook certificate',
      );
    }
  }

  private async patchCaBundle(vwc: WebhookConfiguration, bundle: string): Promise<void> {
    const want = b64(bundle);
    if ((vwc.webhooks ?? []).every((w) => w.clientConfig?.caBundle === want)) return;
    const next: WebhookConfiguration = {
      ...vwc,
      webhooks: (vwc.webhooks ?? []).map((w) => ({
        ...w,
        clientConfig: { ...(w.clientConfig ?? {}), caBundle: want },
      })),
    };
    try {
      await this.opts.writer.replace(next);
      this.opts.logger.info(
        { name: vwc.metadata.name },
        'set the caBundle of the ValidatingWebhookConfiguration',
      );
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }

  private async writeCertFiles(cert: string, key: string): Promise<void> {
    if (cert === this.served.cert && key === this.served.key) return;
    try {
      await mkdir(this.opts.certDir, { recursive: true });
      for (const [name, content] of [
        ['tls.crt', cert],
        ['tls.key', key],
      ] as const) {
        const tmp = join(this.opts.certDir, `.${name}.tmp`);
        await writeFile(tmp, content, { mode: 0o600 });
        await rename(tmp, join(this.opts.certDir, name));
      }
    } catch (err) {
      // Serving from memory still works; the files are a convenience for debugging.
      this.opts.logger.debug({ err: errorMessage(err) }, 'cannot write webhook certificate files');
    }
  }

  private serve(cert: string, key: string): void {
    if (cert === this.served.cert && key === this.served.key && this.loaded) return;
    this.server?.setSecureContext({ cert, key, minVersion: 'TLSv1.2' });
    this.served = { cert, key };
    this.loaded = true;
    this.opts.logger.info('webhook serving certificate loaded');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    if (req.method === 'GET' && (url.pathname === '/healthz' || url.pathname === '/readyz')) {
      res.writeHead(this.loaded ? 200 : 503).end(this.loaded ? 'ok\n' : 'certificate not loaded\n');
      return;
    }
    if (req.method !== 'POST' || !/^\/validate\/(chatservices|pushproviders)$/.test(url.pathname)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    let body = '';
    let size = 0;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY) {
          res.writeHead(413, { 'content-type': 'text/plain' }).end('request too large\n');
          return;
        }
        body += chunk.toString('utf8');
      }
      const ar = JSON.parse(body) as AdmissionReview;
      if (!ar.request?.uid) throw new Error('not an AdmissionReview request');
      const response = review(
        ar.request,
        (ns) => this.opts.caches.pushProviders.list(ns) as unknown as PushProvider[],
      );
      if (!response.allowed) {
        this.opts.logger.info(
          { kind: ar.request.kind?.kind, namespace: ar.request.namespace, name: ar.request.name },
          'admission denied',
        );
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }),
        );
    } catch (err) {
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end(`bad request: ${errorMessage(err)}\n`);
    }
  }
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}
