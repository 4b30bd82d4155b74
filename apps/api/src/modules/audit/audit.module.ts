// Registers the audit trail for auditors: search, verification, exports and change histories.
import type { FastifyInstance } from 'fastify'
import { createBulkReader } from '@cabinet/db'
import type { AppDeps } from '../../app'
import { registerAuditRoutes } from './audit.routes'
import { createAuditService, loadSigningKeys } from './audit.service'

export async function registerAuditModule(
  app: FastifyInstance,
  deps: Pick<AppDeps, 'db' | 'clock' | 'logger' | 'config'>,
) {
  const keys = loadSigningKeys(deps.config.AUDIT_SIGNING_KEY_FILE, deps.logger)
  // Exports read through connections of their own, so a long export never holds the API's pool.
  const reader = createBulkReader(deps.config.DATABASE_URL, 3)
  app.addHook('onClose', () => reader.close())
  const audit = createAuditService({ db: deps.db, reader, keys })
  await registerAuditRoutes(app, { audit, db: deps.db, clock: deps.clock })
}
