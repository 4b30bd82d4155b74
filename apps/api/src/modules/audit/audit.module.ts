// Registers the audit trail for auditors: search, verification, exports and change histories.
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app'
import { registerAuditRoutes } from './audit.routes'
import { createAuditService, loadSigningKeys } from './audit.service'

export async function registerAuditModule(
  app: FastifyInstance,
  deps: Pick<AppDeps, 'db' | 'clock' | 'logger' | 'config'>,
) {
  const keys = loadSigningKeys(deps.config.AUDIT_SIGNING_KEY_FILE, deps.logger)
  const audit = createAuditService({ db: deps.db, keys })
  await registerAuditRoutes(app, { audit, db: deps.db, clock: deps.clock })
}
