import { z } from 'zod'
import type { JobDefinition } from './definition'

const changeRef = z.object({ changeId: z.uuid() })

export const SCHEDULE_JOBS = {
  /** Recomputes one change's conflicts and replaces the stored ones; sets or lifts a freeze hold. */
  'schedule.evaluate-change': {
    queue: 'schedule',
    payload: changeRef,
    attempts: 5,
    backoffMs: 5_000,
    timeoutMs: 60_000,
  },
  /** A change was written or moved: evaluate it, then every change it conflicts with or did before. */
  'schedule.change-moved': {
    queue: 'schedule',
    payload: changeRef,
    attempts: 5,
    backoffMs: 5_000,
    timeoutMs: 60_000,
  },
  /** A freeze or window was created or edited: evaluate the changes it covers or did before. */
  'schedule.rule-changed': {
    queue: 'schedule',
    payload: z.object({ ruleId: z.uuid() }),
    attempts: 5,
    backoffMs: 5_000,
    timeoutMs: 300_000,
  },
  /** Extends every rule's occurrences over the rolling horizon, so "a year ahead" stays a year ahead. */
  'schedule.refresh-horizon': {
    queue: 'schedule',
    payload: z.object({}),
    attempts: 3,
    backoffMs: 60_000,
    timeoutMs: 600_000,
    every: '23 3 * * *',
  },
} as const satisfies Record<string, JobDefinition<z.ZodType>>
