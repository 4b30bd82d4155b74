// Registers the change schedule: freezes and windows, conflicts, the assistant, the calendar, and
// the change hook that keeps conflicting changes out of `scheduled` and `implement`.
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app'
import { createConfigItemService } from '../catalog/config-items.service'
import type { ChangeHooks } from '../changes/change-hooks'
import { createCalendarService } from './calendar.service'
import { createConflictsService } from './conflicts.service'
import { createRulesService } from './rules.service'
import { createScheduleHook } from './schedule.hooks'
import { registerScheduleRoutes } from './schedule.routes'

export async function registerScheduleModule(
  app: FastifyInstance,
  deps: Pick<AppDeps, 'db' | 'clock' | 'jobs'> & { changeHooks: ChangeHooks },
) {
  const configItems = createConfigItemService({ db: deps.db })
  deps.changeHooks.register(createScheduleHook({ jobs: deps.jobs }))
  await registerScheduleRoutes(app, {
    rules: createRulesService({ db: deps.db, configItems, jobs: deps.jobs }),
    conflicts: createConflictsService({ db: deps.db, configItems }),
    calendar: createCalendarService({ db: deps.db }),
    clock: deps.clock,
  })
}
