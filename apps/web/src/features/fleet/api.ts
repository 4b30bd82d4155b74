// The GPU fleet: summary, the node table (infinite cursor pages), node detail with probe history and
// raw output, probe-now, and drift records with their review. Keys come from one factory; every
// mutation refreshes by those keys.
import {
  ClusterList,
  DriftPage,
  DriftReviewBody,
  DriftView,
  FleetNodeDetail,
  FleetNodePage,
  FleetSummary,
  ProbeHistoryPage,
  ProbeNowBody,
  ProbeNowResult,
  ProbeRaw,
  type DriftStatus,
} from '@cabinet/contracts'
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { apiRequest } from '../../lib/api-client'
import type { FleetNodeFilters } from './fleet-filters'

/** Rows per page of the node table: a few screens, so scrolling rarely waits on the next page. */
export const FLEET_NODE_PAGE_SIZE = 200
const PROBE_HISTORY_PAGE_SIZE = 50
const DRIFT_PAGE_SIZE = 100

export const fleetKeys = {
  all: ['fleet'] as const,
  clusters: () => [...fleetKeys.all, 'clusters'] as const,
  summaries: () => [...fleetKeys.all, 'summary'] as const,
  summary: (clusterId: string | null) => [...fleetKeys.summaries(), clusterId] as const,
  nodeLists: () => [...fleetKeys.all, 'nodes'] as const,
  nodeList: (filters: FleetNodeFilters) => [...fleetKeys.nodeLists(), filters] as const,
  nodeDetails: () => [...fleetKeys.all, 'node'] as const,
  nodeDetail: (id: string) => [...fleetKeys.nodeDetails(), id] as const,
  probeHistory: (nodeId: string) => [...fleetKeys.nodeDetail(nodeId), 'probes'] as const,
  probeRaw: (probeId: string) => [...fleetKeys.all, 'probe-raw', probeId] as const,
  driftLists: () => [...fleetKeys.all, 'drift'] as const,
  driftList: (status: DriftStatus) => [...fleetKeys.driftLists(), status] as const,
}

/** The clusters for the filter; the catalog's list carries each one's node count. */
export function useClusters() {
  return useQuery({
    queryKey: fleetKeys.clusters(),
    queryFn: ({ signal }) => apiRequest('GET', '/clusters', ClusterList, { signal }),
    staleTime: 5 * 60_000,
  })
}

/** `pollMs` set while probes run, so the cards move as results land. */
export function useFleetSummary(clusterId: string | null, pollMs: number | false = false) {
  return useQuery({
    queryKey: fleetKeys.summary(clusterId),
    queryFn: ({ signal }) => apiRequest('GET', '/fleet/summary', FleetSummary, { query: { clusterId }, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: pollMs,
  })
}

export function useFleetNodes(filters: FleetNodeFilters, pollMs: number | false = false) {
  return useInfiniteQuery({
    queryKey: fleetKeys.nodeList(filters),
    queryFn: ({ signal, pageParam }) =>
      apiRequest('GET', '/fleet/nodes', FleetNodePage, {
        query: {
          clusterId: filters.clusterId,
          health: filters.health,
          driver: filters.driver,
          cuda: filters.cuda,
          q: filters.q.trim(),
          drift: filters.driftOnly ? 'true' : undefined,
          cursor: pageParam,
          limit: FLEET_NODE_PAGE_SIZE,
        },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
    placeholderData: keepPreviousData,
    // Polling an infinite query refetches every loaded page in order; only used while probes run.
    refetchInterval: pollMs,
  })
}

/** `pollMs` set while a probe asked for from the page has not reported back. */
export function useFleetNode(id: string, pollMs: number | false = false) {
  return useQuery({
    queryKey: fleetKeys.nodeDetail(id),
    queryFn: ({ signal }) => apiRequest('GET', `/fleet/nodes/${encodeURIComponent(id)}`, FleetNodeDetail, { signal }),
    refetchInterval: pollMs,
  })
}

/** Older probes than the detail's last 20, page by page, when someone asks for them. */
export function useProbeHistory(nodeId: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: fleetKeys.probeHistory(nodeId),
    queryFn: ({ signal, pageParam }) =>
      apiRequest('GET', `/fleet/nodes/${encodeURIComponent(nodeId)}/probes`, ProbeHistoryPage, {
        query: { cursor: pageParam, limit: PROBE_HISTORY_PAGE_SIZE },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
    enabled,
  })
}

export function useProbeRaw(probeId: string, enabled: boolean) {
  return useQuery({
    queryKey: fleetKeys.probeRaw(probeId),
    queryFn: ({ signal }) =>
      apiRequest('GET', `/fleet/probes/${encodeURIComponent(probeId)}/raw`, ProbeRaw, { signal }),
    enabled,
    // A probe's output never changes once written.
    staleTime: Number.POSITIVE_INFINITY,
  })
}

export function useProbeNow() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: ProbeNowBody) =>
      apiRequest('POST', '/fleet/probes', ProbeNowResult, { body: { schema: ProbeNowBody, value: body } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: fleetKeys.summaries() }),
  })
}

export function useDriftList(status: DriftStatus) {
  return useInfiniteQuery({
    queryKey: fleetKeys.driftList(status),
    queryFn: ({ signal, pageParam }) =>
      apiRequest('GET', '/fleet/drift', DriftPage, {
        query: { status, cursor: pageParam, limit: DRIFT_PAGE_SIZE },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  })
}

export function useReviewDrift() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: DriftReviewBody }) =>
      apiRequest('POST', `/fleet/drift/${encodeURIComponent(id)}/review`, DriftView, {
        body: { schema: DriftReviewBody, value: body },
      }),
    // The record leaves the open list, and its node's flag and the summary's count change with it.
    onSuccess: (drift) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: fleetKeys.driftLists() }),
        queryClient.invalidateQueries({ queryKey: fleetKeys.summaries() }),
        queryClient.invalidateQueries({ queryKey: fleetKeys.nodeLists() }),
        queryClient.invalidateQueries({ queryKey: fleetKeys.nodeDetail(drift.nodeId) }),
      ]),
  })
}

/** After a 409 on a review: fetch the records as they are now. */
export function useReloadDrift() {
  const queryClient = useQueryClient()
  return () => queryClient.invalidateQueries({ queryKey: fleetKeys.driftLists() })
}
