import { z } from 'zod'
import type { JobDefinition } from './definition'

export const MAINTENANCE_JOBS = {
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
