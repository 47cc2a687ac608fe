/**
 * Uploaded files on disk. Names on disk are generated file ids only (FILE_ID), never anything
 * a client sent, so a file name like "../../etc/passwd" cannot reach a path; content is
 * written to a temporary file and renamed once complete, so a refused or broken upload
 * leaves nothing behind.
 */
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChatError, ErrorCode } from '../chat/errors.js';
import { FILE_ID } from './ids.js';

export class FileStore {
  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  private path(fileId: string): string {
    if (!FILE_ID.test(fileId))
      throw new ChatError(ErrorCode.FileNotFound, `no file ${fileId.slice(0, 40)}`);
    return join(this.dir, fileId);
  }

  /**
   * Stream `source` into the file `fileId`, refusing it once it passes `maxBytes`.
   * Returns the size written.
   */
  async store(
    fileId: string,
    source: Readable,
    maxBytes: number,
    tooLarge: () => ChatError,
  ): Promise<number> {
    const final = this.path(fileId);
    const temp = join(this.dir, `.${fileId}.part`);
    let size = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > maxBytes) cb(tooLarge());
        else cb(null, chunk);
      },
    });
    try {
      await pipeline(source, limiter, createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
      await rename(temp, final);
      return size;
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
  }

  async size(fileId: string): Promise<number> {
    return (await stat(this.path(fileId))).size;
  }

  open(fileId: string): ReadStream {
    return createReadStream(this.path(fileId));
  }

  async remove(fileId: string): Promise<void> {
    await rm(this.path(fileId), { force: true });
  }
}
