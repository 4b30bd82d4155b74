// The one error model: a closed set of codes, each with its HTTP status and a line of doc.
// Services throw AppError; the error handler turns it (and everything else) into ErrorBody.

export const ERROR_CODES = {
  /** The request failed its schema; `details.issues` names every failing field. */
  VALIDATION_FAILED: 400,
  /** The body is not valid JSON or not of an accepted content type. */
  MALFORMED_REQUEST: 400,
  /** No session cookie or API token, or it expired. */
  UNAUTHENTICATED: 401,
  /** Wrong email or password; deliberately does not say which. */
  INVALID_CREDENTIALS: 401,
  /** Signed in, but the role or token scope does not allow this. */
  FORBIDDEN: 403,
  /** A cookie-authenticated mutation without the right `x-csrf-token` header. */
  CSRF_TOKEN_INVALID: 403,
  /** The action needs a password entered within the last few minutes. */
  REAUTHENTICATION_REQUIRED: 403,
  NOT_FOUND: 404,
  CHANGE_NOT_FOUND: 404,
  /** Someone else changed the record since it was read: reload and retry. */
  STALE_VERSION: 409,
  /** The state machine refused the transition; `details.reason` says why. */
  TRANSITION_REFUSED: 409,
  /** A unique field (name, hostname, email) is already taken. */
  ALREADY_EXISTS: 409,
  /** The approval stage is not open for decisions (already decided, withdrawn, or not reached yet). */
  APPROVAL_NOT_OPEN: 409,
  /** The standard change template is not approved, retired, or was read at an older version; `details.reason` says which. */
  TEMPLATE_NOT_USABLE: 409,
  /** The record is referenced elsewhere and cannot be removed. */
  IN_USE: 409,
  /** The change is no longer `new`, so its fields are frozen. */
  CHANGE_NOT_EDITABLE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  /** A dependency (Postgres, Redis) is down. */
  UNAVAILABLE: 503,
} as const

export type ErrorCode = keyof typeof ERROR_CODES

export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly details: unknown

  constructor(code: ErrorCode, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.status = ERROR_CODES[code]
    this.details = options.details
  }
}

export const notFound = (what: string, id: string) => new AppError('NOT_FOUND', `${what} ${id} was not found`)
export const staleVersion = (what: string) =>
  new AppError('STALE_VERSION', `${what} was changed by someone else since you read it: reload and try again`)
export const forbidden = (message = 'your role does not allow this') => new AppError('FORBIDDEN', message)
