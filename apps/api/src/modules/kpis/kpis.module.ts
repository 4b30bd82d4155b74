// Registers change KPIs: the report's aggregates and its routes.
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app'
import { registerKpiRoutes } from './kpis.routes'
import { createKpiService } from './kpis.service'

export async function registerKpisModule(app: FastifyInstance, deps: Pick<AppDeps, 'db' | 'clock'>) {
  await registerKpiRoutes(app, { kpis: createKpiService({ db: deps.db }), clock: deps.clock })
}
