// Probe now and the fleet summary. Probe now resolves the nodes asked for, records the request in the
// audit trail, and enqueues one job per node after the commit; the same request from the same person
// within a minute (a double-click) returns the first one's id and queues nothing.
import { createHash, randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { z } from 'zod'
import type { FleetSummary, FleetSummaryQuery, ProbeNowBody, ProbeNowResult } from '@cabinet/contracts'
import { type Db, Prisma } from '@cabinet/db'
import { type JobProducer, jobId } from '@cabinet/queue'
import { recordAudit } from '../../http/audit'
import type { RequestContext } from '../../http/request-context'
import { throwIfAny, unknownIds } from '../catalog/catalog.checks'

type ProbeRequest = z.output<typeof ProbeNowBody>
type SummaryQuery = z.output<typeof FleetSummaryQuery>

/** How long an identical probe request counts as the same one. */
const DUPLICATE_WINDOW_MS = 60_000
const ENQUEUE_CHUNK = 1_000
const UNHEALTHY_LIMIT = 50

/** The worker's job id for one node's probe (apps/worker/src/fleet/sweeps.ts builds the same). */
export const probeJobId = (nodeId: string, requestId: string) => jobId('fleet-probe', nodeId, requestId)

export interface FleetServiceDeps {
  db: Db
  redis: Redis
  jobs: JobProducer
  redisPrefix: string
}

export function createFleetService({ db, redis, jobs, redisPrefix }: FleetServiceDeps) {
  async function nodesFor(body: ProbeRequest): Promise<string[]> {
    if (body.nodeIds) {
      const ids = [...new Set(body.nodeIds)]
      throwIfAny(await unknownIds(db, 'node', 'nodeIds', body.nodeIds))
      return ids.sort()
    }
    if (body.clusterId) throwIfAny(await unknownIds(db, 'cluster', 'clusterId', body.clusterId))
    const rows = await db.node.findMany({
      where: body.clusterId ? { clusterId: body.clusterId } : {},
      select: { id: true },
      orderBy: { id: 'asc' },
    })
    return rows.map((row) => row.id)
  }

  async function probeNow(ctx: RequestContext, body: ProbeRequest): Promise<ProbeNowResult> {
    const nodeIds = await nodesFor(body)
    const scope = body.nodeIds ? { nodeIds } : body.clusterId ? { clusterId: body.clusterId } : { all: true }
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([ctx.actor.id, scope]))
      .digest('hex')
      .slice(0, 32)
    const key = `${redisPrefix}:fleet:probe-request:${fingerprint}`
    const requestId = `req-${randomUUID()}`
    // SET NX is atomic: of two identical requests racing, exactly one becomes the request.
    const claimed = await redis.set(key, requestId, 'PX', DUPLICATE_WINDOW_MS, 'NX')
    if (claimed !== 'OK') {
      const existing = (await redis.get(key)) ?? requestId
      return { requestId: existing, requested: nodeIds.length, queued: 0 }
    }
    try {
      await db.$transaction((tx) =>
        recordAudit(tx, ctx, {
          action: 'fleet.probe.requested',
          entityType: 'fleet_probe_request',
          entityId: requestId,
          after: { ...(body.nodeIds ? { nodeCount: nodeIds.length } : scope), requested: nodeIds.length },
        }),
      )
      for (let start = 0; start < nodeIds.length; start += ENQUEUE_CHUNK) {
        await jobs.enqueueBulk(
          'fleet.probe-node',
          nodeIds.slice(start, start + ENQUEUE_CHUNK).map((nodeId) => ({
            payload: { nodeId, requestId },
            options: { jobId: probeJobId(nodeId, requestId) },
          })),
        )
      }
    } catch (error) {
      // Nothing (or not everything) was queued: let the same request be made again at once.
      await redis.del(key)
      throw error
    }
    return { requestId, requested: nodeIds.length, queued: nodeIds.length }
  }

  async function summary(query: SummaryQuery): Promise<FleetSummary> {
    const inCluster = query.clusterId ? Prisma.sql`AND n.cluster_id = ${query.clusterId}::uuid` : Prisma.empty
    const counted = (rows: { value: string | null; count: bigint }[]) =>
      rows.map((row) => ({ value: row.value, count: Number(row.count) }))
    const distribution = (column: Prisma.Sql) => db.$queryRaw<{ value: string | null; count: bigint }[]>`
      SELECT ${column} AS value, count(*) AS count
      FROM nodes n LEFT JOIN fleet_node_states s ON s.node_id = n.id
      WHERE true ${inCluster}
      GROUP BY 1 ORDER BY 2 DESC, 1 ASC NULLS LAST`
    const [health, drivers, cuda, models, unhealthy, drift, latest] = await Promise.all([
      distribution(Prisma.sql`coalesce(s.health::text, 'never_probed')`),
      // Before its first probe a node counts with the catalog's versions.
      distribution(Prisma.sql`CASE WHEN s.node_id IS NULL THEN n.driver_version ELSE s.driver_version END`),
      distribution(Prisma.sql`CASE WHEN s.node_id IS NULL THEN n.cuda_version ELSE s.cuda_version END`),
      distribution(Prisma.sql`n.gpu_model::text`),
      db.$queryRaw<
        {
          id: string
          hostname: string
          cluster_id: string
          cluster_name: string
          health: 'fail' | 'inconclusive'
          health_reasons: string[]
          last_probed_at: Date
        }[]
      >`
        SELECT n.id, n.hostname, n.cluster_id, c.name AS cluster_name, s.health::text AS health, s.health_reasons,
               s.last_probed_at
        FROM fleet_node_states s JOIN nodes n ON n.id = s.node_id JOIN clusters c ON c.id = n.cluster_id
        WHERE s.health IN ('fail', 'inconclusive') ${inCluster}
        ORDER BY (s.health = 'fail') DESC, n.hostname ASC
        LIMIT ${UNHEALTHY_LIMIT}`,
      db.$queryRaw<{ count: bigint }[]>`
        SELECT count(*) AS count FROM fleet_drift d JOIN nodes n ON n.id = d.node_id
        WHERE d.status = 'open' ${inCluster}`,
      db.$queryRaw<{ at: Date | null }[]>`
        SELECT max(s.last_probed_at) AS at FROM fleet_node_states s JOIN nodes n ON n.id = s.node_id
        WHERE true ${inCluster}`,
    ])
    const byHealth = new Map(counted(health).map((row) => [row.value, row.count]))
    return {
      totals: {
        nodes: counted(health).reduce((sum, row) => sum + row.count, 0),
        pass: byHealth.get('pass') ?? 0,
        fail: byHealth.get('fail') ?? 0,
        inconclusive: byHealth.get('inconclusive') ?? 0,
        never_probed: byHealth.get('never_probed') ?? 0,
      },
      drivers: counted(drivers),
      cuda: counted(cuda),
      gpuModels: counted(models),
      unhealthy: unhealthy.map((row) => ({
        id: row.id,
        hostname: row.hostname,
        clusterId: row.cluster_id,
        clusterName: row.cluster_name,
        health: row.health,
        healthReasons: row.health_reasons.slice(0, 5),
        lastProbedAt: row.last_probed_at.toISOString(),
      })),
      openDrift: Number(drift[0]?.count ?? 0),
      lastProbeAt: latest[0]?.at?.toISOString() ?? null,
    }
  }

  return { probeNow, summary }
}

export type FleetService = ReturnType<typeof createFleetService>
