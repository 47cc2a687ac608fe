/**
 * Building notification `data` objects in the seed's shapes. Responses to a request carry the
 * events that request produced (requestChat/requestNotifications: 0..n, others: 0 or 1);
 * unsolicited notifications carry exactly one event (seed: "Receive Notifications").
 */
import type { ChatError } from './errors.js';
import type { ChatEvent, ChatNotification, OperationName, SessionRef } from './model.js';

export interface SessionState extends SessionRef {
  nextPosition: number;
  chatEnded: boolean;
}

/** The response to a successful operation. */
export function responseNotification(
  operation: OperationName,
  session: SessionState,
  events: ChatEvent[],
  channel: string,
): ChatNotification {
  if (operation === 'disconnect') {
    // Seed, "Disconnect": the response "does not include a secureKey or userId parameter".
    return {
      messages: events,
      chatEnded: true,
      statusCode: 0,
      alias: session.alias,
      chatId: session.chatId,
      nextPosition: session.nextPosition,
    };
  }
  if (operation === 'readReceipt') {
    // Seed, "Read receipt": messages, chatEnded, statusCode, secureKey, nextPosition.
    return {
      messages: events,
      chatEnded: session.chatEnded,
      statusCode: 0,
      secureKey: session.secureKey,
      nextPosition: session.nextPosition,
    };
  }
  return fullNotification(session, events, channel);
}

/** An unsolicited notification: exactly one event. */
export function eventNotification(
  session: SessionState,
  event: ChatEvent,
  channel: string,
): ChatNotification {
  return fullNotification({ ...session, nextPosition: event.index + 1 }, [event], channel);
}

function fullNotification(
  session: SessionState,
  events: ChatEvent[],
  channel: string,
): ChatNotification {
  return {
    messages: events,
    chatEnded: session.chatEnded,
    statusCode: 0,
    alias: session.alias,
    secureKey: session.secureKey,
    userId: session.userId,
    chatId: session.chatId,
    nextPosition: session.nextPosition,
    monitored: false,
    channel,
  };
}

/** An error notification: non-zero statusCode and a readable message. */
export function errorNotification(
  error: ChatError,
  channel: string,
  operation?: string,
  referenceId?: string,
): ChatNotification {
  const n: ChatNotification = {
    messages: [],
    chatEnded: false,
    statusCode: error.statusCode,
    errors: [{ code: error.code, message: error.message }],
    channel,
  };
  if (operation) n.operation = operation;
  if (referenceId) n.referenceId = referenceId;
  return n;
}
