/**
 * File management at POST /genesys/2/chat-ntf (seed, "Chat Session File Management") through a
 * real node: multipart and urlencoded forms, limits and counters enforced, uploads stored
 * under generated ids only.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GmsChatClient } from '../../../src/gateway/client/chat-client.js';
import { agent, startHarness, type Harness } from './harness.js';

const SERVICE = 'customer-support';
let h: Harness;
let ntf: string;

beforeAll(async () => {
  h = await startHarness({
    cs: {
      limits: {
        downloadAttempts: 2,
        uploadMaxFiles: 3,
        uploadMaxFileSize: 1024,
        uploadMaxTotalSize: 1500,
        uploadNeedAgent: true,
        uploadFileTypes: ['txt', 'png', 'pdf'],
        deleteFile: 'true',
      },
    },
  });
  ntf = `${h.gateways[0]!.url}/genesys/2/chat-ntf`;
});
afterAll(async () => {
  await h.stop();
});

async function newChat(withAgent = true): Promise<{ c: GmsChatClient; chatId: string }> {
  const c = await GmsChatClient.connect({
    url: `${h.gateways[0]!.url}/genesys/cometd`,
    service: SERVICE,
  });
  const r = await c.requestChat({ nickname: 'Joan' });
  if (withAgent) await agent(h.csUrl, `/v1/chats/${r.chatId}/join`, { nickname: 'Alice' });
  return { c, chatId: r.chatId! };
}

function form(
  fields: Record<string, string>,
  file?: { name: string; content: Buffer | string; type?: string },
): FormData {
  const f = new FormData();
  // userData[...] after the file, as the seed's table lists them (the node must wait for them).
  for (const [k, v] of Object.entries(fields)) if (!k.startsWith('userData[')) f.append(k, v);
  if (file)
    f.append('file', new Blob([file.content], { type: file.type ?? 'text/plain' }), file.name);
  for (const [k, v] of Object.entries(fields)) if (k.startsWith('userData[')) f.append(k, v);
  return f;
}

async function post(
  body: FormData | URLSearchParams,
): Promise<{ status: number; json: Record<string, unknown>; text: string; headers: Headers }> {
  const res = await fetch(ntf, { method: 'POST', body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* binary or HTML */
  }
  return { status: res.status, json, text, headers: res.headers };
}

