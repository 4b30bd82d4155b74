// The job catalog: every job's queue, payload schema, attempts, backoff and timeout in one place.
// Code enqueues only through this catalog (@cabinet/queue), and the worker parses payloads before
// acting on them. Each domain declares its jobs in ./jobs/<domain>.jobs.ts; add the spread here.
import type { z } from 'zod'
import type { JobDefinition } from './jobs/definition'
import { MAINTENANCE_JOBS } from './jobs/maintenance.jobs'

export { JOB_QUEUES, type JobDefinition, type JobQueue } from './jobs/definition'

export const JOBS = {
  ...MAINTENANCE_JOBS,
} as const satisfies Record<string, JobDefinition<z.ZodType>>

export type JobName = keyof typeof JOBS
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>
