/**
 * API errors as the runtime sees them: the HTTP status plus the metav1.Status the API server
 * sends (reason, message, details.causes, details.retryAfterSeconds).
 */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface ApiStatus {
  kind?: string;
  status?: string;
  code?: number;
  reason?: string;
  message?: string;
  details?: { name?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number };
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: ApiStatus | undefined;
  readonly method: string;
  readonly path: string;

  constructor(code: number, method: string, path: string, status?: ApiStatus, text?: string) {
    const reason = status?.reason ?? httpReason(code);
    const detail = status?.message ?? (text ? text.slice(0, 300) : reason);
    super(`${method} ${path}: ${code} ${reason}: ${detail}`);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.status = status;
    this.method = method;
    this.path = path;
  }

  get retryAfterSeconds(): number | undefined {
    return this.status?.details?.retryAfterSeconds;
  }
}

function httpReason(code: number): string {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 410:
      return 'Expired';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    case 500:
      return 'InternalError';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'Timeout';
    default:
      return `HTTP${code}`;
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409 && err.reason === 'AlreadyExists';
}

/** 410 Gone / reason Expired: the resourceVersion is older than etcd's compaction window. */
export function isGone(err: unknown): boolean {
  return (
    err instanceof ApiError &&
    (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone')
  );
}

export function isForbidden(err: unknown): boolean {
  return err instanceof ApiError && err.code === 403;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
