/**
 * A scripted agent for demos (`gmsctl chat-server --auto-agent Alice`): joins every new chat,
 * greets the customer and answers each message, so a person trying the gateway sees a whole
 * chat without an agent desktop.
 */
import type { ChatEvent } from '../chat/model.js';
import type { Logger } from '../util/log.js';
import type { ChatServerSimulator } from './server.js';
import type { ChatSession } from './sessions.js';

export class AutoAgent {
  private readonly joined = new Map<string, number>();
  private stopped = false;
  private readonly onEvent = (s: ChatSession, e: ChatEvent): void => this.react(s, e);

  constructor(
    private readonly cs: ChatServerSimulator,
    private readonly nickname: string,
    private readonly log: Logger,
    private readonly delayMs = 400,
  ) {}

  start(): void {
    this.cs.sessions.on('event', this.onEvent);
  }

  stop(): void {
    this.stopped = true;
    this.cs.sessions.off('event', this.onEvent);
  }

  private later(fn: () => void): void {
    setTimeout(() => {
      if (this.stopped) return;
      try {
        fn();
      } catch (e) {
        // The chat may have ended in between: nothing to answer any more.
        this.log.debug({ err: (e as Error).message }, 'auto agent skipped an action');
      }
    }, this.delayMs).unref();
  }

  private react(s: ChatSession, e: ChatEvent): void {
    if (e.from.type !== 'Client' || s.ended) return;
    if (e.type === 'ParticipantJoined' && !this.joined.has(s.chatId)) {
      this.later(() => {
        const { participantId } = this.cs.sessions.agentJoin(s.chatId, this.nickname);
        this.joined.set(s.chatId, participantId);
        this.cs.sessions.agentEvent(
          s.chatId,
          'Message',
          `Hello ${e.from.nickname}, this is ${this.nickname}. How can I help?`,
          participantId,
        );
        // A message the customer wrote before the agent joined gets its answer now.
        const waiting = s.transcript
          .filter((x) => x.type === 'Message' && x.from.type === 'Client')
          .pop();
        if (waiting)
          this.cs.sessions.agentEvent(
            s.chatId,
            'Message',
            `You wrote: ${waiting.text ?? ''}`,
            participantId,
          );
      });
      return;
    }
    const participantId = this.joined.get(s.chatId);
    if (participantId === undefined) return;
    if (e.type === 'Message') {
      this.later(() =>
        this.cs.sessions.agentEvent(
          s.chatId,
          'Message',
          `You wrote: ${e.text ?? ''}`,
          participantId,
        ),
      );
    } else if (e.type === 'FileUploaded') {
      this.later(() =>
        this.cs.sessions.agentEvent(
          s.chatId,
          'Message',
          `Thanks, I received ${e.text ?? 'your file'}.`,
          participantId,
        ),
      );
    }
  }
}
