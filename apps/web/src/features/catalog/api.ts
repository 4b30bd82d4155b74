// Configuration items for the affected-items picker: server-side search (there can be
// thousands of nodes) and resolving already-chosen references back to their names.
import {
  ConfigItemResolveBody,
  ConfigItemResolveResult,
  ConfigItemSearchResult,
  type ConfigItemKind,
  type ConfigItemRef,
} from '@cabinet/contracts'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { apiRequest } from '../../lib/api-client'

export interface ConfigItemSearch {
  q: string
  kind: ConfigItemKind | null
  limit: number
}

export const catalogKeys = {
  all: ['config-items'] as const,
  search: (search: ConfigItemSearch) => [...catalogKeys.all, 'search', search] as const,
  resolve: (refs: readonly ConfigItemRef[]) => [...catalogKeys.all, 'resolve', refs] as const,
}

export function searchConfigItems(search: ConfigItemSearch, signal?: AbortSignal) {
  return apiRequest('GET', '/config-items/search', ConfigItemSearchResult, {
    query: { q: search.q, kind: search.kind, limit: search.limit },
    signal,
  })
}

export function useConfigItemSearch(search: ConfigItemSearch, enabled: boolean) {
  return useQuery({
    queryKey: catalogKeys.search(search),
    queryFn: ({ signal }) => searchConfigItems(search, signal),
    enabled,
    // Keep the previous results on screen while the next keystroke's search is in flight.
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  })
}

export function useResolvedConfigItems(refs: readonly ConfigItemRef[]) {
  return useQuery({
    queryKey: catalogKeys.resolve(refs),
    queryFn: ({ signal }) =>
      apiRequest('POST', '/config-items/resolve', ConfigItemResolveResult, {
        body: { schema: ConfigItemResolveBody, value: { items: [...refs] } },
        signal,
      }),
    enabled: refs.length > 0,
    staleTime: 60_000,
  })
}
