// One QueryClient for the console: no retries on answers the server meant (4xx), and a 401 from
// any request means the session ended, so the auth guard shows the sign-in page.
import type { SessionView } from '@cabinet/contracts'
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query'
import { authKeys } from '../features/auth/api'
import { ApiError, configureCsrfToken } from '../lib/api-client'

const MAX_RETRIES = 2

export function createQueryClient(): QueryClient {
  const onError = (error: Error) => {
    if (error instanceof ApiError && error.status === 401) {
      queryClient.setQueryData<SessionView | null>(authKeys.session(), null)
    }
  }
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (failureCount, error) => {
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false
          return failureCount < MAX_RETRIES
        },
      },
      mutations: { retry: false },
    },
  })
  // The session in the cache is the single source of the CSRF token.
  configureCsrfToken(() => queryClient.getQueryData<SessionView | null>(authKeys.session())?.csrfToken ?? null)
  return queryClient
}
