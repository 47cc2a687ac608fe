import { describe, expect, it } from 'vitest';
import { ChatError, ErrorCode } from '../../../src/gateway/chat/errors.js';
import type { ChatEvent } from '../../../src/gateway/chat/model.js';
import {
  errorNotification,
  eventNotification,
  responseNotification,
} from '../../../src/gateway/chat/notifications.js';

const session = {
  chatId: '00048aAPEQJ8000U',
  userId: '007555677CB4000D',
  secureKey: '3e2a69d421ae2672',
  alias: '117',
  nextPosition: 9,
  chatEnded: false,
};
const channel = '/service/chatV2/customer-support';
const ev: ChatEvent = {
  from: { nickname: 'a1001', participantId: 3, type: 'Agent' },
  index: 8,
  text: 'hello',
  type: 'Message',
  utcTime: 1590051516000,
};

describe('notifications', () => {
  it('a response carries the seed fields: statusCode, secureKey, alias, chatId, userId, chatEnded, nextPosition, messages', () => {
    expect(responseNotification('sendMessage', session, [ev], channel)).toEqual({
      messages: [ev],
      chatEnded: false,
      statusCode: 0,
      alias: '117',
      secureKey: '3e2a69d421ae2672',
      userId: '007555677CB4000D',
      chatId: '00048aAPEQJ8000U',
      nextPosition: 9,
      monitored: false,
      channel,
    });
  });

  it('disconnect: no secureKey or userId, chatEnded true (seed "Disconnect")', () => {
    const n = responseNotification('disconnect', { ...session, chatEnded: true }, [], channel);
    expect(n).toEqual({
      messages: [],
      chatEnded: true,
      statusCode: 0,
      alias: '117',
      chatId: session.chatId,
      nextPosition: 9,
    });
    expect(n).not.toHaveProperty('secureKey');
    expect(n).not.toHaveProperty('userId');
  });

  it('readReceipt: messages, chatEnded, statusCode, secureKey, nextPosition', () => {
    expect(responseNotification('readReceipt', session, [], channel)).toEqual({
      messages: [],
      chatEnded: false,
      statusCode: 0,
      secureKey: session.secureKey,
      nextPosition: 9,
    });
  });

  it('an unsolicited notification has exactly one event and nextPosition after it', () => {
    const n = eventNotification({ ...session, nextPosition: 20 }, ev, channel);
    expect(n.messages).toEqual([ev]);
    expect(n.nextPosition).toBe(9);
  });

  it('an error is a notification with a non-zero statusCode and a readable message', () => {
    const n = errorNotification(
      new ChatError(ErrorCode.ChatNotFound, 'no chat session for this secureKey'),
      channel,
      'sendMessage',
    );
    expect(n.statusCode).toBe(1);
    expect(n.errors).toEqual([{ code: 104, message: 'no chat session for this secureKey' }]);
    expect(n.operation).toBe('sendMessage');
    expect(
      errorNotification(new ChatError(ErrorCode.ChatServerUnavailable, 'down'), channel).statusCode,
    ).toBe(2);
  });
});
