// Registers CAB approvals: policies, the approval rounds a change goes through (as a change hook),
// decisions and the review queue. Needs the changes module's services to authorize or reject.
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app'
import { createConfigItemService } from '../catalog/config-items.service'
import type { ChangeHooks } from '../changes/change-hooks'
import type { ChangeTransitionService } from '../changes/change-transitions.service'
import type { ChangeService } from '../changes/changes.service'
import { createApprovalsHook } from './approvals.hook'
import { registerApprovalRoutes } from './approvals.routes'
import { createBreakFixHook } from './break-fix'
import { createApprovalsService } from './approvals.service'
import { createPoliciesService } from './policies.service'

export async function registerApprovalsModule(
  app: FastifyInstance,
  deps: Pick<AppDeps, 'db' | 'clock' | 'logger' | 'jobs'> & {
    changeHooks: ChangeHooks
    changes: ChangeService
    transitions: ChangeTransitionService
  },
) {
  const configItems = createConfigItemService({ db: deps.db })
  const approvals = createApprovalsService({
    db: deps.db,
    clock: deps.clock,
    jobs: deps.jobs,
    logger: deps.logger,
    configItems,
    changes: deps.changes,
    transitions: deps.transitions,
  })
  deps.changeHooks.register(createApprovalsHook({ db: deps.db, configItems, approvals }))
  deps.changeHooks.register(
    createBreakFixHook({ db: deps.db, jobs: deps.jobs, clock: deps.clock, logger: deps.logger }),
  )
  await registerApprovalRoutes(app, {
    db: deps.db,
    approvals,
    policies: createPoliciesService({ db: deps.db }),
    clock: deps.clock,
  })
}
