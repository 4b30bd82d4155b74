// Deciding approval stages over HTTP: the paths through a round (quorum, next stage, authorization,
// rejection, request for information) and every refusal, each with its status and reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CabQueue, ChangeApprovalsView, ChangeDetail } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { createCatalog, expectError, issuePaths, validChangeBody } from '../support/fixtures'
import {
  approvalsOf,
  cabMembers,
  changeAwaitingCab,
  createGroup,
  decide,
  scenario,
  stage,
  transition,
} from './approvals-fixtures'

let t: TestApp
let admin: SignedIn
let requester: SignedIn
let manager: SignedIn
let technical: SignedIn[]
let business: SignedIn[]

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.userWith(['admin'], 'Ada Admin')
  requester = await t.userWith(['requester', 'cab_member'], 'Rita Requester')
  manager = await t.userWith(['change_manager'], 'Manny Manager')
  technical = await cabMembers(t, 3, 'Tech')
  business = await cabMembers(t, 2, 'Biz')
  // The requester sits on the technical CAB too: segregation of duties must keep them out.
  await createGroup(t, 'technical', [...technical, requester])
  await createGroup(t, 'business', business)
})
afterAll(async () => {
  await t?.close()
})

const people = () => ({ requester, manager })

async function decideOk(user: SignedIn, changeId: string, stageId: string, body: Parameters<typeof decide>[4]) {
  const response = await decide(t, user, changeId, stageId, body)
  expect(response.statusCode, response.body).toBe(200)
  return ChangeApprovalsView.parse(response.json())
}

