// What every entry of the job catalog declares. Each domain keeps its jobs in a file of its own in
// this folder (`<domain>.jobs.ts`); ../jobs.ts joins them into the one catalog.
import type { z } from 'zod'

/** Every BullMQ queue. A domain whose jobs must not wait behind another's gets a queue of its own. */
export const JOB_QUEUES = ['maintenance', 'approvals', 'reviews', 'fleet', 'schedule', 'notifications'] as const
export type JobQueue = (typeof JOB_QUEUES)[number]

export interface JobDefinition<T extends z.ZodType> {
  queue: JobQueue
  payload: T
  attempts: number
  backoffMs: number
  timeoutMs: number
  /** A cron pattern for jobs the worker schedules itself. */
  every?: string
}
