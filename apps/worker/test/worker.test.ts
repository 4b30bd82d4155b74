// The real worker against a private database and a Redis prefix of its own: the recurring jobs it
// declares, the purge it runs, its heartbeat, how it fails bad jobs, and how it stops.
import type { Queue, QueueEvents } from 'bullmq'
import type { Redis } from 'ioredis'
import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JOBS } from '@cabinet/contracts'
import { createTestDatabase, type TestDatabase } from '../../api/test/support/database'
import { jobHandlers } from '../src/handlers'
import { startWorker, type WorkerDeps } from '../src/worker'
import { openQueueHarness, type QueueHarness } from './support/queue-harness'

const NOW = new Date('2026-11-27T12:00:00.000Z')
const HEARTBEAT_INTERVAL_MS = 60_000
const PURGE = 'sessions.purge-expired'

let database: TestDatabase
let connection: Redis
let queue: Queue
let queueEvents: QueueEvents
let harness: QueueHarness
const prefix = `test:${randomBytes(4).toString('hex')}`

function start(overrides: Partial<WorkerDeps> = {}) {
  return startWorker({
    db: database.db,
    connection,
    prefix,
    concurrency: 2,
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    logger: pino({ level: 'silent' }),
    now: () => NOW,
    ...overrides,
  })
}

/** A promise and the function that settles it, for jobs the test holds open. */
function signal() {
  let fire!: () => void
  const fired = new Promise<void>((resolve) => {
    fire = resolve
  })
  return { fire, fired }
}

beforeAll(async () => {
  database = await createTestDatabase()
  harness = await openQueueHarness(JOBS[PURGE].queue, prefix, 'worker-test')
  connection = harness.connection
  queue = harness.queue
  queueEvents = harness.queueEvents
})

afterAll(async () => {
  await harness?.close()
  await database?.drop()
})

describe('the worker', () => {
  it("registers the recurring session purge exactly once, with the catalog's retries, however many workers start", async () => {
    const [first, second] = await Promise.all([start(), start()])
    await second.stop(1_000)
    const restarted = await start()
    try {
      const schedulers = await queue.getJobSchedulers()
      expect(schedulers).toHaveLength(1)
      expect(schedulers[0]).toMatchObject({ key: PURGE, name: PURGE, pattern: JOBS[PURGE].every })
      // One next run is waiting, not one per start.
      expect(await queue.getDelayedCount()).toBe(1)
      // ... with the catalog's retry policy, not BullMQ's default of a single attempt.
      const [next] = await queue.getDelayed()
      expect(next?.opts).toMatchObject({
        attempts: JOBS[PURGE].attempts,
        backoff: { type: 'exponential', delay: JOBS[PURGE].backoffMs },
      })
    } finally {
      await restarted.stop(1_000)
      await first.stop(1_000)
    }
  })

  it('purges expired sessions, keeps live ones, and changes nothing when run again', async () => {
    const user = await database.db.user.create({
      data: { email: `purge-${prefix}@test.example`, name: 'Purge', passwordHash: 'unused', roles: ['requester'] },
    })
    const session = (label: string, expiresAt: Date) => ({
      tokenHash: `${label}-${randomBytes(8).toString('hex')}`,
      csrfToken: 'unused',
      userId: user.id,
      expiresAt,
    })
    await database.db.session.createMany({
      data: [
        session('expired-yesterday', new Date(NOW.getTime() - 24 * 3600_000)),
        session('expired-now', NOW),
        session('live', new Date(NOW.getTime() + 3600_000)),
      ],
    })
    const worker = await start()
    try {
      const first = await queue.add(PURGE, {})
      expect(await first.waitUntilFinished(queueEvents)).toEqual({ purged: 2 })
      const left = await database.db.session.findMany({ where: { userId: user.id } })
      expect(left.map((s) => s.tokenHash)).toEqual([expect.stringMatching(/^live-/)])

      const again = await queue.add(PURGE, {})
      expect(await again.waitUntilFinished(queueEvents)).toEqual({ purged: 0 })
      expect(await database.db.session.count({ where: { userId: user.id } })).toBe(1)
    } finally {
      await worker.stop(1_000)
    }
  })

  it('keeps a heartbeat key while it runs and removes it when it stops', async () => {
    const worker = await start()
    let stopped = false
    try {
      expect(worker.heartbeatKey).toBe(`${prefix}:workers:${worker.id}`)
      expect(await connection.exists(worker.heartbeatKey)).toBe(1)
      const ttl = await connection.pttl(worker.heartbeatKey)
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(3 * HEARTBEAT_INTERVAL_MS)
      expect(Number.isNaN(Date.parse((await connection.get(worker.heartbeatKey)) ?? ''))).toBe(false)
      await worker.stop(1_000)
      stopped = true
      expect(await connection.exists(worker.heartbeatKey)).toBe(0)
    } finally {
      if (!stopped) await worker.stop(1_000)
    }
  })

  it('fails a job with an unknown name or an invalid payload, and keeps working', async () => {
    const worker = await start()
    try {
      const unknown = await queue.add('reports.no-such-job', {})
      await expect(unknown.waitUntilFinished(queueEvents)).rejects.toThrow('unknown job reports.no-such-job')
      expect(await unknown.getState()).toBe('failed')

      const invalid = await queue.add(PURGE, ['not', 'an', 'object'])
      await expect(invalid.waitUntilFinished(queueEvents)).rejects.toThrow(/expected object/)
      expect(await invalid.getState()).toBe('failed')

      const valid = await queue.add(PURGE, {})
      expect(await valid.waitUntilFinished(queueEvents)).toEqual({ purged: 0 })
    } finally {
      await worker.stop(1_000)
    }
  })

  it('lets a running job finish before stop() returns', async () => {
    const started = signal()
    const release = signal()
    const events: string[] = []
    // stop() says, in its log, when it is waiting on running jobs: the job is released only then.
    const waiting = signal()
    let waitingFor: unknown
    const logger = pino(
      { level: 'info' },
      {
        write(line: string) {
          const entry = JSON.parse(line) as { msg: string; running?: number }
          if (entry.msg !== 'stopping: waiting for running jobs to finish') return
          waitingFor = entry.running
          waiting.fire()
        },
      },
    )
    const worker = await start({
      logger,
      handlers: {
        ...jobHandlers,
        async [PURGE]() {
          events.push('job started')
          started.fire()
          await release.fired
          events.push('job finished')
          return { purged: 0 }
        },
      },
    })
    const job = await queue.add(PURGE, {})
    await started.fired
    const stopping = worker.stop(30_000).then(() => events.push('worker stopped'))
    await waiting.fired
    expect(waitingFor).toBe(1)
    expect(await job.getState()).toBe('active')
    expect(await connection.exists(worker.heartbeatKey)).toBe(1)
    release.fire()
    await stopping
    expect(events).toEqual(['job started', 'job finished', 'worker stopped'])
    expect(await job.getState()).toBe('completed')
    expect(await connection.exists(worker.heartbeatKey)).toBe(0)
  })
})
