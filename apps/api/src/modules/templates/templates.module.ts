// Registers the standard change catalog. Making a change from a template goes through the changes
// module's create and transition use cases, so it is validated, risk-assessed and audited like any other.
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app'
import type { ChangeTransitionService } from '../changes/change-transitions.service'
import type { ChangeService } from '../changes/changes.service'
import { registerTemplateRoutes } from './templates.routes'
import { createTemplatesService } from './templates.service'

export async function registerTemplatesModule(
  app: FastifyInstance,
  deps: Pick<AppDeps, 'db' | 'clock'> & { changes: ChangeService; transitions: ChangeTransitionService },
) {
  const templates = createTemplatesService({ db: deps.db, changes: deps.changes, transitions: deps.transitions })
  await registerTemplateRoutes(app, { templates, clock: deps.clock, db: deps.db })
}
