// The overdue-review sweep: one reminder per overdue item per day however often it runs, none for
// items that are done or not yet due.
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobProducer } from '@cabinet/queue'
import { createTestDatabase, type TestDatabase } from '../../api/test/support/database'
import { reviewsHandlers } from '../src/jobs/reviews.jobs'

const NOW = new Date('2026-11-27T12:00:00.000Z')
const HOUR = 3_600_000
let database: TestDatabase
const noJobs: JobProducer = {
  enqueue: () => Promise.reject(new Error('the sweep enqueues nothing')),
  enqueueBulk: () => Promise.reject(new Error('the sweep enqueues nothing')),
  counts: () => Promise.reject(new Error('the sweep reads no queue')),
  close: () => Promise.resolve(),
}

function sweep(at: Date) {
  return reviewsHandlers['reviews.remind-overdue'](
    {},
    {
      db: database.db,
      now: () => at,
      jobs: noJobs,
      logger: pino({ level: 'silent' }),
    },
  )
}

beforeAll(async () => {
  database = await createTestDatabase()
  const { db } = database
  const [requester, owner] = await Promise.all([
    db.user.create({ data: { email: 'req@sweep.test', name: 'Req', passwordHash: 'x', roles: ['requester'] } }),
    db.user.create({ data: { email: 'owner@sweep.test', name: 'Owner', passwordHash: 'x', roles: ['implementer'] } }),
  ])
  const change = (number: string) =>
    db.changeRequest.create({
      data: {
        number,
        type: 'emergency',
        category: 'infrastructure',
        title: `change ${number}`,
        description: 'd',
        justification: 'j',
        plannedStart: new Date(NOW.getTime() - 48 * HOUR),
        plannedEnd: new Date(NOW.getTime() - 47 * HOUR),
        requesterId: requester.id,
        implementationPlan: 'p',
        rollbackPlan: 'r',
        riskQuestionnaire: {},
        riskLevel: 'moderate',
        riskScore: 6,
        state: 'review',
        reviewRequired: true,
      },
    })
  const [late, fresh] = await Promise.all([change('CHG9000001'), change('CHG9000002')])
  const overdueReview = await db.changeReview.create({
    data: { changeId: late.id, reason: 'emergency', dueAt: new Date(NOW.getTime() - HOUR), incidentRefs: [] },
  })
  const notDue = await db.changeReview.create({
    data: { changeId: fresh.id, reason: 'emergency', dueAt: new Date(NOW.getTime() + 72 * HOUR), incidentRefs: [] },
  })
  await db.reviewActionItem.createMany({
    data: [
      {
        reviewId: overdueReview.id,
        title: 'overdue item',
        ownerId: owner.id,
        dueAt: new Date(NOW.getTime() - 2 * HOUR),
      },
      {
        reviewId: notDue.id,
        title: 'done item',
        ownerId: owner.id,
        dueAt: new Date(NOW.getTime() - 2 * HOUR),
        status: 'done',
        doneAt: NOW,
      },
      { reviewId: notDue.id, title: 'future item', ownerId: owner.id, dueAt: new Date(NOW.getTime() + 72 * HOUR) },
    ],
  })
})
afterAll(async () => {
  await database?.drop()
})

describe('reviews.remind-overdue', () => {
  it('records one reminder per overdue review and action item per day, however many times it runs', async () => {
    expect(await sweep(NOW)).toEqual({ overdue: 2, reminded: 2 })
    expect(await sweep(new Date(NOW.getTime() + HOUR))).toEqual({ overdue: 2, reminded: 0 })
    const reminders = await database.db.reviewReminder.findMany({ orderBy: { kind: 'asc' } })
    expect(reminders.map((row) => ({ kind: row.kind, day: row.day.toISOString().slice(0, 10) }))).toEqual([
      { kind: 'review_overdue', day: '2026-11-27' },
      { kind: 'action_item_overdue', day: '2026-11-27' },
    ])
    const owner = await database.db.user.findUniqueOrThrow({ where: { email: 'owner@sweep.test' } })
    const requester = await database.db.user.findUniqueOrThrow({ where: { email: 'req@sweep.test' } })
    // The action item's owner hears of it; an unassigned review goes to the change's requester.
    expect(reminders.map((row) => row.recipientId)).toEqual([requester.id, owner.id])
    expect(reminders[0]?.message).toContain('CHG9000001')

    // The next day the items are still overdue: one more reminder each.
    expect(await sweep(new Date(NOW.getTime() + 24 * HOUR))).toEqual({ overdue: 2, reminded: 2 })
    expect(await database.db.reviewReminder.count()).toBe(4)
  })
})
