// What each job does. A handler receives a parsed payload and is idempotent: running it twice
// changes nothing twice, because BullMQ may deliver a job again after a crash.
import type { JobName, JobPayload } from '@cabinet/contracts'
import type { Db } from '@cabinet/db'

export interface HandlerDeps {
  db: Db
  now: () => Date
}

export type JobHandlers = { [N in JobName]: (payload: JobPayload<N>, deps: HandlerDeps) => Promise<unknown> }

export const jobHandlers: JobHandlers = {
  async 'sessions.purge-expired'(_payload, { db, now }) {
    const { count } = await db.session.deleteMany({ where: { expiresAt: { lte: now() } } })
    return { purged: count }
  },
}
