// Registers the configuration item catalog: services, clusters, nodes (and their bulk import),
// dependencies, and the item search and resolve that change forms use.
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app'
import { registerClusterRoutes } from './clusters.routes'
import { createClustersService } from './clusters.service'
import { registerConfigItemRoutes } from './config-items.routes'
import { createConfigItemService } from './config-items.service'
import { createDependenciesService } from './dependencies.service'
import { createNodeImportService } from './node-import.service'
import { registerNodeRoutes } from './nodes.routes'
import { createNodesService } from './nodes.service'
import { registerServiceRoutes } from './services.routes'
import { createServicesService } from './services.service'

export async function registerCatalogModule(app: FastifyInstance, deps: Pick<AppDeps, 'db' | 'clock'>) {
  const { db, clock } = deps
  await registerServiceRoutes(app, { services: createServicesService({ db }), clock })
  await registerClusterRoutes(app, { clusters: createClustersService({ db }), clock })
  await registerNodeRoutes(app, {
    nodes: createNodesService({ db }),
    nodeImport: createNodeImportService({ db }),
    clock,
  })
  await registerConfigItemRoutes(app, {
    configItems: createConfigItemService({ db }),
    dependencies: createDependenciesService({ db }),
    clock,
  })
}