describe('a two-stage round', () => {
  it('opens the first stage, advances on quorum, and authorizes the change when the last stage is approved', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical', { kind: 'count', value: 2 }), stage('business')])
    const change = await changeAwaitingCab(t, people(), catalog)
    let view = await approvalsOf(t, technical[0] as SignedIn, change.id)
    expect(view.stages.map((s) => [s.position, s.status, s.required])).toEqual([
      [1, 'open', 2],
      [2, 'pending', null],
    ])
    const [first, second] = view.stages
    // The requester is a technical member, but never eligible on their own change.
    expect(first?.eligible.map((p) => p.id).sort()).toEqual(technical.map((u) => u.userId).sort())
    expect(first?.canDecide).toBe(true)

    view = await decideOk(technical[0] as SignedIn, change.id, first?.id as string, {
      decision: 'approve',
      version: view.version,
    })
    expect(view.stages[0]).toMatchObject({ status: 'open', approvals: 1 })
    expect(view.state).toBe('authorize')
    view = await decideOk(technical[1] as SignedIn, change.id, first?.id as string, {
      decision: 'approve',
      version: view.version,
    })
    expect(view.stages.map((s) => s.status)).toEqual(['approved', 'open'])
    expect(view.version).toBe(change.version + 1)

    view = await decideOk(business[0] as SignedIn, change.id, second?.id as string, {
      decision: 'approve',
      comment: 'Fine by the business.',
      version: view.version,
    })
    expect(view.stages.map((s) => s.status)).toEqual(['approved', 'approved'])
    expect(view.approvalsComplete).toBe(true)
    expect(view.state).toBe('scheduled')

    const audit = await t.db.auditEvent.findMany({ where: { changeId: change.id }, orderBy: { seq: 'asc' } })
    expect(
      audit.map((e) => e.action).filter((action) => action.startsWith('approval.') || action === 'change.authorize'),
    ).toEqual([
      'approval.round_started',
      'approval.approved',
      'approval.stage_completed',
      'approval.stage_completed',
      'change.authorize',
    ])
    // The last approver's authorize is the change's step, recorded under their name.
    expect(audit.at(-1)).toMatchObject({ action: 'change.authorize', actorId: business[0]?.userId })
  })

  it('refuses a manual authorize while the stages decide', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical')])
    const change = await changeAwaitingCab(t, people(), catalog)
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/v1/changes/${change.id}/transitions`,
      headers: (technical[0] as SignedIn).headers,
      payload: { event: 'authorize', version: change.version },
    })
    const body = expectError(response, 409, 'TRANSITION_REFUSED')
    expect(body.error.details).toMatchObject({ reason: 'APPROVALS_PENDING' })
  })
})

describe('rejection and requests for information', () => {
  it('a rejection with a comment returns the change to new and withdraws the pending stages', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical'), stage('business')])
    const change = await changeAwaitingCab(t, people(), catalog)
    const view = await approvalsOf(t, manager, change.id)
    const after = await decideOk(technical[0] as SignedIn, change.id, view.stages[0]?.id as string, {
      decision: 'reject',
      comment: 'No rollback rehearsal.',
      version: view.version,
    })
    expect(after.state).toBe('new')
    expect(after.stages.map((s) => s.status)).toEqual(['rejected', 'withdrawn'])
    const reject = await t.db.auditEvent.findFirst({ where: { changeId: change.id, action: 'change.reject' } })
    expect(reject?.after).toMatchObject({ comment: 'No rollback rehearsal.' })
  })

  it('refuses a rejection without a comment, naming the field', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical')])
    const change = await changeAwaitingCab(t, people(), catalog)
    const view = await approvalsOf(t, manager, change.id)
    const response = await decide(t, technical[0] as SignedIn, change.id, view.stages[0]?.id as string, {
      decision: 'reject',
      comment: '   ',
      version: view.version,
    })
    expect(issuePaths(expectError(response, 400, 'VALIDATION_FAILED'))).toContain('comment')
  })

  it('a request for information pauses the stage without deciding, and a later approval resumes it', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical')])
    const change = await changeAwaitingCab(t, people(), catalog)
    let view = await approvalsOf(t, manager, change.id)
    const stageId = view.stages[0]?.id as string
    view = await decideOk(technical[0] as SignedIn, change.id, stageId, {
      decision: 'request_info',
      comment: 'Which NCCL version?',
      version: view.version,
    })
    expect(view.state).toBe('authorize')
    expect(view.stages[0]).toMatchObject({ status: 'open', approvals: 0 })
    expect(view.stages[0]?.infoRequestedAt).not.toBeNull()
    const note = await t.db.notification.findFirst({ where: { changeId: change.id, kind: 'approval.info_requested' } })
    expect(note?.recipientUserId).toBe(requester.userId)
    // The person who asked may still decide once answered.
    view = await decideOk(technical[0] as SignedIn, change.id, stageId, { decision: 'approve', version: view.version })
    expect(view.state).toBe('scheduled')
  })
})

describe('refusals', () => {
  it('refuses the requester (403 SELF_APPROVAL), even as a group member, and shows them no decision', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical')])
    const change = await changeAwaitingCab(t, people(), catalog)
    const view = await approvalsOf(t, requester, change.id)
    expect(view.stages[0]).toMatchObject({ canDecide: false })
    const response = await decide(t, requester, change.id, view.stages[0]?.id as string, {
      decision: 'approve',
      version: view.version,
    })
    expect(expectError(response, 403, 'FORBIDDEN').error.details).toMatchObject({ reason: 'SELF_APPROVAL' })
  })

  it('refuses the implementer of the change', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical')])
    const implementer = technical[2] as SignedIn
    const change = await changeAwaitingCab(t, people(), catalog, { implementerId: implementer.userId })
    const view = await approvalsOf(t, implementer, change.id)
    const response = await decide(t, implementer, change.id, view.stages[0]?.id as string, {
      decision: 'approve',
      version: view.version,
    })
    expect(expectError(response, 403, 'FORBIDDEN').error.details).toMatchObject({ reason: 'SELF_APPROVAL' })
  })

  it('counts one person for at most one stage of a round', async () => {
    // Business members are technical members too here: the same person cannot carry both stages.
    const both = await cabMembers(t, 1, 'Both')
    await createGroup(t, 'security', both)
    await createGroup(t, 'financial', both)
    const { catalog } = await scenario(t, admin, [stage('security'), stage('financial')])
    const change = await changeAwaitingCab(t, people(), catalog)
    let view = await approvalsOf(t, manager, change.id)
    view = await decideOk(both[0] as SignedIn, change.id, view.stages[0]?.id as string, {
      decision: 'approve',
      version: view.version,
    })
    // The second stage opened without them: they are no longer eligible, and the API says why.
    expect(view.stages[1]?.eligible).toEqual([])
    const response = await decide(t, both[0] as SignedIn, change.id, view.stages[1]?.id as string, {
      decision: 'approve',
      version: view.version,
    })
    expect(expectError(response, 403, 'FORBIDDEN').error.details).toMatchObject({ reason: 'ALREADY_COUNTED_IN_ROUND' })
    expect(await t.db.approvalDecision.count({ where: { changeId: change.id } })).toBe(1)
  })

  it('refuses a second decision by the same person on a stage', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical', { kind: 'all' })])
    const change = await changeAwaitingCab(t, people(), catalog)
    let view = await approvalsOf(t, manager, change.id)
    const stageId = view.stages[0]?.id as string
    view = await decideOk(technical[0] as SignedIn, change.id, stageId, { decision: 'approve', version: view.version })
    const again = await decide(t, technical[0] as SignedIn, change.id, stageId, {
      decision: 'approve',
      version: view.version,
    })
    expect(expectError(again, 403, 'FORBIDDEN').error.details).toMatchObject({ reason: 'ALREADY_DECIDED' })
  })

  it('refuses someone outside the stage groups, and a role that may not approve at all', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical')])
    const change = await changeAwaitingCab(t, people(), catalog)
    const view = await approvalsOf(t, manager, change.id)
    const stageId = view.stages[0]?.id as string
    const outsider = await decide(t, business[0] as SignedIn, change.id, stageId, {
      decision: 'approve',
      version: view.version,
    })
    expect(expectError(outsider, 403, 'FORBIDDEN').error.details).toMatchObject({ reason: 'NOT_ELIGIBLE' })
    const plainRequester = await t.userWith(['requester'])
    expectError(
      await decide(t, plainRequester, change.id, stageId, { decision: 'approve', version: view.version }),
      403,
      'FORBIDDEN',
    )
  })

  it('refuses a stale version and a stage that is not open', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical'), stage('business')])
    const change = await changeAwaitingCab(t, people(), catalog)
    const view = await approvalsOf(t, manager, change.id)
    const [first, second] = view.stages
    expectError(
      await decide(t, technical[0] as SignedIn, change.id, first?.id as string, {
        decision: 'approve',
        version: view.version - 1,
      }),
      409,
      'STALE_VERSION',
    )
    expectError(
      await decide(t, business[0] as SignedIn, change.id, second?.id as string, {
        decision: 'approve',
        version: view.version,
      }),
      409,
      'APPROVAL_NOT_OPEN',
    )
    const advanced = await decideOk(technical[0] as SignedIn, change.id, first?.id as string, {
      decision: 'approve',
      version: view.version,
    })
    // Someone who read the change before the stage completed is told to reload.
    expectError(
      await decide(t, technical[1] as SignedIn, change.id, first?.id as string, {
        decision: 'approve',
        version: view.version,
      }),
      409,
      'STALE_VERSION',
    )
    expectError(
      await decide(t, technical[1] as SignedIn, change.id, first?.id as string, {
        decision: 'approve',
        version: advanced.version,
      }),
      409,
      'APPROVAL_NOT_OPEN',
    )
  })

  it('answers 404 for an approval of another change', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical')])
    const one = await changeAwaitingCab(t, people(), catalog)
    const other = await changeAwaitingCab(t, people(), catalog)
    const view = await approvalsOf(t, manager, one.id)
    expectError(
      await decide(t, technical[0] as SignedIn, other.id, view.stages[0]?.id as string, {
        decision: 'approve',
        version: other.version,
      }),
      404,
      'NOT_FOUND',
    )
  })
})

describe('an emergency change', () => {
  it('gets its ECAB stage when submitted, and one ECAB approval sends it to implementation', async () => {
    const ecab = await cabMembers(t, 1, 'ECAB')
    await createGroup(t, 'ecab', ecab)
    const { catalog } = await scenario(t, admin, [{ ...stage('ecab'), dueMinutes: 120 }], {
      conditions: { types: ['emergency'], serviceIds: [] },
    })
    // On-call raises emergencies (a plain requester may not).
    const onCall = await t.userWith(['requester', 'implementer'], 'Olly On-call')
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: onCall.headers,
      payload: { ...validChangeBody(catalog), type: 'emergency' },
    })
    expect(created.statusCode, created.body).toBe(201)
    const change = await transition(t, onCall, ChangeDetail.parse(created.json()), { event: 'submit' })
    expect(change.state).toBe('authorize')
    let view = await approvalsOf(t, manager, change.id)
    expect(view.stages.map((s) => [s.name, s.status])).toEqual([['ecab stage', 'open']])
    const dueIn = Date.parse(view.stages[0]?.dueAt as string) - Date.parse(view.stages[0]?.openedAt as string)
    expect(dueIn).toBe(120 * 60_000)
    view = await decideOk(ecab[0] as SignedIn, change.id, view.stages[0]?.id as string, {
      decision: 'approve',
      version: view.version,
    })
    expect(view.state).toBe('implement')
  })
})

describe('the CAB review queue', () => {
  it('lists the stages the caller may decide, riskiest first, filtered by risk, and none to the requester', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical')])
    const moderate = await changeAwaitingCab(t, people(), catalog, { risk: 'moderate' })
    const critical = await changeAwaitingCab(t, people(), catalog, { risk: 'critical' })
    const queue = async (user: SignedIn, query = '') => {
      const response = await t.app.inject({ method: 'GET', url: `/api/v1/cab/queue${query}`, headers: user.headers })
      expect(response.statusCode, response.body).toBe(200)
      return CabQueue.parse(response.json()).items.filter((item) => [moderate.id, critical.id].includes(item.change.id))
    }
    const mine = await queue(technical[0] as SignedIn)
    expect(mine.map((item) => [item.change.number, item.canDecide, item.stage.stageCount])).toEqual([
      [critical.number, true, 1],
      [moderate.number, true, 1],
    ])
    expect((await queue(technical[0] as SignedIn, '?risk=moderate')).map((item) => item.change.number)).toEqual([
      moderate.number,
    ])
    // The requester is a technical CAB member, but their own changes never await their decision.
    expect(await queue(requester)).toEqual([])
    expect((await queue(requester, '?scope=all')).map((item) => item.canDecide)).toEqual([false, false])
    expect(await queue(business[0] as SignedIn)).toEqual([])
  })
})

describe('when another module refuses the authorization', () => {
  it('keeps the approvals, leaves the change in authorize with every stage complete, for the manager to schedule', async () => {
    // The schedule refuses to schedule a change over an item another scheduled change holds at the same time.
    const { catalog } = await scenario(t, admin, [stage('business')])
    const first = await changeAwaitingCab(t, people(), catalog)
    const second = await changeAwaitingCab(t, people(), catalog)
    let view = await approvalsOf(t, manager, first.id)
    view = await decideOk(business[0] as SignedIn, first.id, view.stages[0]?.id as string, {
      decision: 'approve',
      version: view.version,
    })
    expect(view.state).toBe('scheduled')

    view = await approvalsOf(t, manager, second.id)
    const held = await decideOk(business[1] as SignedIn, second.id, view.stages[0]?.id as string, {
      decision: 'approve',
      version: view.version,
    })
    expect(held).toMatchObject({ state: 'authorize', approvalsComplete: true, version: view.version + 1 })
    expect(held.stages.map((s) => s.status)).toEqual(['approved'])
    const actions = (await t.db.auditEvent.findMany({ where: { changeId: second.id }, orderBy: { seq: 'asc' } })).map(
      (e) => e.action,
    )
    expect(actions.slice(-2)).toEqual(['approval.stage_completed', 'approval.authorization_held'])
  })
})

describe('withdrawal and new rounds', () => {
  it('cancel withdraws the open stages; a new request after rejection starts round 2 from the policy', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical')])
    let change = await changeAwaitingCab(t, people(), catalog)
    change = await transition(t, manager, change, { event: 'reject', comment: 'Needs a better plan.' })
    expect(change.state).toBe('new')
    change = await transition(t, requester, change, { event: 'submit' })
    change = await transition(t, manager, change, { event: 'request_authorization' })
    const view = await approvalsOf(t, manager, change.id)
    expect(view.round).toBe(2)
    expect(view.stages.map((s) => s.status)).toEqual(['open'])
    change = await transition(t, requester, change, { event: 'cancel', reason: 'Superseded.' })
    const stages = await t.db.approvalStage.findMany({ where: { changeId: change.id }, orderBy: [{ round: 'asc' }] })
    expect(stages.map((s) => [s.round, s.status])).toEqual([
      [1, 'withdrawn'],
      [2, 'withdrawn'],
    ])
  })

  it('without a matching policy, the change waits for a manual authorize as before', async () => {
    const catalogOnly = await createCatalog(t.db, 1)
    const change = await changeAwaitingCab(t, people(), catalogOnly)
    expect((await approvalsOf(t, manager, change.id)).stages).toEqual([])
    const authorized = await transition(t, technical[0] as SignedIn, change, { event: 'authorize' })
    expect(authorized.state).toBe('scheduled')
  })
})
