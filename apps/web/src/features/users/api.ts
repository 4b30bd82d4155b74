// People the console needs to pick from (the implementer of a change).
import { UserList, type Role } from '@cabinet/contracts'
import { useQuery } from '@tanstack/react-query'
import { apiRequest } from '../../lib/api-client'

export const userKeys = {
  all: ['users'] as const,
  byRole: (role: Role) => [...userKeys.all, 'role', role] as const,
}

export function useUsersByRole(role: Role) {
  return useQuery({
    queryKey: userKeys.byRole(role),
    queryFn: ({ signal }) => apiRequest('GET', '/users', UserList, { query: { role }, signal }),
    staleTime: 5 * 60_000,
  })
}
