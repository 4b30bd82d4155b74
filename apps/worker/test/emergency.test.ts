import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../api/test/support/database'
import { emergencyHandlers } from '../src/jobs/emergency.jobs'
import { handlerDepsAt } from './support/handler-deps'

const NOW = new Date('2026-11-27T12:00:00.000Z')
const HOUR = 3_600_000
let database: TestDatabase
let requesterId: string
let counter = 0
const deps = (at: Date) => handlerDepsAt(database.db, at, 'retroactive handlers')
const due = (changeId: string, at = NOW) => emergencyHandlers['emergency.retroactive-due']({ changeId }, deps(at))

beforeAll(async () => {
  database = await createTestDatabase()
  const requester = await database.db.user.create({
    data: { email: 'oncall@emergency.test', name: 'On-call', passwordHash: 'x', roles: ['implementer'] },
  })
  requesterId = requester.id
})
afterAll(async () => {
  await database?.drop()
})

/** An emergency change implemented by break-fix an hour before its retroactive approval was due (by default). */
async function breakFix(dueAt = new Date(NOW.getTime() - HOUR), decided: { approvedAt?: Date } = {}) {
  counter += 1
  const change = await database.db.changeRequest.create({
    data: {
      number: `CHG81000${String(counter).padStart(2, '0')}`,
      type: 'emergency',
      category: 'infrastructure',
      title: 'break-fix test',
      description: 'd',
      justification: 'The training cluster is down.',
      plannedStart: new Date(NOW.getTime() - 3 * HOUR),
      plannedEnd: new Date(NOW.getTime() + HOUR),
      requesterId,
      implementationPlan: 'p',
      rollbackPlan: 'r',
      riskQuestionnaire: {},
      riskLevel: 'high',
      riskScore: 12,
      state: 'implement',
      breakFixAllowed: true,
      reviewRequired: true,
      approvalRound: 1,
      approvalsComplete: decided.approvedAt !== undefined,
    },
  })
  await database.db.emergencyBreakFix.create({
    data: { changeId: change.id, startedAt: new Date(dueAt.getTime() - 24 * HOUR), dueAt, ...decided },
  })
  return change
}

const notifications = (changeId: string) =>
  database.db.notification.findMany({ where: { changeId, kind: 'emergency.retroactive_overdue' } })
const audits = (changeId: string) =>
  database.db.auditEvent.findMany({ where: { changeId, action: 'emergency.retroactive_escalated' } })

describe('emergency.retroactive-due', () => {
  it('escalates an overdue retroactive approval once, however often the job runs', async () => {
    const change = await breakFix()
    expect(await due(change.id)).toEqual({ outcome: 'escalated' })
    expect(await due(change.id)).toEqual({ outcome: 'already_escalated' })
    const sent = await notifications(change.id)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ recipientRole: 'change_manager', dedupeKey: `retroactive-overdue:${change.id}` })
    expect(sent[0]?.title).toContain(change.number)
    expect(await audits(change.id)).toHaveLength(1)
    const row = await database.db.emergencyBreakFix.findUniqueOrThrow({ where: { changeId: change.id } })
    expect(row.escalatedAt).toEqual(NOW)
  })

  it('does nothing before the due time, and nothing once the ECAB approved', async () => {
    const early = await breakFix(new Date(NOW.getTime() + HOUR))
    expect(await due(early.id)).toEqual({ outcome: 'not_due' })
    const approved = await breakFix(new Date(NOW.getTime() - HOUR), { approvedAt: new Date(NOW.getTime() - 2 * HOUR) })
    expect(await due(approved.id)).toEqual({ outcome: 'decided' })
    expect(await notifications(early.id)).toEqual([])
    expect(await notifications(approved.id)).toEqual([])
  })

  it('answers missing for a change without a break-fix', async () => {
    expect(await due('00000000-0000-4000-8000-000000000000')).toEqual({ outcome: 'missing' })
  })
})

describe('emergency.sweep-retroactive', () => {
  it('escalates overdue break-fixes whose job was lost, and finds nothing left on a second run', async () => {
    const lost = await breakFix(new Date(NOW.getTime() - 2 * HOUR))
    const sweep = () => emergencyHandlers['emergency.sweep-retroactive']({}, deps(NOW))
    const first = await sweep()
    expect(first.outcomes.escalated).toBeGreaterThanOrEqual(1)
    expect(await notifications(lost.id)).toHaveLength(1)
    expect((await sweep()).checked).toBe(0)
  })
})
