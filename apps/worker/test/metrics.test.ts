// The worker's /metrics endpoint: job durations and outcomes by job name after real jobs ran through
// the real worker, queue depths, and the counters other handlers increment.
import type { Queue, QueueEvents } from 'bullmq'
import type { Redis } from 'ioredis'
import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../api/test/support/database'
import { probeFailuresTotal, rolloutNodeStates, startMetricsServer } from '../src/metrics'
import { startWorker } from '../src/worker'
import { openQueueHarness, type QueueHarness } from './support/queue-harness'

const prefix = `test:${randomBytes(4).toString('hex')}`
let database: TestDatabase
let connection: Redis
let queue: Queue
let queueEvents: QueueEvents
let harness: QueueHarness

beforeAll(async () => {
  database = await createTestDatabase()
  harness = await openQueueHarness('reviews', prefix, 'metrics-test')
  connection = harness.connection
  queue = harness.queue
  queueEvents = harness.queueEvents
})
afterAll(async () => {
  await harness?.close()
  await database?.drop()
})

describe('the worker metrics endpoint', () => {
  it('serves job durations and outcomes by job name, queue depths and the fleet counters', async () => {
    const logger = pino({ level: 'silent' })
    const worker = await startWorker({
      db: database.db,
      connection,
      prefix,
      concurrency: 1,
      heartbeatIntervalMs: 60_000,
      logger,
    })
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1', logger })
    try {
      const ok = await queue.add('reviews.remind-overdue', {})
      await ok.waitUntilFinished(queueEvents)
      const bad = await queue.add('reviews.remind-overdue', ['not', 'an', 'object'], { attempts: 1 })
      await expect(bad.waitUntilFinished(queueEvents)).rejects.toThrow()
      probeFailuresTotal.inc({ reason: 'timeout' })
      rolloutNodeStates.set({ state: 'draining' }, 3)

      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toContain('text/plain')
      const text = await response.text()
      expect(text).toMatch(
        /cabinet_job_duration_seconds_count\{job="reviews.remind-overdue",outcome="completed"\} [1-9]/,
      )
      expect(text).toMatch(
        /cabinet_job_duration_seconds_bucket\{le="0.1",job="reviews.remind-overdue",outcome="completed"\}/,
      )
      expect(text).toMatch(/cabinet_jobs_total\{job="reviews.remind-overdue",outcome="failed"\} [1-9]/)
      expect(text).toMatch(/cabinet_queue_jobs\{queue="reviews",state="waiting"\} \d+/)
      expect(text).toMatch(/cabinet_queue_jobs\{queue="maintenance",state="delayed"\} \d+/)
      expect(text).toContain('cabinet_probe_failures_total{reason="timeout"} 1')
      expect(text).toContain('cabinet_rollout_node_states{state="draining"} 3')
      expect(text).toContain('cabinet_worker_process_resident_memory_bytes')

      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404)
    } finally {
      await server.close()
      await worker.stop(1_000)
    }
  })
})
