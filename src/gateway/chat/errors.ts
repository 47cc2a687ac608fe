/**
 * Error notifications. The seed says only that errors are notifications with a non-zero
 * `statusCode`; the codes below are this project's (docs/gateway.md, "Errors"), stable so
 * client developers can branch on them. statusCode 1 = the request is at fault, 2 = the
 * gateway or the Chat Server behind it is.
 */

export const STATUS_OK = 0;
export const STATUS_CLIENT_ERROR = 1;
export const STATUS_SERVER_ERROR = 2;

export const ErrorCode = {
  /** A parameter is missing or has the wrong type/shape. */
  InvalidParameter: 100,
  /** `operation` is absent or not one of the eleven. */
  UnknownOperation: 101,
  /** Basic authentication is configured for the service and the credentials are absent or wrong. */
  AuthenticationFailed: 102,
  /** No [chat.<service>] section for the channel's service. */
  ServiceNotConfigured: 103,
  /** No chat session for this secureKey (never existed, expired, or ended and forgotten). */
  ChatNotFound: 104,
  /** The secureKey was replaced; the latest one (from the last notification) must be used. */
  SecureKeySuperseded: 105,
  /** The chat session has ended; only requestNotifications still answers. */
  ChatEnded: 106,
  /** The operation needs a newer GMS version than the node runs as. */
  NotSupportedByVersion: 107,
  /** A deprecated chatId/userId/alias was given and does not match the session. */
  IdentifierMismatch: 108,
  /** Push registration in userData is incomplete or names an unknown provider. */
  InvalidPushRegistration: 109,
  /** File management. */
  FileTooLarge: 110,
  TooManyFiles: 111,
  TotalSizeExceeded: 112,
  FileTypeNotAllowed: 113,
  UploadNeedsAgent: 114,
  DownloadAttemptsExceeded: 115,
  FileNotFound: 116,
  FileDeleteForbidden: 117,
  /**
   * requestNotifications from a CometD session older than the one the chat is attached to: a
   * request the customer's client sent before it handshook again, delivered late. The newer
   * session keeps the chat; the old session is ended (the client handshakes again if it is
   * still in use).
   */
  StaleSession: 118,
  /** The Chat V2 CometD API is disabled on this node ([chat] enable_notification_mode=false). */
  CometdApiDisabled: 120,
  /** Server side: no Chat Server connection (node detached, OFFLINE or Chat Server down). */
  ChatServerUnavailable: 200,
  /** Server side: the node is OFFLINE (node API). */
  NodeOffline: 201,
  /** Server side: anything unexpected; the log has the details under the reference id. */
  Internal: 202,
  /** Server side: the Chat Server did not answer in time. */
  ChatServerTimeout: 203,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A failure of a chat operation that becomes an error notification (never a stack trace). */
export class ChatError extends Error {
  constructor(
    readonly code: ErrorCodeValue,
    message: string,
    readonly statusCode: number = code >= 200 ? STATUS_SERVER_ERROR : STATUS_CLIENT_ERROR,
  ) {
    super(message);
    this.name = 'ChatError';
  }
}

export function isChatError(e: unknown): e is ChatError {
  return e instanceof ChatError;
}

/**
 * The HTTP status of a failed request that answers with a ChatError: the gateway's chat-ntf
 * file operations and the Chat Server simulator's HTTP API map the same codes the same way.
 * (The simulator never raises the node-side codes: authentication, 503 and 504.)
 */
export function httpStatusOf(e: ChatError): number {
  switch (e.code) {
    case ErrorCode.ChatNotFound:
    case ErrorCode.FileNotFound:
      return 404;
    case ErrorCode.FileTooLarge:
    case ErrorCode.TotalSizeExceeded:
      return 413;
    case ErrorCode.FileTypeNotAllowed:
      return 415;
    case ErrorCode.TooManyFiles:
    case ErrorCode.UploadNeedsAgent:
    case ErrorCode.DownloadAttemptsExceeded:
    case ErrorCode.FileDeleteForbidden:
    case ErrorCode.AuthenticationFailed:
      return 403;
    case ErrorCode.ChatEnded:
    case ErrorCode.SecureKeySuperseded:
      return 409;
    case ErrorCode.ChatServerUnavailable:
    case ErrorCode.NodeOffline:
    case ErrorCode.CometdApiDisabled:
      return 503;
    case ErrorCode.ChatServerTimeout:
      return 504;
    default:
      return e.statusCode === STATUS_CLIENT_ERROR ? 400 : 500;
  }
}
