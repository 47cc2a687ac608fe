/**
 * Parsing and validation of the eleven Chat V2 CometD operations (seed: "CometD API", one
 * table of parameters per operation). Pure: a request either becomes a typed value or a
 * ChatError naming the parameter and the rule.
 */
import { ChatError, ErrorCode } from './errors.js';
import { OPERATIONS, type OperationName, type PushRegistration } from './model.js';
import { atLeast, GATES } from './versions.js';
import { hasAnyControlChars, hasControlChars } from '../util/text.js';

/** Longest text accepted in message/nickname/notice fields (project limit, docs/gateway.md). */
export const MAX_TEXT = 16 * 1024;
const MAX_USER_DATA_KEYS = 100;
const MAX_USER_DATA_KEY = 256;
const MAX_USER_DATA_VALUE = 4096;
const SECURE_KEY = /^[A-Za-z0-9]{1,64}$/;
const ID = /^[A-Za-z0-9]{1,64}$/;
/** Seed: provider names are "short strings that include short words and exclude any special symbols". */
export const PROVIDER_NAME = /^[A-Za-z0-9]{1,32}$/;

export interface Credentials {
  username: string;
  password: string;
}

/** Fields every operation after requestChat carries (chatId/userId/alias deprecated in 8.5.112). */
export interface SessionParams {
  secureKey: string;
  chatId?: string;
  userId?: string;
  alias?: string;
}

export type ChatRequest =
  | {
      operation: 'requestChat';
      nickname: string;
      firstName?: string;
      lastName?: string;
      subject?: string;
      emailAddress?: string;
      userData: Record<string, string>;
      push?: PushRegistration;
      auth?: Credentials;
    }
  | ({
      operation: 'requestNotifications';
      transcriptPosition: number;
      userData: Record<string, string>;
      push?: PushRegistration;
    } & SessionParams)
  | ({ operation: 'sendMessage'; message: string; messageType?: string } & SessionParams)
  | ({ operation: 'readReceipt'; transcriptPosition: number } & SessionParams)
  | ({ operation: 'startTyping' | 'stopTyping'; message?: string } & SessionParams)
  | ({ operation: 'disconnect' } & SessionParams)
  | ({ operation: 'pushUrl'; pushUrl: string } & SessionParams)
  | ({ operation: 'updateNickname'; nickname: string } & SessionParams)
  | ({ operation: 'customNotice'; message?: string } & SessionParams)
  | ({ operation: 'updateData'; userData: Record<string, string> } & SessionParams);

type Data = Record<string, unknown>;

function invalid(message: string): ChatError {
  return new ChatError(ErrorCode.InvalidParameter, message);
}

