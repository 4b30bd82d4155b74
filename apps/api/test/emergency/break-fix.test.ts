// Emergency changes over HTTP: on-call raises one with a justification (400 naming it when missing),
// it goes to the ECAB stage with the policy's break-fix permission copied onto it; where the policy
// allows break-fix it is implemented before approval, its retroactive approval is due within the
// policy's window (a delayed job with a deterministic id), and the ECAB approves it afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChangeApprovalsView, ChangeDetail } from '@cabinet/contracts'
import { jobId } from '@cabinet/queue'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import {
  approvalsOf,
  cabMembers,
  createGroup,
  decide,
  scenario,
  stage,
  transition,
} from '../approvals/approvals-fixtures'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { expectError, issuePaths, validChangeBody } from '../support/fixtures'
import { testRedisUrl } from '../support/test-env'

let t: TestApp
let admin: SignedIn
let onCall: SignedIn
let ecab: SignedIn[]

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.userWith(['admin'], 'Ada Admin')
  onCall = await t.userWith(['implementer'], 'Olga On-call')
  ecab = await cabMembers(t, 1, 'ECAB')
  await createGroup(t, 'ecab', ecab)
})
afterAll(async () => {
  await t?.close()
})

async function raise(catalog: Parameters<typeof validChangeBody>[0], body: Record<string, unknown> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/changes',
    headers: onCall.headers,
    payload: { ...validChangeBody(catalog), type: 'emergency', title: 'Restore the training fabric', ...body },
  })
}

describe('an emergency change', () => {
  it('is raised by on-call, change managers and admins only: a requester gets 403 and nothing is stored', async () => {
    const { catalog } = await scenario(t, admin, [stage('ecab')])
    const requester = await t.userWith(['requester', 'cab_member'], 'Rhea Requester')
    const before = await t.db.changeRequest.count()
    const refused = expectError(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/changes',
        headers: requester.headers,
        payload: { ...validChangeBody(catalog), type: 'emergency', title: 'Not mine to raise' },
      }),
      403,
      'FORBIDDEN',
    )
    expect(refused.error.message).toContain('emergency')
    expect(await t.db.changeRequest.count()).toBe(before)
    // The same person raises a normal change as before.
    const normal = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: requester.headers,
      payload: { ...validChangeBody(catalog), title: 'A normal one' },
    })
    expect(normal.statusCode, normal.body).toBe(201)
    const manager = await t.userWith(['change_manager'], 'Mo Manager')
    const byManager = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: manager.headers,
      payload: { ...validChangeBody(catalog), type: 'emergency', title: 'Raised by the manager' },
    })
    expect(byManager.statusCode, byManager.body).toBe(201)
    expect((await raise(catalog)).statusCode).toBe(201)
  })

  it('needs a justification: 400 naming the field', async () => {
    const { catalog } = await scenario(t, admin, [stage('ecab')])
    const response = await raise(catalog, { justification: '' })
    expect(issuePaths(expectError(response, 400, 'VALIDATION_FAILED'))).toContain('justification')
  })

  it('without break-fix in its policy, cannot be implemented before the ECAB approves', async () => {
    const { catalog } = await scenario(t, admin, [stage('ecab')], { breakFixAllowed: false })
    const raised = await raise(catalog)
    expect(raised.statusCode, raised.body).toBe(201)
    const change = await transition(t, onCall, ChangeDetail.parse(raised.json()), { event: 'submit' })
    expect(change.state).toBe('authorize')
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/v1/changes/${change.id}/transitions`,
      headers: onCall.headers,
      payload: { event: 'start_implementation', version: change.version },
    })
    expectError(refused, 409, 'TRANSITION_REFUSED')
    expect(refused.json().error.details.reason).toBe('BREAK_FIX_NOT_ALLOWED')
  })

  it('with break-fix, is implemented first, then approved retroactively within the policy window', async () => {
    const { catalog, policy } = await scenario(t, admin, [{ ...stage('ecab'), dueMinutes: 120 }], {
      breakFixAllowed: true,
    })
    await t.db.approvalPolicy.update({ where: { id: policy.id }, data: { retroactiveWithinMinutes: 30 } })
    const raised = await raise(catalog)
    expect(raised.statusCode, raised.body).toBe(201)
    let change = await transition(t, onCall, ChangeDetail.parse(raised.json()), { event: 'submit' })
    expect(change.state).toBe('authorize')
    const stored = await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })
    expect(stored).toMatchObject({ breakFixAllowed: true, reviewRequired: true })

    change = await transition(t, onCall, change, { event: 'start_implementation' })
    expect(change.state).toBe('implement')
    const row = await t.db.emergencyBreakFix.findUniqueOrThrow({ where: { changeId: change.id } })
    expect(row.dueAt.getTime() - row.startedAt.getTime()).toBe(30 * 60_000)
    expect(row.approvedAt).toBeNull()

    // The escalation job is delayed to the due time under a deterministic id.
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null })
    const queue = new Queue('approvals', { connection, prefix: t.prefix })
    try {
      const job = await queue.getJob(jobId('retroactive-due', change.id))
      expect(job?.name).toBe('emergency.retroactive-due')
      expect(job?.data).toEqual({ changeId: change.id })
      expect(job?.opts.delay ?? 0).toBeGreaterThan(25 * 60_000)
    } finally {
      await queue.close()
      await connection.quit()
    }

    const banner = async () =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/changes/${change.number}/break-fix`,
          headers: onCall.headers,
        })
      ).json()
    expect(await banner()).toMatchObject({ breakFix: { status: 'awaiting', dueAt: row.dueAt.toISOString() } })

    // The ECAB finds it in the review queue, and decides the same stage afterwards; the change stays in implementation.
    const cabQueue = await t.app.inject({
      method: 'GET',
      url: '/api/v1/cab/queue',
      headers: (ecab[0] as SignedIn).headers,
    })
    expect(cabQueue.statusCode, cabQueue.body).toBe(200)
    expect(cabQueue.json().items.map((item: { change: { id: string } }) => item.change.id)).toContain(change.id)
    let view = await approvalsOf(t, ecab[0] as SignedIn, change.id)
    expect(view.stages.map((s) => [s.status, s.canDecide])).toEqual([['open', true]])
    const decided = await decide(t, ecab[0] as SignedIn, change.id, view.stages[0]?.id as string, {
      decision: 'approve',
      version: view.version,
    })
    expect(decided.statusCode, decided.body).toBe(200)
    view = ChangeApprovalsView.parse(decided.json())
    expect(view).toMatchObject({ state: 'implement', approvalsComplete: true })
    expect(
      (await t.db.emergencyBreakFix.findUniqueOrThrow({ where: { changeId: change.id } })).approvedAt,
    ).not.toBeNull()
    expect(await banner()).toMatchObject({ breakFix: { status: 'approved' } })
    const actions = (await t.db.auditEvent.findMany({ where: { changeId: change.id }, orderBy: { seq: 'asc' } })).map(
      (event) => event.action,
    )
    expect(actions).toEqual(
      expect.arrayContaining([
        'change.start_implementation',
        'emergency.break_fix_started',
        'approval.retroactive_approved',
      ]),
    )
    // The requester and implementer never decide their own change, retroactively or not.
    const again = await decide(t, onCall, change.id, view.stages[0]?.id as string, {
      decision: 'approve',
      version: view.version,
    })
    expect(again.statusCode).toBeGreaterThanOrEqual(400)
  })
})
