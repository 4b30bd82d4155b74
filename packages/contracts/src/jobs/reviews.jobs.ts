// Jobs of post-implementation reviews: the recurring sweep that records reminders for overdue
// reviews and action items (one per item per day; delivery by webhook arrives with notifications).
import { z } from 'zod'
import type { JobDefinition } from './definition'

export const REVIEWS_JOBS = {
  /** Records a reminder for each overdue open review and action item, at most once per item per day. */
  'reviews.remind-overdue': {
    queue: 'reviews',
    payload: z.object({}),
    attempts: 3,
    backoffMs: 30_000,
    timeoutMs: 120_000,
    every: '23 * * * *',
  },
} as const satisfies Record<string, JobDefinition<z.ZodType>>
