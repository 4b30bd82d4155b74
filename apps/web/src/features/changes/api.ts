// Requests for change: list, detail, create, edit, transitions and the audit timeline.
// Query keys come from one factory; every mutation updates or invalidates by those keys.
import {
  ChangeDetail,
  ChangePage,
  CreateChangeBody,
  Timeline,
  TransitionBody,
  UpdateChangeBody,
  type ChangeCategory,
  type ChangeState,
  type ChangeType,
  type RiskLevel,
} from '@cabinet/contracts'
import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query'
import { apiRequest } from '../../lib/api-client'

export interface ChangeListFilters {
  state: ChangeState[]
  type: ChangeType[]
  category: ChangeCategory[]
  risk: RiskLevel[]
  mine: boolean
  q: string
  cursor: string | null
}

export const CHANGE_PAGE_SIZE = 25

export const changeKeys = {
  all: ['changes'] as const,
  lists: () => [...changeKeys.all, 'list'] as const,
  list: (filters: ChangeListFilters) => [...changeKeys.lists(), filters] as const,
  details: () => [...changeKeys.all, 'detail'] as const,
  /** `ref` is the uuid or the number (`CHG0000001`): the API accepts either. */
  detail: (ref: string) => [...changeKeys.details(), ref] as const,
  timelines: () => [...changeKeys.all, 'timeline'] as const,
  timeline: (id: string) => [...changeKeys.timelines(), id] as const,
}

export function useChangeList(filters: ChangeListFilters) {
  return useQuery({
    queryKey: changeKeys.list(filters),
    queryFn: ({ signal }) =>
      apiRequest('GET', '/changes', ChangePage, {
        query: {
          state: filters.state,
          type: filters.type,
          category: filters.category,
          risk: filters.risk,
          mine: filters.mine ? 'true' : undefined,
          q: filters.q.trim(),
          cursor: filters.cursor,
          limit: CHANGE_PAGE_SIZE,
        },
        signal,
      }),
    placeholderData: keepPreviousData,
  })
}

export function useChangeDetail(ref: string) {
  return useQuery({
    queryKey: changeKeys.detail(ref),
    queryFn: ({ signal }) => apiRequest('GET', `/changes/${encodeURIComponent(ref)}`, ChangeDetail, { signal }),
  })
}

export function useChangeTimeline(id: string) {
  return useQuery({
    queryKey: changeKeys.timeline(id),
    queryFn: ({ signal }) => apiRequest('GET', `/changes/${encodeURIComponent(id)}/timeline`, Timeline, { signal }),
  })
}

/** A fresh ChangeDetail from the server: cache it under both addresses, refresh what depends on it. */
async function storeChange(queryClient: QueryClient, change: ChangeDetail): Promise<void> {
  queryClient.setQueryData(changeKeys.detail(change.id), change)
  queryClient.setQueryData(changeKeys.detail(change.number), change)
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: changeKeys.lists() }),
    queryClient.invalidateQueries({ queryKey: changeKeys.timeline(change.id) }),
  ])
}

export function useCreateChange() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: CreateChangeBody) =>
      apiRequest('POST', '/changes', ChangeDetail, { body: { schema: CreateChangeBody, value: body } }),
    onSuccess: (change) => storeChange(queryClient, change),
  })
}

export function useUpdateChange(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: UpdateChangeBody) =>
      apiRequest('PATCH', `/changes/${encodeURIComponent(id)}`, ChangeDetail, {
        body: { schema: UpdateChangeBody, value: body },
      }),
    onSuccess: (change) => storeChange(queryClient, change),
  })
}

export function useTransitionChange(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: TransitionBody) =>
      apiRequest('POST', `/changes/${encodeURIComponent(id)}/transitions`, ChangeDetail, {
        body: { schema: TransitionBody, value: body },
      }),
    onSuccess: (change) => storeChange(queryClient, change),
  })
}

/** After a 409 STALE_VERSION: fetch what the other person saved. */
export function useReloadChange() {
  const queryClient = useQueryClient()
  return (change: { id: string; number: string }) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: changeKeys.detail(change.id) }),
      queryClient.invalidateQueries({ queryKey: changeKeys.detail(change.number) }),
      queryClient.invalidateQueries({ queryKey: changeKeys.timeline(change.id) }),
    ])
}