describe('chat-ntf', () => {
  it('fileGetLimits answers the seed Notice with the limits and counters', async () => {
    const { c } = await newChat();
    try {
      const r = await post(
        new URLSearchParams({ operation: 'fileGetLimits', secureKey: c.secureKey! }),
      );
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ chatEnded: false, statusCode: 0, secureKey: c.secureKey });
      const [m] = r.json.messages as Record<string, unknown>[];
      expect(m).toMatchObject({
        text: 'file-client-cfg-get',
        type: 'Notice',
        from: { nickname: 'Joan', participantId: 1, type: 'Client' },
      });
      expect(m!.userData).toEqual({
        'download-attempts': '2',
        'upload-max-files': '3',
        'delete-file': 'true',
        'upload-max-file-size': '1024',
        'used-download-attempts': '0',
        'used-upload-max-total-size': '0',
        'upload-need-agent': 'true',
        'used-upload-max-files': '0',
        'upload-max-total-size': '1500',
        'upload-file-types': 'txt:png:pdf',
      });
    } finally {
      await c.close();
    }
  });

  it('upload, FileUploaded over CometD, download the same bytes, delete', async () => {
    const { c, chatId } = await newChat();
    try {
      const content = Buffer.from('March invoice\n\u00e9\u00e8 bytes \u0000\u0001\u0002');
      const up = await post(
        form(
          {
            operation: 'fileUpload',
            secureKey: c.secureKey!,
            'userData[file-description]': 'March invoice',
          },
          { name: 'invoice.txt', content },
        ),
      );
      expect(up.status).toBe(200);
      expect(up.json).toMatchObject({ chatEnded: false, statusCode: 0, secureKey: c.secureKey });
      const fileId = (up.json.userData as Record<string, string>)['file-id']!;
      expect(fileId).toMatch(/^[0-9A-F]{16}$/);

      const ev = await c.waitForEvent((e) => e.type === 'FileUploaded');
      expect(ev).toMatchObject({
        from: { type: 'Client' },
        text: 'invoice.txt',
        userData: {
          'file-id': fileId,
          'file-name': 'invoice.txt',
          'file-description': 'March invoice',
          'file-size': String(content.length),
        },
      });

      const down = await fetch(ntf, {
        method: 'POST',
        body: new URLSearchParams({ operation: 'fileDownload', secureKey: c.secureKey!, fileId }),
      });
      expect(down.status).toBe(200);
      expect(down.headers.get('content-disposition')).toBe(
        `attachment; filename*=UTF-8''invoice.txt`,
      );
      expect(down.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await down.arrayBuffer()).equals(content)).toBe(true);

      // The agent side sees the file too.
      const agentCopy = await fetch(`${h.csUrl}/v1/chats/${chatId}/files/${fileId}`);
      expect(Buffer.from(await agentCopy.arrayBuffer()).equals(content)).toBe(true);

      const del = await post(
        new URLSearchParams({ operation: 'fileDelete', secureKey: c.secureKey!, fileId }),
      );
      expect(del.json).toEqual({ chatEnded: false, statusCode: 0, secureKey: c.secureKey });
      const gone = await post(
        new URLSearchParams({ operation: 'fileDownload', secureKey: c.secureKey!, fileId }),
      );
      expect(gone.status).toBe(500);
      expect(gone.headers.get('content-type')).toMatch(/text\/html/);
      expect(gone.text).toMatch(/referenceId: [0-9a-f-]{36}/);
      expect(gone.text).toMatch(/no file/);
    } finally {
      await c.close();
    }
  });

  it('refuses over-limit and wrong-type uploads with clear errors, and counts', async () => {
    const { c: early } = await newChat(false);
    const { c } = await newChat();
    try {
      const needAgent = await post(
        form(
          { operation: 'fileUpload', secureKey: early.secureKey! },
          { name: 'a.txt', content: 'x' },
        ),
      );
      expect(needAgent.status).toBe(403);
      expect(needAgent.json).toMatchObject({
        statusCode: 1,
        errors: [{ code: 114, message: expect.stringContaining('upload-need-agent') }],
      });

      const wrongType = await post(
        form(
          { operation: 'fileUpload', secureKey: c.secureKey! },
          { name: 'run.exe', content: 'MZ' },
        ),
      );
      expect(wrongType.status).toBe(415);
      expect((wrongType.json.errors as { message: string }[])[0]!.message).toBe(
        'file type "exe" is not allowed (upload-file-types=txt:png:pdf)',
      );

      const big = await post(
        form(
          { operation: 'fileUpload', secureKey: c.secureKey! },
          { name: 'big.txt', content: Buffer.alloc(1025, 97) },
        ),
      );
      expect(big.status).toBe(413);
      expect((big.json.errors as { code: number }[])[0]!.code).toBe(110);

      expect(
        (
          await post(
            form(
              { operation: 'fileUpload', secureKey: c.secureKey! },
              { name: 'a.txt', content: Buffer.alloc(1000, 97) },
            ),
          )
        ).status,
      ).toBe(200);
      const total = await post(
        form(
          { operation: 'fileUpload', secureKey: c.secureKey! },
          { name: 'b.txt', content: Buffer.alloc(600, 97) },
        ),
      );
      expect(total.status).toBe(413);
      expect((total.json.errors as { code: number; message: string }[])[0]).toMatchObject({
        code: 112,
        message: expect.stringContaining('upload-max-total-size=1500'),
      });

      const up2 = await post(
        form(
          { operation: 'fileUpload', secureKey: c.secureKey! },
          { name: 'b.png', content: 'png' },
        ),
      );
      const up3 = await post(
        form(
          { operation: 'fileUpload', secureKey: c.secureKey! },
          { name: 'c.pdf', content: 'pdf' },
        ),
      );
      expect([up2.status, up3.status]).toEqual([200, 200]);
      const tooMany = await post(
        form({ operation: 'fileUpload', secureKey: c.secureKey! }, { name: 'd.txt', content: 'd' }),
      );
      expect((tooMany.json.errors as { code: number }[])[0]!.code).toBe(111);

      const fileId = (up2.json.userData as Record<string, string>)['file-id']!;
      for (let i = 0; i < 2; i++)
        expect(
          (
            await post(
              new URLSearchParams({ operation: 'fileDownload', secureKey: c.secureKey!, fileId }),
            )
          ).status,
        ).toBe(200);
      const third = await post(
        new URLSearchParams({ operation: 'fileDownload', secureKey: c.secureKey!, fileId }),
      );
      expect(third.status).toBe(500);
      expect(third.text).toMatch(/download-attempts=2/);

      const limits = await post(
        new URLSearchParams({ operation: 'fileGetLimits', secureKey: c.secureKey! }),
      );
      expect(
        (limits.json.messages as { userData: Record<string, string> }[])[0]!.userData,
      ).toMatchObject({
        'used-upload-max-files': '3',
        'used-upload-max-total-size': '1006',
        'used-download-attempts': '2',
      });
    } finally {
      await c.close();
      await early.close();
    }
  });

  it('stores uploads under generated ids only: a hostile file name never reaches a path', async () => {
    const { c } = await newChat();
    try {
      const r = await post(
        form(
          { operation: 'fileUpload', secureKey: c.secureKey! },
          { name: '../../../../tmp/evil.txt', content: 'x' },
        ),
      );
      expect(r.status).toBe(200);
      const stored = await readdir(join(h.dir, 'cs', 'files'));
      expect(stored.every((f) => /^[0-9A-F]{16}$/.test(f))).toBe(true);
      const ev = await c.waitForEvent((e) => e.type === 'FileUploaded');
      expect(ev.text).toBe('evil.txt');
    } finally {
      await c.close();
    }
  });

  it('refuses malformed requests: missing operation or secureKey, unknown key, wrong content type', async () => {
    expect((await post(new URLSearchParams({ secureKey: 'abc' }))).json).toMatchObject({
      statusCode: 1,
      errors: [{ code: 100 }],
    });
    expect((await post(new URLSearchParams({ operation: 'fileGetLimits' }))).json).toMatchObject({
      errors: [{ message: 'parameter "secureKey" is required' }],
    });
    expect(
      (
        await post(
          new URLSearchParams({ operation: 'fileGetLimits', secureKey: 'ffffffffffffffff' }),
        )
      ).status,
    ).toBe(404);
    expect(
      (await post(new URLSearchParams({ operation: 'fileMove', secureKey: 'ffff' }))).json,
    ).toMatchObject({ errors: [{ code: 101 }] });
    const json = await fetch(ntf, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
    const get = await fetch(ntf);
    expect(get.status).toBe(400);
  });
});
