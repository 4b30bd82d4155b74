// The audit search keeps its filters in the address (shareable, survives reload and Back):
// `?change=CHG0000001&action=change.*&from=2026-11-01T00:00:00.000Z&cursor=...`.
import type { AuditFilters } from './api'

const KEYS = ['from', 'to', 'actorId', 'entityType', 'entityId', 'action', 'change'] as const

export const NO_AUDIT_FILTERS: AuditFilters = {
  from: '',
  to: '',
  actorId: '',
  entityType: '',
  entityId: '',
  action: '',
  change: '',
  cursor: null,
}

export function auditFiltersFromParams(params: URLSearchParams): AuditFilters {
  const filters: AuditFilters = { ...NO_AUDIT_FILTERS, cursor: params.get('cursor') || null }
  for (const key of KEYS) filters[key] = params.get(key) ?? ''
  return filters
}

export function paramsFromAuditFilters(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams()
  for (const key of KEYS) if (filters[key].trim() !== '') params.set(key, filters[key].trim())
  if (filters.cursor) params.set('cursor', filters.cursor)
  return params
}
