/**
 * The protocol between gateway nodes and the Chat Server simulator (docs/chat-server-protocol.md).
 * It stands in for Genesys Chat Server's own protocol: a node with
 * `[chat] enable_notification_mode=true` keeps one persistent connection per Chat Server
 * (seed: "the GMS node will establish a persistent connection with the Chat Server(s)").
 *
 * Transport: WebSocket at `ws://<chat-server>/v1/node?node=<name>&group=<group>`, JSON text
 * frames. File content travels over plain HTTP (`/v1/node/files...`) so a large upload
 * never blocks the event stream: the content is stored as a pending upload first, then the
 * node commits it (with the user data that may follow the file in the form) over the socket.
 */
import type { ChatEvent, Party, PushRegistration } from '../chat/model.js';

export const PROTOCOL_VERSION = 1;
export const NODE_PATH = '/v1/node';
export const NODE_FILES_PATH = '/v1/node/files';
/** WebSocket close code a node sends when it detaches on purpose (node API OFFLINE). */
export const CLOSE_DETACH = 4000;
/** Close code the Chat Server sends when it refuses a node (bad name, duplicate, version). */
export const CLOSE_REFUSED = 4001;

/** Session identity and position, as every notification needs it. */
export interface SessionState {
  chatId: string;
  userId: string;
  secureKey: string;
  alias: string;
  nextPosition: number;
  chatEnded: boolean;
}

/** Chat Server -> node, first frame after the upgrade. */
export interface HelloFrame {
  type: 'hello';
  protocol: number;
  /** Chat Server version (the gateway refuses < 8.5.108, seed prerequisites). */
  version: string;
  /** Chat host alias of this Chat Server (seed: "alias: Chat host alias"). */
  alias: string;
  name: string;
}

export type NodeOp =
  | 'requestChat'
  | 'requestNotifications'
  | 'sendMessage'
  | 'readReceipt'
  | 'startTyping'
  | 'stopTyping'
  | 'disconnect'
  | 'pushUrl'
  | 'updateNickname'
  | 'customNotice'
  | 'updateData'
  | 'fileGetLimits'
  | 'fileCommit'
  | 'fileDelete'
  | 'resume';

/** Node -> Chat Server. */
export interface RequestFrame {
  type: 'request';
  id: number;
  op: NodeOp;
  args: Record<string, unknown>;
}

export interface ProtocolError {
  code: number;
  message: string;
}

/** Chat Server -> node, answering one request. */
export type ResponseFrame =
  | { type: 'response'; id: number; ok: true; result: OpResult }
  | { type: 'response'; id: number; ok: false; error: ProtocolError };

/** What a chat operation returns: the session after it and the events it produced. */
export interface OpResult {
  service: string;
  session: SessionState;
  events: ChatEvent[];
  push?: PushRegistration;
  /** fileGetLimits only: the limits and counters, as strings (seed: fileGetLimits output). */
  limits?: Record<string, string>;
  /** resume only: one entry per chat the node reclaimed. */
  resumed?: OpResult[];
  /** fileCommit only: the id of the stored file. */
  fileId?: string;
  /** fileGetLimits only: the customer, as the `from` of the seed's Notice. */
  client?: Party;
}

/**
 * Chat Server -> node, unsolicited: one new transcript event of a session bound to this node
 * (events a node's own request produced travel in the response instead).
 */
export interface EventFrame {
  type: 'event';
  service: string;
  session: SessionState;
  event: ChatEvent;
  push?: PushRegistration;
  /** The session's user data, for push_notification_include_payload. */
  userData?: Record<string, string>;
}

/** Chat Server -> node: the session is no longer bound here (another node resumed it). */
export interface UnbindFrame {
  type: 'unbind';
  chatId: string;
}

export type ServerFrame = HelloFrame | ResponseFrame | EventFrame | UnbindFrame;

/** Header names of the file endpoints. */
export const H_SECURE_KEY = 'x-gms-secure-key';
export const H_FILE_NAME = 'x-gms-file-name';
export const H_NODE = 'x-gms-node';
