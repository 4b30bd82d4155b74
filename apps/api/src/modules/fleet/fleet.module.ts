// Registers the GPU fleet API: probes, the summary, nodes as probed, probe history and drift review.
// Probes themselves run in the worker (apps/worker/src/fleet); this module reads what they stored.
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app'
import { registerFleetRoutes } from './fleet.routes'
import { createFleetService } from './fleet.service'
import { createFleetDriftService } from './fleet-drift.service'
import { createFleetNodesService } from './fleet-nodes.service'

export async function registerFleetModule(
  app: FastifyInstance,
  deps: Pick<AppDeps, 'db' | 'clock' | 'redis' | 'jobs' | 'config'>,
) {
  const { db, clock, redis, jobs, config } = deps
  await registerFleetRoutes(app, {
    fleet: createFleetService({ db, redis, jobs, redisPrefix: config.REDIS_PREFIX }),
    nodes: createFleetNodesService({ db }),
    drift: createFleetDriftService({ db }),
    clock,
  })
}
