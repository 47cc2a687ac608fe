/**
 * A terminal chat client (`gmsctl demo client`): requestChat, then prints every event as it
 * arrives and sends each line typed as a message; `/quit` ends the chat. With --message it
 * runs non-interactively: sends the messages, waits, prints the transcript, disconnects.
 */
import { createInterface } from 'node:readline';
import type { ChatEvent } from '../chat/model.js';
import { GmsChatClient, type TransportName } from './chat-client.js';

export interface TerminalOptions {
  url: string;
  service: string;
  nickname: string;
  transport: TransportName;
  username?: string;
  password?: string;
  messages: string[];
  waitMs: number;
  out: NodeJS.WritableStream;
  input: NodeJS.ReadableStream;
  interactive: boolean;
}

export function formatEvent(e: ChatEvent): string {
  const who = `${e.from.nickname} (${e.from.type})`;
  switch (e.type) {
    case 'Message':
      return `[${e.index}] ${who}: ${e.text ?? ''}`;
    case 'ParticipantJoined':
      return `[${e.index}] ${who} joined`;
    case 'ParticipantLeft':
      return `[${e.index}] ${who} left`;
    case 'TypingStarted':
    case 'TypingStopped':
      return `[${e.index}] ${who} ${e.type === 'TypingStarted' ? 'is typing' : 'stopped typing'}${e.text ? `: ${e.text}` : ''}`;
    case 'FileUploaded':
      return `[${e.index}] ${who} uploaded ${e.text ?? 'a file'} (file-id ${e.userData?.['file-id'] ?? '?'})`;
    default:
      return `[${e.index}] ${who} ${e.type}${e.text ? `: ${e.text}` : ''}`;
  }
}

export async function runTerminal(o: TerminalOptions): Promise<number> {
  const client = await GmsChatClient.connect({
    url: o.url,
    service: o.service,
    transport: o.transport,
    subscribe: true,
  });
  const print = (s: string): void => void o.out.write(`${s}\n`);
  client.on('resumed', () =>
    print(`(reconnected; resumed the chat, secureKey ${client.secureKey})`),
  );
  const params: Parameters<GmsChatClient['requestChat']>[0] = {
    nickname: o.nickname,
    subject: 'gmsctl demo',
  };
  if (o.username !== undefined) params.auth = { username: o.username, password: o.password ?? '' };
  try {
    await client.requestChat(params);
  } catch (e) {
    print(`requestChat failed: ${(e as Error).message}`);
    await client.close();
    return 1;
  }
  print(
    `chat ${client.chatId} on ${o.url} (${client.transportType}); secureKey ${client.secureKey}`,
  );
  for (const e of [...client.transcript.values()].sort((a, b) => a.index - b.index))
    print(formatEvent(e));
  client.on('event', (e: ChatEvent) => print(formatEvent(e)));
  const finish = async (): Promise<number> => {
    if (!client.chatEnded) await client.send('disconnect').catch(() => undefined);
    await client.close();
    return 0;
  };
  if (!o.interactive) {
    for (const m of o.messages) await client.send('sendMessage', { message: m });
    await new Promise((r) => setTimeout(r, o.waitMs));
    return finish();
  }
  print('type a message and Enter to send; /quit to end the chat');
  const rl = createInterface({ input: o.input });
  for await (const line of rl) {
    const text = line.trim();
    if (text === '') continue;
    if (text === '/quit') break;
    try {
      await client.send('sendMessage', { message: text });
    } catch (e) {
      print(`error: ${(e as Error).message}`);
    }
    if (client.chatEnded) break;
  }
  rl.close();
  return finish();
}
