// Registers requests for change: their use cases, their lifecycle and their routes.
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app'
import { createConfigItemService } from '../catalog/config-items.service'
import type { ChangeHooks } from './change-hooks'
import { createChangeRiskEvaluator } from './change-risk'
import { createChangeTransitionService } from './change-transitions.service'
import { registerChangeRoutes } from './changes.routes'
import { createChangeService } from './changes.service'

export async function registerChangesModule(
  app: FastifyInstance,
  deps: Pick<AppDeps, 'db' | 'clock' | 'logger'> & { changeHooks: ChangeHooks },
) {
  const configItems = createConfigItemService({ db: deps.db })
  const changes = createChangeService({
    db: deps.db,
    configItems,
    evaluateRisk: createChangeRiskEvaluator({ configItems }),
    hooks: deps.changeHooks,
    logger: deps.logger,
  })
  const transitions = createChangeTransitionService({
    db: deps.db,
    changes,
    hooks: deps.changeHooks,
    logger: deps.logger,
  })
  await registerChangeRoutes(app, { changes, transitions, clock: deps.clock })
  // Approvals authorize and reject through the same transition path, inside their own transactions.
  return { changes, transitions }
}
