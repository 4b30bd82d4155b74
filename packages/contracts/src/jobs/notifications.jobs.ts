import { z } from 'zod'
import { Id } from '../common'
import type { JobDefinition } from './definition'

export const NOTIFICATIONS_JOBS = {
  /**
   * One POST of one webhook delivery (attempt N, job id webhook:<deliveryId>:<N>). The handler
   * records the attempt and enqueues attempt N + 1 itself with exponential backoff (base backoffMs),
   * up to `attempts`; BullMQ's own retries only cover a handler that could not record its outcome.
   */
  'notifications.deliver': {
    queue: 'notifications',
    payload: z.object({ deliveryId: Id, attempt: z.number().int().min(1) }),
    attempts: 5,
    backoffMs: 30_000,
    timeoutMs: 30_000,
  },
  /**
   * Re-enqueues deliveries whose job was lost (enqueue failed after commit, Redis flushed) or whose
   * worker stopped in the middle of a POST (the claim's deadline passed); dead-letters one whose
   * last attempt was the one lost.
   */
  'notifications.sweep': {
    queue: 'notifications',
    payload: z.object({}),
    attempts: 3,
    backoffMs: 10_000,
    timeoutMs: 120_000,
    every: '*/5 * * * *',
  },
} as const satisfies Record<string, JobDefinition<z.ZodType>>

/** How long one POST may take before it counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 10_000
