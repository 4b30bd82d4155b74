// The changes list keeps its filters in the address (shareable, survives reload and Back):
// `?state=new,assess&type=normal&risk=high&mine=true&q=driver&cursor=...`.
import { ChangeCategory, ChangeState, ChangeType, Cursor, RiskLevel } from '@cabinet/contracts'
import type { z } from 'zod'
import type { ChangeListFilters } from './api'

function listParam<S extends z.ZodType<string>>(params: URLSearchParams, key: string, schema: S): z.output<S>[] {
  const raw = params.get(key)
  if (!raw) return []
  // Unknown words in a hand-edited address are dropped rather than sent to the API.
  return raw.split(',').flatMap((value) => {
    const parsed = schema.safeParse(value)
    return parsed.success ? [parsed.data] : []
  })
}

export const NO_FILTERS: ChangeListFilters = {
  state: [],
  type: [],
  category: [],
  risk: [],
  mine: false,
  q: '',
  cursor: null,
}

export function filtersFromParams(params: URLSearchParams): ChangeListFilters {
  const cursor = Cursor.safeParse(params.get('cursor') ?? '')
  return {
    state: listParam(params, 'state', ChangeState),
    type: listParam(params, 'type', ChangeType),
    category: listParam(params, 'category', ChangeCategory),
    risk: listParam(params, 'risk', RiskLevel),
    mine: params.get('mine') === 'true',
    q: params.get('q') ?? '',
    cursor: cursor.success && cursor.data !== '' ? cursor.data : null,
  }
}

export function paramsFromFilters(filters: ChangeListFilters): URLSearchParams {
  const params = new URLSearchParams()
  if (filters.state.length > 0) params.set('state', filters.state.join(','))
  if (filters.type.length > 0) params.set('type', filters.type.join(','))
  if (filters.category.length > 0) params.set('category', filters.category.join(','))
  if (filters.risk.length > 0) params.set('risk', filters.risk.join(','))
  if (filters.mine) params.set('mine', 'true')
  if (filters.q.trim() !== '') params.set('q', filters.q.trim())
  if (filters.cursor) params.set('cursor', filters.cursor)
  return params
}

export const hasFilters = (filters: ChangeListFilters): boolean =>
  filters.state.length + filters.type.length + filters.category.length + filters.risk.length > 0 ||
  filters.mine ||
  filters.q.trim() !== ''
