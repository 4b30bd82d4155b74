import type { DomainHandlers } from '../handler-types'

export const maintenanceHandlers = {
  async 'sessions.purge-expired'(_payload, { db, now }) {
    const { count } = await db.session.deleteMany({ where: { expiresAt: { lte: now() } } })
    return { purged: count }
  },
} satisfies DomainHandlers<'sessions.purge-expired'>
