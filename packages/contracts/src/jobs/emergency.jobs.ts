import { z } from 'zod'
import { Id } from '../common'
import type { JobDefinition } from './definition'

// Break-fix emergency changes (issue 3 part 5): they run on the approvals queue, next to the due times.
export const EMERGENCY_JOBS = {
  /** A break-fix change's retroactive approval is due: escalate it if still undecided. Delayed, id retroactive-due:<changeId>. */
  'emergency.retroactive-due': {
    queue: 'approvals',
    payload: z.object({ changeId: Id }),
    attempts: 5,
    backoffMs: 10_000,
    timeoutMs: 60_000,
  },
  /** Escalates overdue break-fixes whose delayed job was lost (Redis flushed, enqueue failed after commit). */
  'emergency.sweep-retroactive': {
    queue: 'approvals',
    payload: z.object({}),
    attempts: 3,
    backoffMs: 10_000,
    timeoutMs: 120_000,
    every: '*/10 * * * *',
  },
} as const satisfies Record<string, JobDefinition<z.ZodType>>
