// The real worker on the schedule queue: a freeze written over a scheduled change; the rule-changed
// job fans out to the change, whose evaluation stores the grouped conflict and puts it on hold.
import type { Queue, QueueEvents } from 'bullmq'
import type { Redis } from 'ioredis'
import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { writeOccurrences } from '../../api/src/modules/schedule/occurrences'
import { createTestDatabase, type TestDatabase } from '../../api/test/support/database'
import { createCatalog } from '../../api/test/support/fixtures'
import { startWorker } from '../src/worker'
import { openQueueHarness, type QueueHarness } from './support/queue-harness'

const NOW = new Date('2026-11-27T12:00:00.000Z')
let database: TestDatabase
let connection: Redis
let queue: Queue
let queueEvents: QueueEvents
let harness: QueueHarness
const prefix = `test:${randomBytes(4).toString('hex')}`

beforeAll(async () => {
  database = await createTestDatabase()
  harness = await openQueueHarness('schedule', prefix, 'schedule-test')
  connection = harness.connection
  queue = harness.queue
  queueEvents = harness.queueEvents
})

afterAll(async () => {
  await harness?.close()
  await database?.drop()
})

it('re-evaluates the changes a new freeze covers and puts the scheduled one on hold', async () => {
  const db = database.db
  const catalog = await createCatalog(db, 5)
  const user = await db.user.create({
    data: { email: `sched-${prefix}@test.example`, name: 'Sched', passwordHash: 'unused', roles: ['requester'] },
  })
  const start = new Date(NOW.getTime() + 10 * 86_400_000)
  const change = await db.changeRequest.create({
    data: {
      number: `CHG9${randomBytes(3).readUIntBE(0, 3).toString().padStart(8, '0')}`,
      type: 'normal',
      category: 'software',
      title: 'Scheduled before the freeze existed',
      description: 'd',
      justification: 'j',
      plannedStart: start,
      plannedEnd: new Date(start.getTime() + 3_600_000),
      requesterId: user.id,
      implementationPlan: 'p',
      rollbackPlan: 'r',
      riskQuestionnaire: {},
      riskLevel: 'low',
      riskScore: 2,
      state: 'scheduled',
      items: { create: catalog.nodeIds.map((itemId) => ({ kind: 'node' as const, itemId })) },
    },
  })
  const freeze = await db.scheduleRule.create({
    data: {
      kind: 'freeze',
      name: 'Worker freeze',
      start: new Date(start.getTime() - 86_400_000).toISOString().slice(0, 16),
      timeZone: 'UTC',
      durationMinutes: 3 * 24 * 60,
      scope: 'clusters',
      items: { create: [{ kind: 'cluster', itemId: catalog.clusterId }] },
    },
  })
  await writeOccurrences(db, freeze, NOW)

  const worker = await startWorker({
    db,
    connection,
    prefix,
    concurrency: 2,
    heartbeatIntervalMs: 60_000,
    logger: pino({ level: 'silent' }),
    now: () => NOW,
  })
  try {
    const ruleJob = await queue.add('schedule.rule-changed', { ruleId: freeze.id })
    expect(await ruleJob.waitUntilFinished(queueEvents)).toEqual({ ruleId: freeze.id, changes: 1 })
    // The fan-out job for the change has a deterministic id: wait for that one.
    const [evaluation] = (await queue.getJobs(['waiting', 'active', 'completed', 'delayed'])).filter(
      (job) => job.name === 'schedule.evaluate-change',
    )
    expect(evaluation?.data).toEqual({ changeId: change.id })
    expect(await evaluation?.waitUntilFinished(queueEvents)).toEqual({ changeId: change.id, conflicts: 1 })
  } finally {
    await worker.stop(1_000)
  }
  const conflicts = await db.scheduleConflict.findMany({ where: { changeId: change.id } })
  expect(conflicts.map((c) => [c.kind, c.blocking, c.itemCount, c.ruleId])).toEqual([['freeze', true, 5, freeze.id]])
  const schedule = await db.changeSchedule.findUniqueOrThrow({ where: { changeId: change.id } })
  expect(schedule).toMatchObject({ onHold: true, holdReason: "inside freeze 'Worker freeze' (5 items)" })
  expect(await db.auditEvent.count({ where: { changeId: change.id, action: 'change.put_on_hold' } })).toBe(1)
})
