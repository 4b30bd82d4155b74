// The session: who is signed in (null when nobody is), sign-in and sign-out.
// The session also carries the CSRF token the API client sends on every mutation.
import { LoginBody, SessionView } from '@cabinet/contracts'
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query'
import { ApiError, NoContent, apiRequest } from '../../lib/api-client'

export const authKeys = {
  all: ['auth'] as const,
  session: () => [...authKeys.all, 'session'] as const,
}

async function fetchSession(signal: AbortSignal): Promise<SessionView | null> {
  try {
    return await apiRequest('GET', '/auth/me', SessionView, { signal })
  } catch (error) {
    // 401 is the normal answer for a visitor who has not signed in yet.
    if (error instanceof ApiError && error.status === 401) return null
    throw error
  }
}

export function useSession() {
  return useQuery({
    queryKey: authKeys.session(),
    queryFn: ({ signal }) => fetchSession(signal),
    staleTime: 5 * 60_000,
  })
}

export function readSession(queryClient: QueryClient): SessionView | null {
  return queryClient.getQueryData<SessionView | null>(authKeys.session()) ?? null
}

export function useSignIn() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (credentials: { email: string; password: string }) =>
      apiRequest('POST', '/auth/login', SessionView, { body: { schema: LoginBody, value: credentials } }),
    onSuccess: async (session) => {
      queryClient.setQueryData(authKeys.session(), session)
      // Anything fetched before (or as someone else) is refetched for this user.
      await queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] })
    },
  })
}

export function useSignOut() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => apiRequest('POST', '/auth/logout', NoContent),
    onSettled: () => {
      // Signed out first (the guard unmounts every page), then drop every cached answer so the
      // next person never sees this one's data. `clear()` would orphan the guard's own observer.
      queryClient.setQueryData(authKeys.session(), null)
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] })
    },
  })
}
