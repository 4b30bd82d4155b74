// Registers CAB meetings. Decisions recorded in a meeting go through the approvals module's own
// decision use case (a service over the same change services), never around it.
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app'
import { createApprovalsService } from '../approvals/approvals.service'
import { createConfigItemService } from '../catalog/config-items.service'
import type { ChangeTransitionService } from '../changes/change-transitions.service'
import type { ChangeService } from '../changes/changes.service'
import { registerMeetingRoutes } from './meetings.routes'
import { createMeetingsService } from './meetings.service'

export async function registerMeetingsModule(
  app: FastifyInstance,
  deps: Pick<AppDeps, 'db' | 'clock' | 'logger' | 'jobs'> & {
    changes: ChangeService
    transitions: ChangeTransitionService
  },
) {
  const approvals = createApprovalsService({
    db: deps.db,
    clock: deps.clock,
    jobs: deps.jobs,
    logger: deps.logger,
    configItems: createConfigItemService({ db: deps.db }),
    changes: deps.changes,
    transitions: deps.transitions,
  })
  await registerMeetingRoutes(app, { meetings: createMeetingsService({ db: deps.db, approvals }), clock: deps.clock })
}
