// The fleet's jobs: probing one node, the sweep that probes nodes not seen for a while, and the
// prune that keeps raw probe output bounded. They run on the 'fleet' queue with its own concurrency,
// so a thousand probes never hold up another domain's jobs.
import { z } from 'zod'
import type { JobDefinition } from './definition'

export const FLEET_JOBS = {
  /** Probes one node, stores the run and its latest state and detects drift; the job id makes a rerun a no-op. */
  'fleet.probe-node': {
    queue: 'fleet',
    payload: z.object({ nodeId: z.uuid(), requestId: z.string().min(1).max(100) }),
    // A probe that fails is recorded as a failed run, not retried: the next sweep probes again.
    attempts: 2,
    backoffMs: 5_000,
    timeoutMs: 180_000,
  },
  /** Enqueues a probe for every node not probed within FLEET_STALE_MINUTES. */
  'fleet.probe-stale': {
    queue: 'fleet',
    payload: z.object({}),
    attempts: 3,
    backoffMs: 10_000,
    timeoutMs: 120_000,
    every: '*/5 * * * *',
  },
  /** Drops the raw output of all but each node's newest FLEET_RAW_KEEP probes (their summaries stay). */
  'fleet.prune-raw': {
    queue: 'fleet',
    payload: z.object({}),
    attempts: 3,
    backoffMs: 10_000,
    timeoutMs: 300_000,
    every: '41 * * * *',
  },
} as const satisfies Record<string, JobDefinition<z.ZodType>>