function isObject(v: unknown): v is Data {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A text parameter: strings only, bounded, no control characters except tab/newline. */
function text(data: Data, name: string, required: boolean, max = MAX_TEXT): string | undefined {
  const v = data[name];
  if (v === undefined || v === null) {
    if (required) throw invalid(`parameter "${name}" is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw invalid(`parameter "${name}" must be a string`);
  if (required && v.trim() === '') throw invalid(`parameter "${name}" must not be empty`);
  if (v.length > max) throw invalid(`parameter "${name}" is longer than ${max} characters`);
  if (hasControlChars(v)) throw invalid(`parameter "${name}" contains control characters`);
  return v;
}

/** secureKey/chatId/userId are "long" in the seed's tables but strings in its examples. */
function identifier(
  data: Data,
  name: string,
  required: boolean,
  pattern: RegExp,
): string | undefined {
  const v = data[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw invalid(`parameter "${name}" is required`);
    return undefined;
  }
  const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
  if (typeof s !== 'string' || !pattern.test(s))
    throw invalid(`parameter "${name}" must be letters and digits (at most 64)`);
  return s;
}

/** An integer that may arrive as a number or a numeric string ("transcriptPosition": "2"). */
function position(data: Data, name: string, required: boolean): number | undefined {
  const v = data[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw invalid(`parameter "${name}" is required`);
    return undefined;
  }
  const n = typeof v === 'string' && /^\d{1,15}$/.test(v.trim()) ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw invalid(`parameter "${name}" must be a non-negative integer`);
  return n;
}

/**
 * userData: "JSON-formatted string" in the seed's tables, an object in its examples; both are
 * accepted. Values become strings (GMS attaches them to the interaction as KV pairs).
 */
export function parseUserData(v: unknown, name = 'userData'): Record<string, string> {
  if (v === undefined || v === null || v === '') return {};
  let obj: unknown = v;
  if (typeof v === 'string') {
    try {
      obj = JSON.parse(v);
    } catch {
      throw invalid(`parameter "${name}" is not valid JSON`);
    }
  }
  if (!isObject(obj)) throw invalid(`parameter "${name}" must be an object of key/value pairs`);
  const keys = Object.keys(obj);
  if (keys.length > MAX_USER_DATA_KEYS)
    throw invalid(`parameter "${name}" has more than ${MAX_USER_DATA_KEYS} keys`);
  const out: Record<string, string> = {};
  for (const k of keys) {
    if (k === '' || k.length > MAX_USER_DATA_KEY || hasAnyControlChars(k))
      throw invalid(
        `${name} key "${k.slice(0, 40)}" must be 1-${MAX_USER_DATA_KEY} printable characters`,
      );
    if (k === '__proto__' || k === 'constructor' || k === 'prototype')
      throw invalid(`${name} key "${k}" is reserved`);
    const val = obj[k];
    if (typeof val !== 'string' && typeof val !== 'number' && typeof val !== 'boolean')
      throw invalid(`${name}["${k}"] must be a string, number or boolean`);
    const s = String(val);
    if (s.length > MAX_USER_DATA_VALUE)
      throw invalid(`${name}["${k}"] is longer than ${MAX_USER_DATA_VALUE} characters`);
    out[k] = s;
  }
  return out;
}

/**
 * push_notification_* keys (seed, requestChat "Starting in 8.5.114 ..."): deviceid and type
 * are required together; provider names a [push.provider.<name>] section.
 */
export function pushRegistrationOf(userData: Record<string, string>): PushRegistration | undefined {
  const deviceId = userData.push_notification_deviceid;
  const type = userData.push_notification_type;
  if (deviceId === undefined && type === undefined) return undefined;
  if (!deviceId)
    throw new ChatError(
      ErrorCode.InvalidPushRegistration,
      'userData push_notification_deviceid is required when push_notification_type is set',
    );
  if (!type)
    throw new ChatError(
      ErrorCode.InvalidPushRegistration,
      'userData push_notification_type is required when push_notification_deviceid is set',
    );
  if (!/^[a-z]{2,16}$/.test(type))
    throw new ChatError(
      ErrorCode.InvalidPushRegistration,
      `userData push_notification_type "${type.slice(0, 40)}" is not a push type (fcm, ios, customhttp, ...)`,
    );
  if (deviceId.length > 4096 || hasAnyControlChars(deviceId))
    throw new ChatError(
      ErrorCode.InvalidPushRegistration,
      'userData push_notification_deviceid must be printable and at most 4096 characters',
    );
  const debugRaw = (userData.push_notification_debug ?? 'false').toLowerCase();
  if (debugRaw !== 'true' && debugRaw !== 'false')
    throw new ChatError(
      ErrorCode.InvalidPushRegistration,
      'userData push_notification_debug must be true or false',
    );
  const provider = userData.push_notification_provider;
  if (provider !== undefined && provider !== '' && !PROVIDER_NAME.test(provider))
    throw new ChatError(
      ErrorCode.InvalidPushRegistration,
      `userData push_notification_provider "${provider.slice(0, 40)}" must be letters and digits only (seed: short strings without special symbols)`,
    );
  const reg: PushRegistration = {
    deviceId,
    type,
    debug: debugRaw === 'true',
    language: userData.push_notification_language || 'en_US',
  };
  if (provider) reg.provider = provider;
  return reg;
}

/**
 * auth in requestChat (seed: "Authentication"): open form {username, password} or encoded
 * form {encoded: base64("username:password")}.
 */
export function parseAuth(v: unknown): Credentials | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v))
    throw new ChatError(ErrorCode.AuthenticationFailed, 'parameter "auth" must be an object');
  if (v.encoded !== undefined) {
    if (typeof v.encoded !== 'string' || !/^[A-Za-z0-9+/=\s]{1,1024}$/.test(v.encoded))
      throw new ChatError(
        ErrorCode.AuthenticationFailed,
        'auth.encoded must be Base64 of "username:password"',
      );
    const decoded = Buffer.from(v.encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0)
      throw new ChatError(
        ErrorCode.AuthenticationFailed,
        'auth.encoded must be Base64 of "username:password"',
      );
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof v.username !== 'string' || typeof v.password !== 'string')
    throw new ChatError(
      ErrorCode.AuthenticationFailed,
      'auth needs username and password (or encoded)',
    );
  return { username: v.username, password: v.password };
}

function sessionParams(data: Data): SessionParams {
  const p: SessionParams = { secureKey: identifier(data, 'secureKey', true, SECURE_KEY) as string };
  const chatId = identifier(data, 'chatId', false, ID);
  const userId = identifier(data, 'userId', false, ID);
  const alias = identifier(data, 'alias', false, ID);
  if (chatId !== undefined) p.chatId = chatId;
  if (userId !== undefined) p.userId = userId;
  if (alias !== undefined) p.alias = alias;
  return p;
}

function isOperation(v: unknown): v is OperationName {
  return typeof v === 'string' && (OPERATIONS as readonly string[]).includes(v);
}

/** Turn the `data` of a publish on /service/chatV2/<service> into a typed request. */
export function parseRequest(raw: unknown, gmsVersion: string): ChatRequest {
  if (!isObject(raw))
    throw new ChatError(
      ErrorCode.InvalidParameter,
      'the message data must be a JSON object with an "operation"',
    );
  const op = raw.operation;
  if (op === undefined)
    throw new ChatError(ErrorCode.UnknownOperation, 'parameter "operation" is required');
  if (!isObject(raw) || !isOperation(op))
    throw new ChatError(
      ErrorCode.UnknownOperation,
      `unknown operation "${String(op).slice(0, 40)}"; expected one of ${OPERATIONS.join(', ')}`,
    );
  switch (op) {
    case 'requestChat': {
      const firstName = text(raw, 'firstName', false, 256);
      const lastName = text(raw, 'lastName', false, 256);
      let nickname = text(raw, 'nickname', false, 256);
      if (!nickname || nickname.trim() === '') {
        // Seed: "supply either nickname or both firstName and lastName".
        if (firstName?.trim() && lastName?.trim())
          nickname = `${firstName.trim()} ${lastName.trim()}`;
        else throw invalid('parameter "nickname" is required (or both "firstName" and "lastName")');
      }
      const userData = parseUserData(raw.userData);
      const req: ChatRequest = { operation: 'requestChat', nickname: nickname.trim(), userData };
      if (firstName !== undefined) req.firstName = firstName;
      if (lastName !== undefined) req.lastName = lastName;
      const subject = text(raw, 'subject', false, 1024);
      if (subject !== undefined) req.subject = subject;
      const email = text(raw, 'emailAddress', false, 320);
      if (email !== undefined) {
        if (email !== '' && !/^[^\s@]+@[^\s@]+$/.test(email))
          throw invalid('parameter "emailAddress" is not an email address');
        req.emailAddress = email;
      }
      if (atLeast(gmsVersion, GATES.pushUserData)) {
        const push = pushRegistrationOf(userData);
        if (push) req.push = push;
      }
      const auth = parseAuth(raw.auth);
      if (auth) req.auth = auth;
      return req;
    }
    case 'requestNotifications': {
      const userData = parseUserData(raw.userData);
      const req: ChatRequest = {
        operation: 'requestNotifications',
        ...sessionParams(raw),
        // Seed: "If you set this option to 0 or if you don't set this option, the client will receive all the events."
        transcriptPosition: position(raw, 'transcriptPosition', false) ?? 0,
        userData,
      };
      if (atLeast(gmsVersion, GATES.pushUserData)) {
        const push = pushRegistrationOf(userData);
        if (push) req.push = push;
      }
      return req;
    }
    case 'sendMessage': {
      const req: ChatRequest = {
        operation: 'sendMessage',
        ...sessionParams(raw),
        message: text(raw, 'message', true) as string,
      };
      const messageType = text(raw, 'messageType', false, 64);
      if (messageType) req.messageType = messageType;
      return req;
    }
    case 'readReceipt': {
      if (!atLeast(gmsVersion, GATES.readReceipt))
        throw new ChatError(
          ErrorCode.NotSupportedByVersion,
          `readReceipt needs GMS ${GATES.readReceipt} or later; this node runs as GMS ${gmsVersion}`,
        );
      return {
        operation: 'readReceipt',
        ...sessionParams(raw),
        transcriptPosition: position(raw, 'transcriptPosition', true) as number,
      };
    }
    case 'startTyping':
    case 'stopTyping': {
      const req: ChatRequest = { operation: op, ...sessionParams(raw) };
      const message = text(raw, 'message', false);
      if (message !== undefined) req.message = message;
      return req;
    }
    case 'disconnect':
      return { operation: 'disconnect', ...sessionParams(raw) };
    case 'pushUrl': {
      const url = text(raw, 'pushUrl', true, 2048) as string;
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw invalid('parameter "pushUrl" is not a URL');
      }
      // The agent desktop opens it: only web pages, never javascript:/data:/file: URLs.
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw invalid('parameter "pushUrl" must be an http or https URL');
      return { operation: 'pushUrl', ...sessionParams(raw), pushUrl: url };
    }
    case 'updateNickname':
      return {
        operation: 'updateNickname',
        ...sessionParams(raw),
        nickname: (text(raw, 'nickname', true, 256) as string).trim(),
      };
    case 'customNotice': {
      const req: ChatRequest = { operation: 'customNotice', ...sessionParams(raw) };
      const message = text(raw, 'message', false);
      if (message !== undefined) req.message = message;
      return req;
    }
    case 'updateData':
      return {
        operation: 'updateData',
        ...sessionParams(raw),
        userData: parseUserData(raw.userData),
      };
  }
}
