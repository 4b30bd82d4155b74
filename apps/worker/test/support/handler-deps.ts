// Dependencies for calling a job handler directly in a test, at a chosen time: handlers under test
// that must not enqueue or read queues get a producer that fails loudly if they do.
import pino from 'pino'
import type { Db } from '@cabinet/db'
import type { JobProducer } from '@cabinet/queue'
import type { HandlerDeps } from '../../src/handlers'

export function refusingProducer(who: string): JobProducer {
  const refuse = () => Promise.reject(new Error(`${who} enqueue nothing and read no queue`))
  return { enqueue: refuse, enqueueBulk: refuse, counts: refuse, close: () => Promise.resolve() }
}

export function handlerDepsAt(db: Db, at: Date, who: string): HandlerDeps {
  return { db, now: () => at, jobs: refusingProducer(who), logger: pino({ level: 'silent' }) }
}
