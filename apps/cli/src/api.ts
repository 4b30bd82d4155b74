// The CLI's HTTP client: bearer token from CABINET_TOKEN, base URL from CABINET_URL. Network errors,
// 5xx and 429 are retried with exponential backoff (a pipeline should survive an API restart); a
// 4xx is the caller's mistake and is reported at once with the API's own message.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export interface ApiClientOptions {
  baseUrl: string
  token: string
  /** Tries per request, the first included. */
  tries?: number
  backoffMs?: number
  onRetry?: (message: string) => void
}

export interface ApiClient {
  get(path: string): Promise<unknown>
  post(path: string, body: unknown): Promise<unknown>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function clientFromEnv(
  env: NodeJS.ProcessEnv,
  onRetry?: (message: string) => void,
  tries?: number,
): ApiClient | { error: string } {
  const baseUrl = env.CABINET_URL
  const token = env.CABINET_TOKEN
  if (!baseUrl) return { error: 'set CABINET_URL to the Cabinet address, e.g. https://cabinet.example.com' }
  if (!token) return { error: 'set CABINET_TOKEN to an API token (Cabinet: Profile → API tokens)' }
  return createApiClient({ baseUrl, token, ...(onRetry ? { onRetry } : {}), ...(tries ? { tries } : {}) })
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl.replace(/\/+$/, '')
  const tries = options.tries ?? 5
  const backoffMs = options.backoffMs ?? 1_000

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    for (let attempt = 1; ; attempt += 1) {
      let response: Response
      try {
        response = await fetch(`${base}/api/v1${path}`, {
          method,
          headers: {
            authorization: `Bearer ${options.token}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(30_000),
        })
      } catch (error) {
        if (attempt >= tries) throw new Error(`cannot reach ${base}: ${(error as Error).message}`)
        const wait = backoffMs * 2 ** (attempt - 1)
        options.onRetry?.(`cannot reach ${base} (${(error as Error).message}); retrying in ${wait / 1000} s`)
        await sleep(wait)
        continue
      }
      const text = await response.text()
      const json = text ? (JSON.parse(text) as unknown) : null
      if (response.ok) return json
      const error = (json as { error?: { code?: string; message?: string } } | null)?.error
      const retryable = response.status >= 500 || response.status === 429
      if (retryable && attempt < tries) {
        const wait = backoffMs * 2 ** (attempt - 1)
        options.onRetry?.(`the API answered ${response.status}; retrying in ${wait / 1000} s`)
        await sleep(wait)
        continue
      }
      throw new ApiError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `HTTP ${response.status}`)
    }
  }

  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) }
}
