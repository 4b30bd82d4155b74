// Rows to API views for the fleet: the node table row, probe summaries, drift records, and the keyset
// cursors the lists page by.
import type { DriftView, FleetNodeRow, ProbeSummaryView } from '@cabinet/contracts'
import type { Prisma } from '@cabinet/db'
import { AppError } from '../../http/errors'

export const fleetNodeInclude = {
  cluster: { select: { name: true } },
  fleetState: true,
} satisfies Prisma.NodeInclude
export type FleetNodeRecord = Prisma.NodeGetPayload<{ include: typeof fleetNodeInclude }>

/** The node table shows five reasons at most; the detail page shows them all. */
const SHORT_REASONS = 5

export function toFleetNodeRow(row: FleetNodeRecord): FleetNodeRow {
  const state = row.fleetState
  return {
    id: row.id,
    hostname: row.hostname,
    clusterId: row.clusterId,
    clusterName: row.cluster.name,
    gpuModel: row.gpuModel,
    gpuCount: row.gpuCount,
    gpusSeen: state?.gpusSeen ?? null,
    // Before the first probe the catalog's values are all there is; after it, what the node reported.
    driverVersion: state ? state.driverVersion : row.driverVersion,
    cudaVersion: state ? state.cudaVersion : row.cudaVersion,
    health: state?.health ?? 'never_probed',
    healthReasons: state?.healthReasons.slice(0, SHORT_REASONS) ?? [],
    lastProbedAt: state?.lastProbedAt.toISOString() ?? null,
    openDrift: (state?.openDrift ?? 0) > 0,
  }
}

export const probeSummarySelect = {
  id: true,
  nodeId: true,
  status: true,
  verdict: true,
  transport: true,
  startedAt: true,
  finishedAt: true,
  durationMs: true,
  error: true,
  driverVersion: true,
  cudaVersion: true,
  gpusSeen: true,
  reasons: true,
} satisfies Prisma.FleetProbeSelect
type ProbeSummaryRecord = Prisma.FleetProbeGetPayload<{ select: typeof probeSummarySelect }>

export function toProbeSummary(row: ProbeSummaryRecord): ProbeSummaryView {
  return {
    ...row,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt.toISOString(),
  }
}

export const driftInclude = {
  node: { select: { hostname: true, clusterId: true, cluster: { select: { name: true } } } },
} satisfies Prisma.FleetDriftInclude
type DriftRecord = Prisma.FleetDriftGetPayload<{ include: typeof driftInclude }>

export function toDriftView(row: DriftRecord): DriftView {
  return {
    id: row.id,
    nodeId: row.nodeId,
    hostname: row.node.hostname,
    clusterId: row.node.clusterId,
    clusterName: row.node.cluster.name,
    field: row.field,
    expected: row.expected,
    expectedChange:
      row.expectedChangeId && row.expectedChangeNumber
        ? { id: row.expectedChangeId, number: row.expectedChangeNumber }
        : null,
    observed: row.observed,
    detectedAt: row.detectedAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    status: row.status,
    note: row.note,
    reviewedBy: row.reviewedById ? { id: row.reviewedById, name: row.reviewedByName ?? '' } : null,
    reviewedAt: row.reviewedAt?.toISOString() ?? null,
    version: row.version,
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const badCursor = () =>
  new AppError('VALIDATION_FAILED', 'invalid request: cursor is not a cursor from this list: start again', {
    details: { issues: [{ path: 'cursor', message: 'is not a cursor from this list: start again' }] },
  })

/** `<key>~<uuid>`: a sort key and the row id that breaks ties. */
export function encodeCursor(key: string, id: string): string {
  return `${key}~${id}`
}

export function decodeCursor(cursor: string): { key: string; id: string } {
  const split = cursor.lastIndexOf('~')
  const key = cursor.slice(0, split)
  const id = cursor.slice(split + 1)
  if (split <= 0 || !UUID.test(id)) throw badCursor()
  return { key, id }
}

/** A cursor whose key is an instant (probe history, drift list, newest first). */
export function decodeTimeCursor(cursor: string): { at: Date; id: string } {
  const { key, id } = decodeCursor(cursor)
  const at = new Date(key)
  if (!/^\d{4}-\d{2}-\d{2}T/.test(key) || Number.isNaN(at.getTime())) throw badCursor()
  return { at, id }
}
