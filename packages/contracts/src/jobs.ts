// The job catalog: every job's queue, payload schema, attempts, backoff and timeout in one place.
// Code enqueues only through this catalog, and the worker parses payloads before acting on them.
import { z } from 'zod'

export const JOB_QUEUES = ['maintenance'] as const
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

export const JOBS = {
  /** Removes sessions past their expiry; sessions are also refused at read time, this keeps the table small. */
  'sessions.purge-expired': {
    queue: 'maintenance',
    payload: z.object({}),
    attempts: 3,
    backoffMs: 10_000,
    timeoutMs: 60_000,
    every: '17 * * * *',
  },
} as const satisfies Record<string, JobDefinition<z.ZodType>>

export type JobName = keyof typeof JOBS
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>
