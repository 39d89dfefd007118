/**
 * Errors a user can cause, with a stable code. Services throw these (never HttpException); the REST
 * filter turns them into problem+json and the GraphQL layer into typed errors.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNPROCESSABLE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'REQUEST_TIMEOUT'
  | 'PRECONDITION_FAILED'
  | 'PRECONDITION_REQUIRED'
  | 'RATE_LIMITED'
  | 'URI_TOO_LONG'
  | 'METHOD_NOT_ALLOWED'
  | 'UNAVAILABLE'
  | 'QUERY_TOO_COMPLEX';

export interface FieldIssue {
  /** Path of the offending field in the input, e.g. `ports[0].nodePort`. */
  readonly field: string;
  readonly message: string;
}

export const STATUS_OF: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  REQUEST_TIMEOUT: 408,
  PRECONDITION_FAILED: 412,
  PRECONDITION_REQUIRED: 428,
  RATE_LIMITED: 429,
  URI_TOO_LONG: 414,
  METHOD_NOT_ALLOWED: 405,
  UNAVAILABLE: 503,
  QUERY_TOO_COMPLEX: 400,
};

const TITLE_OF: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Invalid input',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflict',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  UNPROCESSABLE: 'Unprocessable input',
  REQUEST_TIMEOUT: 'Request timeout',
  PRECONDITION_FAILED: 'Precondition failed',
  PRECONDITION_REQUIRED: 'Precondition required',
  RATE_LIMITED: 'Too many requests',
  URI_TOO_LONG: 'URI too long',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  UNAVAILABLE: 'Service unavailable',
  QUERY_TOO_COMPLEX: 'Query too complex',
};

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
    /** A rule id (e.g. a CCE constraint) that the input broke, when there is one. */
    readonly rule?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return STATUS_OF[this.code];
  }

  get title(): string {
    return TITLE_OF[this.code];
  }

  static invalid(field: string, message: string): DomainError {
    return new DomainError('VALIDATION_FAILED', `${field}: ${message}`, [{ field, message }]);
  }

  static notFound(what: string): DomainError {
    return new DomainError('NOT_FOUND', `${what} not found`);
  }

  static conflict(field: string, message: string): DomainError {
    return new DomainError('CONFLICT', `${field}: ${message}`, [{ field, message }]);
  }
}
