// Approval due times: escalation and rejection at the due time, idempotent when a job runs twice,
// nothing done to stages that are decided, paused or not yet due, and the sweep for lost jobs.
import { Queue, QueueEvents } from 'bullmq'
import { Redis } from 'ioredis'
import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApprovalExpiryAction } from '@cabinet/db'
import { createJobProducer, jobId } from '@cabinet/queue'
import { createTestDatabase, type TestDatabase } from '../../api/test/support/database'
import { testRedisUrl } from '../../api/test/support/test-env'
import { approvalsHandlers } from '../src/jobs/approvals.jobs'
import { startWorker } from '../src/worker'
import { handlerDepsAt } from './support/handler-deps'

const NOW = new Date('2026-11-27T12:00:00.000Z')
const HOUR = 3_600_000
let database: TestDatabase
let requesterId: string
let counter = 0
const deps = (at: Date) => handlerDepsAt(database.db, at, 'due-time handlers')
const due = (stageId: string, at = NOW) => approvalsHandlers['approvals.stage-due']({ stageId }, deps(at))

beforeAll(async () => {
  database = await createTestDatabase()
  const requester = await database.db.user.create({
    data: { email: 'req@due.test', name: 'Req', passwordHash: 'x', roles: ['requester'] },
  })
  requesterId = requester.id
})
afterAll(async () => {
  await database?.drop()
})

/** A normal change in authorize with a two-stage round: the first open and due an hour ago. */
async function awaiting(action: ApprovalExpiryAction, overrides: { dueAt?: Date; infoRequestedAt?: Date } = {}) {
  counter += 1
  const change = await database.db.changeRequest.create({
    data: {
      number: `CHG80000${String(counter).padStart(2, '0')}`,
      type: 'normal',
      category: 'software',
      title: 'due-time test',
      description: 'd',
      justification: 'j',
      plannedStart: new Date(NOW.getTime() + 48 * HOUR),
      plannedEnd: new Date(NOW.getTime() + 49 * HOUR),
      requesterId,
      implementationPlan: 'p',
      rollbackPlan: 'r',
      riskQuestionnaire: {},
      riskLevel: 'moderate',
      riskScore: 6,
      state: 'authorize',
      approvalRound: 1,
      version: 3,
    },
  })
  const common = {
    changeId: change.id,
    round: 1,
    policyName: 'test',
    groupKinds: ['technical' as const],
    quorum: 'any' as const,
    dueMinutes: 60,
    expiryAction: action,
    eligibleUserIds: [],
  }
  const first = await database.db.approvalStage.create({
    data: {
      ...common,
      position: 1,
      name: 'Technical review',
      status: 'open',
      required: 1,
      openedAt: new Date(NOW.getTime() - 2 * HOUR),
      dueAt: overrides.dueAt ?? new Date(NOW.getTime() - HOUR),
      infoRequestedAt: overrides.infoRequestedAt ?? null,
    },
  })
  await database.db.approvalStage.create({
    data: { ...common, position: 2, name: 'Business sign-off', status: 'pending' },
  })
  return { change, stageId: first.id }
}

const auditOf = (changeId: string) =>
  database.db.auditEvent
    .findMany({ where: { changeId }, orderBy: { seq: 'asc' } })
    .then((rows) => rows.map((r) => r.action))

