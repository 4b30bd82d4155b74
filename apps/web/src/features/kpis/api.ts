// Change KPIs: the report for a period and filters, and the address of the same report as CSV.
import { KpiReport, type ChangeCategory } from '@cabinet/contracts'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { apiRequest } from '../../lib/api-client'

export interface KpiFilters {
  from: string
  to: string
  category: ChangeCategory | null
  clusterId: string | null
}

export const kpiKeys = {
  all: ['kpis'] as const,
  report: (filters: KpiFilters) => [...kpiKeys.all, filters] as const,
}

const queryOf = (filters: KpiFilters) => ({
  from: filters.from,
  to: filters.to,
  category: filters.category ?? undefined,
  clusterId: filters.clusterId ?? undefined,
})

export function useKpis(filters: KpiFilters) {
  return useQuery({
    queryKey: kpiKeys.report(filters),
    queryFn: ({ signal }) => apiRequest('GET', '/kpis', KpiReport, { query: queryOf(filters), signal }),
    placeholderData: keepPreviousData,
  })
}

/** The CSV download: the browser fetches it with the session cookie, like any GET. */
export function kpiCsvUrl(filters: KpiFilters): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(queryOf(filters))) if (value) params.set(key, value)
  return `/api/v1/kpis.csv?${params.toString()}`
}
