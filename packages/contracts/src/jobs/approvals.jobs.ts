import { z } from 'zod'
import { Id } from '../common'
import type { JobDefinition } from './definition'

export const APPROVALS_JOBS = {
  /** A stage reached its due time: escalate to the change managers or reject, per the stage. Delayed, id approval-due:<stageId>. */
  'approvals.stage-due': {
    queue: 'approvals',
    payload: z.object({ stageId: Id }),
    attempts: 5,
    backoffMs: 10_000,
    timeoutMs: 60_000,
  },
  /** Acts on due stages whose delayed job was lost (Redis flushed, enqueue failed after commit). */
  'approvals.sweep-due': {
    queue: 'approvals',
    payload: z.object({}),
    attempts: 3,
    backoffMs: 10_000,
    timeoutMs: 120_000,
    every: '*/5 * * * *',
  },
} as const satisfies Record<string, JobDefinition<z.ZodType>>
