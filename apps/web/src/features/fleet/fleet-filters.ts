// The fleet page keeps its filters in the address (shareable, survives reload and Back):
// `?cluster=<id>&health=fail&driver=570.86.15&cuda=12.8&q=gpu-a&drift=true`.
import { FleetHealth, Id } from '@cabinet/contracts'
import { z } from 'zod'

export interface FleetNodeFilters {
  clusterId: string | null
  health: FleetHealth | null
  /** A version, or `none` for nodes that report none (what the API's filter takes). */
  driver: string | null
  cuda: string | null
  q: string
  driftOnly: boolean
}

/** The API's version filter, checked here so a hand-edited address never turns into a 400. */
const VersionFilter = z
  .string()
  .trim()
  .max(32)
  .regex(/^(\d+(\.\d+){0,3}|none)$/)

export const NO_FLEET_FILTERS: FleetNodeFilters = {
  clusterId: null,
  health: null,
  driver: null,
  cuda: null,
  q: '',
  driftOnly: false,
}

function parsed<S extends z.ZodType>(schema: S, raw: string | null): z.output<S> | null {
  if (raw === null) return null
  const result = schema.safeParse(raw)
  return result.success ? result.data : null
}

export function fleetFiltersFromParams(params: URLSearchParams): FleetNodeFilters {
  return {
    clusterId: parsed(Id, params.get('cluster')),
    health: parsed(FleetHealth, params.get('health')),
    driver: parsed(VersionFilter, params.get('driver')),
    cuda: parsed(VersionFilter, params.get('cuda')),
    q: (params.get('q') ?? '').slice(0, 100),
    driftOnly: params.get('drift') === 'true',
  }
}

export function paramsFromFleetFilters(filters: FleetNodeFilters): URLSearchParams {
  const params = new URLSearchParams()
  if (filters.clusterId) params.set('cluster', filters.clusterId)
  if (filters.health) params.set('health', filters.health)
  if (filters.driver) params.set('driver', filters.driver)
  if (filters.cuda) params.set('cuda', filters.cuda)
  if (filters.q.trim() !== '') params.set('q', filters.q.trim())
  if (filters.driftOnly) params.set('drift', 'true')
  return params
}

/** Filters that narrow the node table beyond the chosen cluster. */
export const hasNodeFilters = (filters: FleetNodeFilters): boolean =>
  filters.health !== null ||
  filters.driver !== null ||
  filters.cuda !== null ||
  filters.q.trim() !== '' ||
  filters.driftOnly

/** A distribution's `null` value (no version reported) is the API's `none`. */
export const versionFilterValue = (value: string | null): string => value ?? 'none'
