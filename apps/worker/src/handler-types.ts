import type { JobName, JobPayload } from '@cabinet/contracts'
import type { Db } from '@cabinet/db'
import type { JobProducer } from '@cabinet/queue'
import type { Logger } from 'pino'

/** What a handler may use. Handlers enqueue follow-up jobs through `jobs`, never through BullMQ directly. */
export interface HandlerDeps {
  db: Db
  now: () => Date
  jobs: JobProducer
  logger: Logger
}

export type JobHandler<N extends JobName> = (payload: JobPayload<N>, deps: HandlerDeps) => Promise<unknown>

export type JobHandlers = { [N in JobName]: JobHandler<N> }

/** The handlers one domain file provides: exactly the jobs it names. */
export type DomainHandlers<N extends JobName> = { [K in N]: JobHandler<K> }
