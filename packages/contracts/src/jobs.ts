// The job catalog: every job's queue, payload schema, attempts, backoff and timeout in one place.
// Code enqueues only through this catalog (@cabinet/queue), and the worker parses payloads before
// acting on them. Each domain declares its jobs in ./jobs/<domain>.jobs.ts; add the spread here.
import type { z } from 'zod'
import { APPROVALS_JOBS } from './jobs/approvals.jobs'
import type { JobDefinition } from './jobs/definition'
import { EMERGENCY_JOBS } from './jobs/emergency.jobs'
import { FLEET_JOBS } from './jobs/fleet.jobs'
import { MAINTENANCE_JOBS } from './jobs/maintenance.jobs'
import { NOTIFICATIONS_JOBS } from './jobs/notifications.jobs'
import { REVIEWS_JOBS } from './jobs/reviews.jobs'
import { SCHEDULE_JOBS } from './jobs/schedule.jobs'

export { JOB_QUEUES, type JobDefinition, type JobQueue } from './jobs/definition'
export { WEBHOOK_TIMEOUT_MS } from './jobs/notifications.jobs'

export const JOBS = {
  ...APPROVALS_JOBS,
  ...EMERGENCY_JOBS,
  ...FLEET_JOBS,
  ...MAINTENANCE_JOBS,
  ...NOTIFICATIONS_JOBS,
  ...REVIEWS_JOBS,
  ...SCHEDULE_JOBS,
} as const satisfies Record<string, JobDefinition<z.ZodType>>

export type JobName = keyof typeof JOBS
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>
