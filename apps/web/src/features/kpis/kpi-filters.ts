// The KPI page's filters live in the address (?period=90d&category=software&clusterId=...), so a
// view can be bookmarked and shared. The period ends at the start of tomorrow (UTC): stable all day.
import { ChangeCategory } from '@cabinet/contracts'
import type { KpiFilters } from './api'

export const PERIODS = [
  { value: '30d', label: '30 days', days: 30 },
  { value: '90d', label: '90 days', days: 90 },
  { value: '180d', label: '6 months', days: 182 },
  { value: '365d', label: '1 year', days: 365 },
] as const
export type PeriodValue = (typeof PERIODS)[number]['value']
export const DEFAULT_PERIOD: PeriodValue = '90d'

const DAY_MS = 86_400_000

export function periodOf(params: URLSearchParams): PeriodValue {
  const value = params.get('period')
  return PERIODS.find((period) => period.value === value)?.value ?? DEFAULT_PERIOD
}

export function kpiFiltersFromParams(params: URLSearchParams, now = new Date()): KpiFilters {
  const days = PERIODS.find((period) => period.value === periodOf(params))?.days ?? 90
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1))
  const category = ChangeCategory.safeParse(params.get('category'))
  const clusterId = params.get('clusterId')
  return {
    from: new Date(to.getTime() - days * DAY_MS).toISOString(),
    to: to.toISOString(),
    category: category.success ? category.data : null,
    clusterId: clusterId && /^[0-9a-f-]{36}$/i.test(clusterId) ? clusterId : null,
  }
}

export function withParam(params: URLSearchParams, key: string, value: string | null): URLSearchParams {
  const next = new URLSearchParams(params)
  if (value) next.set(key, value)
  else next.delete(key)
  return next
}