describe('a stage at its due time', () => {
  it('escalates to the change managers once, however often the job runs', async () => {
    const { change, stageId } = await awaiting('escalate')
    expect(await due(stageId)).toEqual({ outcome: 'escalated' })
    expect(await due(stageId)).toEqual({ outcome: 'already_escalated' })
    const notes = await database.db.notification.findMany({ where: { changeId: change.id } })
    expect(notes).toEqual([expect.objectContaining({ kind: 'approval.escalated', recipientRole: 'change_manager' })])
    expect(await auditOf(change.id)).toEqual(['approval.escalated'])
    const stage = await database.db.approvalStage.findUniqueOrThrow({ where: { id: stageId } })
    expect(stage).toMatchObject({ status: 'open', escalatedAt: NOW })
    // Escalation leaves the decision to people: the change still awaits authorization.
    expect(await database.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })).toMatchObject({
      state: 'authorize',
      version: 3,
    })
  })

  it('rejects when the policy says so: back to new, the rest withdrawn, and a second run changes nothing', async () => {
    const { change, stageId } = await awaiting('reject')
    expect(await due(stageId)).toEqual({ outcome: 'rejected' })
    const snapshot = async () => ({
      change: await database.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } }),
      stages: await database.db.approvalStage.findMany({
        where: { changeId: change.id },
        orderBy: { position: 'asc' },
      }),
      notes: await database.db.notification.count({ where: { changeId: change.id } }),
      audit: await auditOf(change.id),
    })
    const after = await snapshot()
    expect(after.change).toMatchObject({ state: 'new', version: 4, approvalsComplete: false })
    expect(after.stages.map((s) => s.status)).toEqual(['rejected', 'withdrawn'])
    expect(after.notes).toBe(1)
    expect(after.audit).toEqual(['change.reject'])

    expect(await due(stageId, new Date(NOW.getTime() + HOUR))).toEqual({ outcome: 'not_open' })
    expect(await snapshot()).toEqual(after)
  })

  it('does nothing before the due time, while information is requested, or once the stage is decided', async () => {
    const early = await awaiting('reject', { dueAt: new Date(NOW.getTime() + HOUR) })
    expect(await due(early.stageId)).toEqual({ outcome: 'not_due' })
    const paused = await awaiting('reject', { infoRequestedAt: new Date(NOW.getTime() - HOUR) })
    expect(await due(paused.stageId)).toEqual({ outcome: 'paused' })
    const decided = await awaiting('reject')
    await database.db.approvalStage.update({
      where: { id: decided.stageId },
      data: { status: 'approved', completedAt: NOW },
    })
    expect(await due(decided.stageId)).toEqual({ outcome: 'not_open' })
    for (const { change } of [early, paused, decided]) {
      expect(await database.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })).toMatchObject({
        state: 'authorize',
        version: 3,
      })
    }
    expect(await due('00000000-0000-4000-8000-000000000000')).toEqual({ outcome: 'missing' })
  })
})

describe('the sweep', () => {
  it('acts on due stages whose job was lost, and a second sweep finds nothing left', async () => {
    // Earlier tests left stages behind: act on them first so this test counts only its own.
    await approvalsHandlers['approvals.sweep-due']({}, deps(NOW))
    const escalate = await awaiting('escalate')
    const reject = await awaiting('reject')
    const notDue = await awaiting('escalate', { dueAt: new Date(NOW.getTime() + HOUR) })
    expect(await approvalsHandlers['approvals.sweep-due']({}, deps(NOW))).toEqual({
      checked: 2,
      outcomes: { escalated: 1, rejected: 1 },
    })
    expect(await approvalsHandlers['approvals.sweep-due']({}, deps(NOW))).toEqual({ checked: 0, outcomes: {} })
    expect((await database.db.changeRequest.findUniqueOrThrow({ where: { id: reject.change.id } })).state).toBe('new')
    expect(
      (await database.db.approvalStage.findUniqueOrThrow({ where: { id: escalate.stageId } })).escalatedAt,
    ).toEqual(NOW)
    expect(
      (await database.db.approvalStage.findUniqueOrThrow({ where: { id: notDue.stageId } })).escalatedAt,
    ).toBeNull()
  })
})

describe('through BullMQ', () => {
  it('a due job enqueued twice under its deterministic id runs once, in the real worker, and escalates', async () => {
    const prefix = `test:${randomBytes(4).toString('hex')}`
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null })
    const redisUrl = new URL(testRedisUrl())
    const events = new QueueEvents('approvals', {
      connection: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379), maxRetriesPerRequest: null },
      prefix,
    })
    const queue = new Queue('approvals', { connection, prefix })
    const producer = createJobProducer({ connection, prefix })
    const { change, stageId } = await awaiting('escalate')
    const worker = await startWorker({
      db: database.db,
      connection,
      prefix,
      concurrency: 2,
      heartbeatIntervalMs: 60_000,
      logger: pino({ level: 'silent' }),
      now: () => NOW,
    })
    try {
      await events.waitUntilReady()
      const id = jobId('approval-due', stageId)
      await producer.enqueue('approvals.stage-due', { stageId }, { jobId: id })
      await producer.enqueue('approvals.stage-due', { stageId }, { jobId: id })
      const job = await queue.getJob(id)
      expect(await job?.waitUntilFinished(events)).toEqual({ outcome: 'escalated' })
      expect(await database.db.notification.count({ where: { changeId: change.id } })).toBe(1)
      expect((await queue.getJobCounts('completed')).completed).toBe(1)
    } finally {
      await worker.stop(1_000)
      await producer.close()
      await queue.close()
      await events.close()
      const keys = await connection.keys(`${prefix}:*`)
      if (keys.length > 0) await connection.del(...keys)
      await connection.quit()
    }
  })
})
