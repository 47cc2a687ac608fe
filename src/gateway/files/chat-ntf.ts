/**
 * File management at POST /genesys/2/chat-ntf (seed: "Chat Session File Management"):
 * fileGetLimits, fileUpload (multipart), fileDownload, fileDelete, each with `operation` and
 * `secureKey`. Forms are parsed with busboy (ADR, docs/adr: multipart parser); limits and
 * counters live in the Chat Server with the session, so any node answers for any chat.
 *
 * Upload: the file part is streamed to the Chat Server while it arrives (never held in memory),
 * refused once it passes upload-max-file-size or what is left of upload-max-total-size; the
 * `userData[...]` fields may follow the file (the seed lists them after it), so the upload is
 * committed once the whole form is read. `operation` and `secureKey` must come before the
 * file part (as in the seed's table and any HTML form that lists them first).
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import busboy from 'busboy';
import { ChatError, ErrorCode, httpStatusOf, isChatError } from '../chat/errors.js';
import { parseUserData } from '../chat/requests.js';
import {
  H_FILE_NAME,
  H_NODE,
  H_SECURE_KEY,
  NODE_FILES_PATH,
  type OpResult,
} from '../chat-server/protocol.js';
import type { ChatServerConnection } from '../chatserver/connection.js';
import type { ChatServerPool } from '../chatserver/pool.js';
import type { Logger } from '../util/log.js';
import type { GatewayMetrics } from '../util/metrics.js';

export const CHAT_NTF_PATH = '/genesys/2/chat-ntf';
const MAX_FIELDS = 120;
const MAX_FIELD_BYTES = 8 * 1024;
const SECURE_KEY = /^[A-Za-z0-9]{1,64}$/;
const FILE_ID = /^[0-9A-Za-z]{1,64}$/;

type Operation = 'fileGetLimits' | 'fileUpload' | 'fileDownload' | 'fileDelete';
const ALIASES: Record<string, Operation> = {
  fileGetLimits: 'fileGetLimits',
  fileUpload: 'fileUpload',
  fileDownload: 'fileDownload',
  // The seed's HTML form example posts operation=download.
  download: 'fileDownload',
  fileDelete: 'fileDelete',
};

export interface ChatNtfContext {
  pool: ChatServerPool;
  node: string;
  online(): boolean;
  notificationMode(): boolean;
  metrics: GatewayMetrics;
  log: Logger;
}

function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  return typeof origin === 'string' && origin !== ''
    ? {
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        vary: 'Origin',
      }
    : {};
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...corsHeaders(req),
  });
  res.end(text);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export class ChatNtf {
  constructor(private readonly ctx: ChatNtfContext) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...corsHeaders(req),
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'Content-Type',
        'access-control-max-age': '86400',
      });
      res.end();
      return;
    }
    let op: Operation | undefined;
    try {
      if (req.method !== 'POST')
        throw new ChatError(ErrorCode.InvalidParameter, `${CHAT_NTF_PATH} accepts POST only`);
      if (!this.ctx.notificationMode())
        throw new ChatError(
          ErrorCode.CometdApiDisabled,
          'chat file management in CometD mode needs [chat] enable_notification_mode=true',
        );
      if (!this.ctx.online())
        throw new ChatError(ErrorCode.NodeOffline, 'this GMS node is OFFLINE');
      await this.process(req, res, (o) => (op = o));
    } catch (e) {
      this.fail(req, res, op, e);
    }
  }

  private fail(
    req: IncomingMessage,
    res: ServerResponse,
    op: Operation | undefined,
    e: unknown,
  ): void {
    let err: ChatError;
    const referenceId = randomUUID();
    if (isChatError(e)) err = e;
    else {
      this.ctx.log.error({ err: e, referenceId, op }, 'chat-ntf request failed');
      err = new ChatError(ErrorCode.Internal, `internal error (reference ${referenceId})`);
    }
    this.ctx.metrics.files.inc({ operation: op ?? 'unknown', result: String(err.code) });
    if (op === 'fileDownload') {
      // Seed, "Download File": "In case of an error, the server returns an HTML 500 response
      // that includes the referenceId of the request."
      if (res.headersSent) return void res.destroy();
      const html = `<!doctype html><html><head><title>Download failed</title></head><body><h1>Download failed</h1><p>${escapeHtml(err.message)}</p><p>referenceId: ${referenceId}</p><p>code: ${err.code}</p></body></html>`;
      res.writeHead(500, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(html),
        'cache-control': 'no-store',
        ...corsHeaders(req),
      });
      res.end(html);
      return;
    }
    sendJson(req, res, httpStatusOf(err), {
      chatEnded: false,
      statusCode: err.statusCode,
      errors: [{ code: err.code, message: err.message }],
      referenceId,
    });
  }

  private process(
    req: IncomingMessage,
    res: ServerResponse,
    setOp: (op: Operation) => void,
  ): Promise<void> {
    const ct = req.headers['content-type'] ?? '';
    if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i.test(ct))
      throw new ChatError(
        ErrorCode.InvalidParameter,
        'Content-Type must be multipart/form-data or application/x-www-form-urlencoded',
      );
    const url = new URL(req.url ?? '/', 'http://gms');
    const fields = new Map<string, string>();
    for (const [k, v] of url.searchParams)
      if (k === 'fileId' || k === 'operation' || k === 'secureKey') fields.set(k, v);
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, files: 1, parts: MAX_FIELDS + 1 },
      });
    } catch (e) {
      throw new ChatError(ErrorCode.InvalidParameter, `malformed form: ${(e as Error).message}`);
    }
    return new Promise<void>((resolve, reject) => {
      let upload:
        Promise<{ uploadId: string; cs: ChatServerConnection; secureKey: string }> | undefined;
      let settled = false;
      const finish = (e?: unknown): void => {
        if (settled) return;
        settled = true;
        req.unpipe(bb);
        req.resume();
        if (e) reject(e);
        else resolve();
      };
      const opOf = (): Operation => {
        const raw = fields.get('operation');
        if (!raw)
          throw new ChatError(
            ErrorCode.InvalidParameter,
            'parameter "operation" is required (fileGetLimits, fileUpload, fileDownload or fileDelete)',
          );
        const op = ALIASES[raw];
        if (!op)
          throw new ChatError(
            ErrorCode.UnknownOperation,
            `unknown operation "${raw.slice(0, 40)}"; expected fileGetLimits, fileUpload, fileDownload or fileDelete`,
          );
        setOp(op);
        return op;
      };
      const keyOf = (): string => {
        const k = fields.get('secureKey');
        if (!k)
          throw new ChatError(ErrorCode.InvalidParameter, 'parameter "secureKey" is required');
        if (!SECURE_KEY.test(k))
          throw new ChatError(
            ErrorCode.InvalidParameter,
            'parameter "secureKey" must be letters and digits',
          );
        return k;
      };
      bb.on('field', (name, value, info) => {
        if (info.valueTruncated)
          return finish(
            new ChatError(
              ErrorCode.InvalidParameter,
              `form field "${name.slice(0, 60)}" is longer than ${MAX_FIELD_BYTES} bytes`,
            ),
          );
        fields.set(name, value);
      });
      bb.on('file', (name, stream, info) => {
        if (name !== 'file') {
          stream.resume();
          return finish(
            new ChatError(
              ErrorCode.InvalidParameter,
              `unexpected file part "${name.slice(0, 60)}"; the file goes in the "file" field`,
            ),
          );
        }
        try {
          const op = opOf();
          if (op !== 'fileUpload')
            throw new ChatError(ErrorCode.InvalidParameter, `operation ${op} takes no file`);
          const secureKey = keyOf();
          upload = this.streamUpload(secureKey, info.filename || 'file', info.mimeType, stream);
          upload.catch((e: unknown) => {
            stream.resume();
            finish(e);
          });
        } catch (e) {
          stream.resume();
          finish(e);
        }
      });
      bb.on('partsLimit', () =>
        finish(new ChatError(ErrorCode.InvalidParameter, 'too many form parts')),
      );
      bb.on('fieldsLimit', () =>
        finish(new ChatError(ErrorCode.InvalidParameter, `more than ${MAX_FIELDS} form fields`)),
      );
      bb.on('filesLimit', () =>
        finish(new ChatError(ErrorCode.InvalidParameter, 'only one file per upload')),
      );
      bb.on('error', (e: Error) =>
        finish(new ChatError(ErrorCode.InvalidParameter, `malformed form: ${e.message}`)),
      );
      bb.on('close', () => {
        if (settled) return;
        (async () => {
          const op = opOf();
          const secureKey = keyOf();
          switch (op) {
            case 'fileGetLimits':
              return this.getLimits(req, res, secureKey);
            case 'fileUpload': {
              if (!upload)
                throw new ChatError(
                  ErrorCode.InvalidParameter,
                  'parameter "file" is required (after operation and secureKey in the form)',
                );
              const u = await upload;
              return this.commit(req, res, u, fields);
            }
            case 'fileDownload':
              return this.download(req, res, secureKey, this.fileIdOf(fields));
            case 'fileDelete':
              return this.remove(req, res, secureKey, this.fileIdOf(fields));
          }
        })().then(
          () => finish(),
          (e: unknown) => finish(e),
        );
      });
      req.pipe(bb);
    });
  }

  private fileIdOf(fields: Map<string, string>): string {
    const id = fields.get('fileId');
    if (!id) throw new ChatError(ErrorCode.InvalidParameter, 'parameter "fileId" is required');
    if (!FILE_ID.test(id))
      throw new ChatError(ErrorCode.FileNotFound, 'parameter "fileId" names no file');
    return id;
  }

  /** Promise wrapper over the pool's callback API. */
  private call(
    secureKey: string,
    op: 'fileGetLimits' | 'fileCommit' | 'fileDelete',
    args: Record<string, unknown>,
  ): Promise<{ r: OpResult; cs: ChatServerConnection }> {
    return new Promise((resolve, reject) => {
      this.ctx.pool.callForSession(
        secureKey,
        undefined,
        op,
        { secureKey, ...args },
        (err, r, cs) => {
          if (err || !r || !cs) reject(err ?? new ChatError(ErrorCode.Internal, 'no result'));
          else resolve({ r, cs });
        },
      );
    });
  }

  private async getLimits(
    req: IncomingMessage,
    res: ServerResponse,
    secureKey: string,
  ): Promise<void> {
    const { r } = await this.call(secureKey, 'fileGetLimits', {});
    this.ctx.metrics.files.inc({ operation: 'fileGetLimits', result: 'ok' });
    // Seed, "Get Limits" output: one Notice "file-client-cfg-get" carrying the limits.
    sendJson(req, res, 200, {
      messages: [
        {
          from: r.client ?? { nickname: '', participantId: 1, type: 'Client' },
          text: 'file-client-cfg-get',
          type: 'Notice',
          utcTime: Math.floor(Date.now() / 1000) * 1000,
          userData: r.limits ?? {},
        },
      ],
      chatEnded: r.session.chatEnded,
      statusCode: 0,
      secureKey: r.session.secureKey,
    });
  }

  /** Stream the file part to the Chat Server holding the session (pending until committed). */
  private async streamUpload(
    secureKey: string,
    fileName: string,
    mimeType: string,
    stream: Readable,
  ): Promise<{ uploadId: string; cs: ChatServerConnection; secureKey: string }> {
    // Which Chat Server holds the session: ask for the limits (cheap, and it fails early with
    // a clear error for an unknown or ended chat).
    const { cs, r } = await this.call(secureKey, 'fileGetLimits', {});
    const url = new URL(NODE_FILES_PATH, cs.baseUrl);
    // The Chat Server enforces the limits; counting here too turns an oversized upload into a
    // clear error instead of a reset connection.
    const l = r.limits ?? {};
    const maxFile = Number(l['upload-max-file-size'] ?? Infinity);
    const leftTotal =
      Number(l['upload-max-total-size'] ?? Infinity) - Number(l['used-upload-max-total-size'] ?? 0);
    const tooLarge =
      leftTotal < maxFile
        ? new ChatError(
            ErrorCode.TotalSizeExceeded,
            `file larger than the ${leftTotal} bytes left of upload-max-total-size=${l['upload-max-total-size']}`,
          )
        : new ChatError(
            ErrorCode.FileTooLarge,
            `file larger than upload-max-file-size=${l['upload-max-file-size']} bytes`,
          );
    const max = Math.min(maxFile, leftTotal);
    let seen = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        seen += chunk.length;
        cb(seen > max ? tooLarge : null, chunk);
      },
    });
    return new Promise((resolve, reject) => {
      const out = httpRequest(
        url,
        {
          method: 'POST',
          headers: {
            [H_SECURE_KEY]: secureKey,
            [H_FILE_NAME]: encodeURIComponent(fileName),
            [H_NODE]: this.ctx.node,
            'x-gms-content-type': /^[\w.+-]+\/[\w.+-]+$/.test(mimeType)
              ? mimeType
              : 'application/octet-stream',
            'content-type': 'application/octet-stream',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let body: { uploadId?: string; error?: { code: number; message: string } } = {};
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
            } catch {
              /* handled below */
            }
            if (res.statusCode === 200 && body.uploadId)
              resolve({ uploadId: body.uploadId, cs, secureKey });
            else if (body.error)
              reject(new ChatError(body.error.code as ChatError['code'], body.error.message));
            else
              reject(
                new ChatError(
                  ErrorCode.ChatServerUnavailable,
                  `Chat Server ${cs.endpoint.name} answered the upload with HTTP ${res.statusCode}`,
                ),
              );
          });
        },
      );
      out.on('error', (e) =>
        reject(
          new ChatError(
            ErrorCode.ChatServerUnavailable,
            `upload to Chat Server ${cs.endpoint.name} failed: ${e.message}`,
          ),
        ),
      );
      stream.on('error', (e) => out.destroy(e));
      limiter.on('error', (e) => {
        out.destroy();
        reject(e);
      });
      stream.pipe(limiter).pipe(out);
    });
  }

  private async commit(
    req: IncomingMessage,
    res: ServerResponse,
    u: { uploadId: string; secureKey: string },
    fields: Map<string, string>,
  ): Promise<void> {
    // userData[file-description]=..., userData[userKey1]=... (seed, "Upload File").
    const userData: Record<string, string> = {};
    for (const [k, v] of fields) {
      const m = /^userData\[([^\]]{1,256})\]$/.exec(k);
      if (m) userData[m[1] as string] = v;
    }
    const { r } = await this.call(u.secureKey, 'fileCommit', {
      uploadId: u.uploadId,
      userData: parseUserData(userData),
    });
    this.ctx.metrics.files.inc({ operation: 'fileUpload', result: 'ok' });
    sendJson(req, res, 200, {
      chatEnded: r.session.chatEnded,
      statusCode: 0,
      secureKey: r.session.secureKey,
      userData: { 'file-id': r.fileId },
    });
  }

  private async remove(
    req: IncomingMessage,
    res: ServerResponse,
    secureKey: string,
    fileId: string,
  ): Promise<void> {
    const { r } = await this.call(secureKey, 'fileDelete', { fileId });
    this.ctx.metrics.files.inc({ operation: 'fileDelete', result: 'ok' });
    sendJson(req, res, 200, {
      chatEnded: r.session.chatEnded,
      statusCode: 0,
      secureKey: r.session.secureKey,
    });
  }

  private async download(
    req: IncomingMessage,
    res: ServerResponse,
    secureKey: string,
    fileId: string,
  ): Promise<void> {
    const { cs } = await this.call(secureKey, 'fileGetLimits', {});
    const url = new URL(`${NODE_FILES_PATH}/${encodeURIComponent(fileId)}`, cs.baseUrl);
    await new Promise<void>((resolve, reject) => {
      const get = httpRequest(
        url,
        { method: 'GET', headers: { [H_SECURE_KEY]: secureKey, [H_NODE]: this.ctx.node } },
        (up) => {
          if (up.statusCode !== 200) {
            const chunks: Buffer[] = [];
            up.on('data', (c: Buffer) => chunks.push(c));
            up.on('end', () => {
              try {
                const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
                  error: { code: number; message: string };
                };
                reject(new ChatError(body.error.code as ChatError['code'], body.error.message));
              } catch {
                reject(
                  new ChatError(
                    ErrorCode.ChatServerUnavailable,
                    `Chat Server answered the download with HTTP ${up.statusCode}`,
                  ),
                );
              }
            });
            return;
          }
          const headers: Record<string, string> = {
            'cache-control': 'no-store',
            'x-content-type-options': 'nosniff',
            ...corsHeaders(req),
          };
          for (const h of ['content-type', 'content-length', 'content-disposition']) {
            const v = up.headers[h];
            if (typeof v === 'string') headers[h] = v;
          }
          res.writeHead(200, headers);
          up.pipe(res);
          up.on('end', () => {
            this.ctx.metrics.files.inc({ operation: 'fileDownload', result: 'ok' });
            resolve();
          });
          up.on('error', reject);
        },
      );
      get.on('error', (e) =>
        reject(
          new ChatError(
            ErrorCode.ChatServerUnavailable,
            `download from Chat Server failed: ${e.message}`,
          ),
        ),
      );
      get.end();
    });
  }
}
