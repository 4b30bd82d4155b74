// The one way the console talks to the API: same-origin cookies, the CSRF token on mutations,
// every request body and response parsed with its contract schema, every failure an ApiError.
import { ErrorBody, FieldIssue } from '@cabinet/contracts'
import { z } from 'zod'

const API_BASE = '/api/v1'
const MUTATING_METHODS = new Set<HttpMethod>(['POST', 'PATCH', 'PUT', 'DELETE'])

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
export type QueryValue = string | number | boolean | readonly string[] | null | undefined
export type QueryParams = Record<string, QueryValue>

/** The reply schema for endpoints that answer 204 without a body (logout). */
export const NoContent = z.undefined()

/** Error codes the client itself produces, beside the server's closed list. */
export const CLIENT_ERROR_CODES = {
  network: 'NETWORK_ERROR',
  unexpectedResponse: 'UNEXPECTED_RESPONSE',
  validation: 'VALIDATION_FAILED',
} as const

const FieldIssueDetails = z.object({ issues: z.array(FieldIssue) })

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: unknown
  readonly requestId: string | null
  /** Field-level problems of a 400 VALIDATION_FAILED, paths dotted (`affectedItems.0.id`). */
  readonly fieldIssues: FieldIssue[]

  constructor(init: { status: number; code: string; message: string; details?: unknown; requestId?: string | null }) {
    super(init.message)
    this.name = 'ApiError'
    this.status = init.status
    this.code = init.code
    this.details = init.details
    this.requestId = init.requestId ?? null
    const parsed = FieldIssueDetails.safeParse(init.details)
    this.fieldIssues = parsed.success ? parsed.data.issues : []
  }
}

export const isApiError = (error: unknown, code?: string): error is ApiError =>
  error instanceof ApiError && (code === undefined || error.code === code)

/** Turns zod's issues into the server's FieldIssue shape, so both map onto fields the same way. */
export function zodIssuesToFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
}

// The CSRF token lives in the session (the query cache); the app registers how to read it so this
// module stays free of React and of the cache.
let readCsrfToken: () => string | null = () => null
export function configureCsrfToken(reader: () => string | null): void {
  readCsrfToken = reader
}

function buildUrl(path: string, query?: QueryParams): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue
    if (Array.isArray(value)) {
      // Lists travel as one comma-separated parameter, the way the contracts' `csv()` reads them.
      if (value.length > 0) params.set(key, value.join(','))
    } else {
      params.set(key, String(value))
    }
  }
  const search = params.toString()
  return `${API_BASE}${path}${search ? `?${search}` : ''}`
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text()
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function errorFromResponse(response: Response, payload: unknown): ApiError {
  const parsed = ErrorBody.safeParse(payload)
  if (parsed.success) {
    const { code, message, details, requestId } = parsed.data.error
    return new ApiError({ status: response.status, code, message, details, requestId })
  }
  return new ApiError({
    status: response.status,
    code: `HTTP_${response.status}`,
    message: response.statusText || `The server answered ${response.status}`,
  })
}

export interface RequestOptions<Body extends z.ZodType> {
  query?: QueryParams
  /** The request body and the contract schema it must satisfy; it is parsed before sending. */
  body?: { schema: Body; value: z.input<Body> }
  signal?: AbortSignal
}

export async function apiRequest<Reply extends z.ZodType, Body extends z.ZodType = z.ZodType>(
  method: HttpMethod,
  path: string,
  reply: Reply,
  options: RequestOptions<Body> = {},
): Promise<z.output<Reply>> {
  const headers: Record<string, string> = { accept: 'application/json' }
  let body: string | undefined
  if (options.body) {
    const checked = options.body.schema.safeParse(options.body.value)
    if (!checked.success) {
      // Same shape as the server's 400, so forms handle both with one mapping.
      throw new ApiError({
        status: 400,
        code: CLIENT_ERROR_CODES.validation,
        message: 'Some fields need attention',
        details: { issues: zodIssuesToFieldIssues(checked.error) },
      })
    }
    body = JSON.stringify(checked.data)
    headers['content-type'] = 'application/json'
  }
  if (MUTATING_METHODS.has(method)) {
    const token = readCsrfToken()
    if (token) headers['x-csrf-token'] = token
  }

  let response: Response
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    })
  } catch (error) {
    // Cancellation is React Query's business, not an error to show.
    if (error instanceof DOMException && error.name === 'AbortError') throw error
    throw new ApiError({ status: 0, code: CLIENT_ERROR_CODES.network, message: 'Cannot reach the Cabinet API' })
  }

  const payload = await readJson(response)
  if (!response.ok) throw errorFromResponse(response, payload)

  const parsed = reply.safeParse(response.status === 204 ? undefined : payload)
  if (!parsed.success) {
    // The API and the console disagree on a contract: say where, so it is fixed rather than guessed.
    const where = zodIssuesToFieldIssues(parsed.error)
      .slice(0, 3)
      .map((issue) => `${issue.path || '(root)'}: ${issue.message}`)
      .join('; ')
    throw new ApiError({
      status: response.status,
      code: CLIENT_ERROR_CODES.unexpectedResponse,
      message: `Unexpected reply from ${method} ${path} (${where})`,
      requestId: response.headers.get('x-request-id'),
    })
  }
  return parsed.data
}
