/**
 * Identifiers in the shapes of the seed's examples: chatId "00048aAPEQJ8000U", userId
 * "007555677B20000A", secureKey "4ee15d7e1c343c8e", file-id "00F057DB0FF10005". All random
 * (crypto), so none can be guessed from another.
 */
import { randomBytes, randomInt } from 'node:crypto';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function alnum(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}

export const newChatId = (): string => `0004${alnum(12)}`;
export const newUserId = (): string => `00${randomBytes(7).toString('hex').toUpperCase()}`;
/** 64 random bits, lower-case hex: the secret that authorises every later operation. */
export const newSecureKey = (): string => randomBytes(8).toString('hex');
export const newFileId = (): string => randomBytes(8).toString('hex').toUpperCase();

/** File ids are generated here and are the only thing that ever reaches a file path. */
export const FILE_ID = /^[0-9A-F]{16}$/;
