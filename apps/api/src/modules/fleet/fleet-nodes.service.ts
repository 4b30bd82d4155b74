// The fleet's nodes as probes see them: the table (keyset pages over nodes joined to their
// denormalised latest state, so 10,000 nodes need no aggregation), one node's latest probe per GPU
// with every gate, its probe history, and a probe's raw output.
import { gunzipSync } from 'node:zlib'
import { z } from 'zod'
import {
  type FleetNodeDetail,
  type FleetNodeListQuery,
  type FleetNodePage,
  GateResultView,
  GpuProbeRow,
  type ProbeHistoryPage,
  type ProbeHistoryQuery,
  type ProbeRaw,
  ProbeRawOutput,
} from '@cabinet/contracts'
import type { Db, Prisma } from '@cabinet/db'
import { notFound } from '../../http/errors'
import {
  badCursor,
  decodeTimeCursor,
  driftInclude,
  encodeCursor,
  fleetNodeInclude,
  probeSummarySelect,
  toDriftView,
  toFleetNodeRow,
  toProbeSummary,
} from './fleet.views'

type NodeQuery = z.output<typeof FleetNodeListQuery>
type HistoryQuery = z.output<typeof ProbeHistoryQuery>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const RECENT_PROBES = 20

/** What the probe stored beside its GPUs and gates (see apps/worker/src/fleet/probe-node.ts). */
const StoredDetail = z.object({
  gpus: z.array(GpuProbeRow),
  gates: z.array(GateResultView),
  expected: z
    .object({
      driverVersion: z.string().nullable(),
      driverChange: z.object({ id: z.string(), number: z.string() }).nullable(),
    })
    .optional(),
})

/** A version filter: the reported value once probed, the catalog's before; `none` matches neither set. */
function versionFilter(field: 'driverVersion' | 'cudaVersion', wanted: string): Prisma.NodeWhereInput {
  const value = wanted === 'none' ? null : wanted
  return {
    OR: [{ fleetState: { is: { [field]: value } } }, { fleetState: { is: null }, [field]: value }],
  }
}

export function createFleetNodesService({ db }: { db: Db }) {
  async function list(query: NodeQuery): Promise<FleetNodePage> {
    const where: Prisma.NodeWhereInput[] = []
    if (query.clusterId) where.push({ clusterId: query.clusterId })
    if (query.q) where.push({ hostname: { contains: query.q, mode: 'insensitive' } })
    if (query.health === 'never_probed') where.push({ fleetState: { is: null } })
    else if (query.health) where.push({ fleetState: { is: { health: query.health } } })
    if (query.driver) where.push(versionFilter('driverVersion', query.driver))
    if (query.cuda) where.push(versionFilter('cudaVersion', query.cuda))
    if (query.drift === 'true') where.push({ fleetState: { is: { openDrift: { gt: 0 } } } })
    if (query.drift === 'false')
      where.push({ OR: [{ fleetState: { is: null } }, { fleetState: { is: { openDrift: 0 } } }] })
    if (query.cursor) {
      // The cursor is the last row's id; hostnames are unique, so (hostname) alone orders the pages.
      if (!UUID.test(query.cursor)) throw badCursor()
      const last = await db.node.findUnique({ where: { id: query.cursor }, select: { hostname: true } })
      if (!last) throw badCursor()
      where.push({ hostname: { gt: last.hostname } })
    }
    const rows = await db.node.findMany({
      where: { AND: where },
      include: fleetNodeInclude,
      orderBy: { hostname: 'asc' },
      take: query.limit + 1,
    })
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    return { items: page.map(toFleetNodeRow), nextCursor: rows.length > query.limit && last ? last.id : null }
  }

  async function get(id: string): Promise<FleetNodeDetail> {
    const node = await db.node.findUnique({ where: { id }, include: fleetNodeInclude })
    if (!node) throw notFound('node', id)
    const [recent, latest, drift] = await Promise.all([
      db.fleetProbe.findMany({
        where: { nodeId: id },
        select: probeSummarySelect,
        orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
        take: RECENT_PROBES,
      }),
      node.fleetState
        ? db.fleetProbe.findUnique({
            where: { id: node.fleetState.lastProbeId },
            select: { ...probeSummarySelect, detail: true },
          })
        : null,
      db.fleetDrift.findMany({
        where: { nodeId: id, status: 'open' },
        include: driftInclude,
        orderBy: [{ detectedAt: 'desc' }, { id: 'desc' }],
      }),
    ])
    const detail = latest ? StoredDetail.parse(latest.detail) : null
    const expected = detail?.expected
    return {
      ...toFleetNodeRow(node),
      healthReasons: node.fleetState?.healthReasons ?? [],
      transport: node.transport,
      address: node.address,
      firmwareVersion: node.fleetState?.firmware ?? node.firmwareVersion,
      expectedDriverVersion: expected ? expected.driverVersion : node.driverVersion,
      expectedDriverChange: expected?.driverChange ?? null,
      latestProbe:
        latest && detail ? { summary: toProbeSummary(latest), gpus: detail.gpus, gates: detail.gates } : null,
      recentProbes: recent.map(toProbeSummary),
      openDriftRecords: drift.map(toDriftView),
    }
  }

  async function history(nodeId: string, query: HistoryQuery): Promise<ProbeHistoryPage> {
    if (!(await db.node.count({ where: { id: nodeId } }))) throw notFound('node', nodeId)
    const after = query.cursor ? decodeTimeCursor(query.cursor) : null
    const rows = await db.fleetProbe.findMany({
      where: {
        nodeId,
        ...(after ? { OR: [{ startedAt: { lt: after.at } }, { startedAt: after.at, id: { lt: after.id } }] } : {}),
      },
      select: probeSummarySelect,
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    })
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    return {
      items: page.map(toProbeSummary),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.startedAt.toISOString(), last.id) : null,
    }
  }

  async function raw(probeId: string): Promise<ProbeRaw> {
    const probe = await db.fleetProbe.findUnique({ where: { id: probeId }, select: { rawGzip: true } })
    if (!probe) throw notFound('probe', probeId)
    if (!probe.rawGzip) return { probeId, available: false, outputs: [] }
    const outputs = z.array(ProbeRawOutput).parse(JSON.parse(gunzipSync(probe.rawGzip).toString('utf8')))
    return { probeId, available: true, outputs }
  }

  return { list, get, history, raw }
}

export type FleetNodesService = ReturnType<typeof createFleetNodesService>
