// The fleet's recurring work: probe nodes nobody probed for a while, and keep raw probe output bounded.
import type { Db } from '@cabinet/db'
import { type JobProducer, jobId } from '@cabinet/queue'
import type { FleetConfig } from './config'

/** The job id of one node's probe for one request: the same request never probes a node twice. */
export const probeJobId = (nodeId: string, requestId: string) => jobId('fleet-probe', nodeId, requestId)

/** Enqueues a probe for each node (oldest probe first) not probed within FLEET_STALE_MINUTES. */
export async function enqueueStaleProbes(deps: { db: Db; now: () => Date; jobs: JobProducer }, config: FleetConfig) {
  const windowMs = config.FLEET_STALE_MINUTES * 60_000
  const now = deps.now().getTime()
  const nodes = await deps.db.node.findMany({
    where: { OR: [{ lastProbeAt: null }, { lastProbeAt: { lt: new Date(now - windowMs) } }] },
    select: { id: true },
    orderBy: [{ lastProbeAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
    take: config.FLEET_STALE_BATCH,
  })
  // One request id per stale window: a sweep that runs twice in the window enqueues nothing new.
  const requestId = `stale-${Math.floor(now / windowMs)}`
  await deps.jobs.enqueueBulk(
    'fleet.probe-node',
    nodes.map((node) => ({
      payload: { nodeId: node.id, requestId },
      options: { jobId: probeJobId(node.id, requestId) },
    })),
  )
  return { enqueued: nodes.length, requestId }
}

/** Drops raw output beyond each node's newest FLEET_RAW_KEEP probes; the summaries stay. */
export async function pruneRawOutput(db: Db, config: FleetConfig) {
  const pruned = await db.$executeRaw`
    WITH ranked AS (
      SELECT id, row_number() OVER (PARTITION BY node_id ORDER BY started_at DESC, id DESC) AS position
      FROM fleet_probes
    )
    UPDATE fleet_probes AS probe SET raw_gzip = NULL
    FROM ranked
    WHERE probe.id = ranked.id AND ranked.position > ${config.FLEET_RAW_KEEP} AND probe.raw_gzip IS NOT NULL`
  return { pruned }
}
