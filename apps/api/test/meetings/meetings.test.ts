// CAB meetings over HTTP: the agenda (ordering, horizon, refresh, frozen at start), attendees from
// the CAB groups, decisions recorded for attending members becoming their approvals (stages advance,
// refusals reported per member), the meeting's lifecycle and the Markdown minutes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CabMeetingBody,
  CabMeetingList,
  CabMeetingView,
  ChangeDetail,
  MeetingCandidates,
  type MeetingDecisionBody,
  MeetingDecisionResult,
  type RiskLevel,
} from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, expectError, issuePaths, validChangeBody } from '../support/fixtures'
import { approvalsOf, cabMembers, createGroup, scenario, stage, transition } from '../approvals/approvals-fixtures'

const DAY_MS = 86_400_000

let t: TestApp
let admin: SignedIn
let requester: SignedIn
let manager: SignedIn
let technical: SignedIn[]
let business: SignedIn
let outsider: SignedIn
let catalog: Catalog

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.userWith(['admin'], 'Ada Admin')
  requester = await t.userWith(['requester', 'cab_member'], 'Rita Requester')
  manager = await t.userWith(['change_manager'], 'Manny Manager')
  technical = await cabMembers(t, 3, 'Tech')
  business = await t.userWith(['cab_member'], 'Bea Business')
  // A CAB member by role who sits on no CAB group: never an attendee.
  outsider = await t.userWith(['cab_member'], 'Otto Outsider')
  // The requester sits on the technical CAB: in a meeting they still cannot approve their own change.
  await createGroup(t, 'technical', [...technical, requester])
  await createGroup(t, 'business', [business])
  ;({ catalog } = await scenario(t, admin, [stage('technical', { kind: 'count', value: 2 }), stage('business')]))
})
afterAll(async () => {
  await t?.close()
})

/** A change planned to start `days` from now, submitted and sent to the CAB at this risk. */
async function awaitingCab(days: number, risk: RiskLevel, title: string): Promise<ChangeDetail> {
  const start = new Date(Date.now() + days * DAY_MS)
  start.setUTCHours(2, 0, 0, 0)
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/changes',
    headers: requester.headers,
    payload: validChangeBody(catalog, {
      title,
      plannedStart: start.toISOString(),
      plannedEnd: new Date(start.getTime() + 3_600_000).toISOString(),
    }),
  })
  expect(created.statusCode, created.body).toBe(201)
  let change = ChangeDetail.parse(created.json())
  change = await transition(t, requester, change, { event: 'submit' })
  return transition(t, manager, change, {
    event: 'request_authorization',
    riskOverride: { level: risk, reason: 'Set by the meetings test.' },
  })
}

function meetingBody(overrides: Partial<CabMeetingBody> = {}): CabMeetingBody {
  const startsAt = new Date(Date.now() + 3_600_000)
  return {
    title: 'Weekly CAB',
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
    horizonEnd: new Date(Date.now() + 30 * DAY_MS).toISOString(),
    attendeeIds: [...technical.map((u) => u.userId), business.userId, requester.userId],
    ...overrides,
  }
}

async function schedule(body: CabMeetingBody) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/cab/meetings',
    headers: manager.headers,
    payload: body,
  })
  expect(response.statusCode, response.body).toBe(201)
  return CabMeetingView.parse(response.json())
}

async function post(url: string, payload: Record<string, unknown>, user = manager) {
  return t.app.inject({ method: 'POST', url: `/api/v1/cab/meetings/${url}`, headers: user.headers, payload })
}

async function start(meeting: CabMeetingView, presentUserIds?: string[]) {
  const response = await post(`${meeting.id}/start`, { version: meeting.version, presentUserIds })
  expect(response.statusCode, response.body).toBe(200)
  return CabMeetingView.parse(response.json())
}

async function record(meeting: CabMeetingView, itemId: string, body: MeetingDecisionBody) {
  const response = await post(`${meeting.id}/items/${itemId}/decisions`, body)
  expect(response.statusCode, response.body).toBe(200)
  return MeetingDecisionResult.parse(response.json())
}

const numbersOf = (meeting: CabMeetingView) => meeting.items.map((item) => item.number)

describe('the agenda', () => {
  it('holds the changes awaiting authorization planned before the horizon, critical first, then by planned start, frozen when the meeting starts', async () => {
    const low = await awaitingCab(40, 'low', 'Low soon')
    const critical = await awaitingCab(44, 'critical', 'Critical later')
    const high = await awaitingCab(42, 'high', 'High')
    const critical2 = await awaitingCab(41, 'critical', 'Critical sooner')
    const beyond = await awaitingCab(60, 'critical', 'Beyond the horizon')
    const horizonEnd = new Date(Date.now() + 50 * DAY_MS).toISOString()
    let meeting = await schedule(meetingBody({ horizonEnd, title: 'Agenda order' }))
    // Only this file's changes exist in its database; earlier tests' changes start within 30 days.
    const ours = new Set([low, critical, high, critical2, beyond].map((c) => c.number))
    const agenda = () => numbersOf(meeting).filter((n) => ours.has(n))
    expect(agenda()).toEqual([critical2.number, critical.number, high.number, low.number])
    expect(meeting.items.find((i) => i.number === high.number)).toMatchObject({
      riskLevel: 'high',
      outcome: 'awaiting',
    })

    // Refreshable while scheduled: a change sent to the CAB since appears in its place.
    const moderate = await awaitingCab(43, 'moderate', 'Moderate')
    ours.add(moderate.number)
    const refreshed = await post(`${meeting.id}/agenda/refresh`, { version: meeting.version })
    expect(refreshed.statusCode, refreshed.body).toBe(200)
    meeting = CabMeetingView.parse(refreshed.json())
    expect(agenda()).toEqual([critical2.number, critical.number, high.number, moderate.number, low.number])

    // Starting freezes it: later changes do not join, and the agenda cannot be rebuilt.
    meeting = await start(meeting)
    const late = await awaitingCab(45, 'critical', 'Too late for this meeting')
    const read = await t.app.inject({
      method: 'GET',
      url: `/api/v1/cab/meetings/${meeting.id}`,
      headers: business.headers,
    })
    expect(read.statusCode, read.body).toBe(200)
    expect(CabMeetingView.parse(read.json()).items.map((i) => i.number)).not.toContain(late.number)
    expectError(await post(`${meeting.id}/agenda/refresh`, { version: meeting.version }), 409, 'TRANSITION_REFUSED')
  })
})

describe('attendees', () => {
  it('come from the CAB groups: a non-member is refused naming attendeeIds', async () => {
    const candidates = await t.app.inject({
      method: 'GET',
      url: '/api/v1/cab/meeting-candidates',
      headers: manager.headers,
    })
    expect(candidates.statusCode, candidates.body).toBe(200)
    const ids = MeetingCandidates.parse(candidates.json()).items.map((c) => c.id)
    expect(ids).toEqual(expect.arrayContaining([business.userId, ...technical.map((u) => u.userId)]))
    expect(ids).not.toContain(outsider.userId)

    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/cab/meetings',
      headers: manager.headers,
      payload: meetingBody({ attendeeIds: [business.userId, outsider.userId] }),
    })
    const body = expectError(response, 400, 'VALIDATION_FAILED')
    expect(issuePaths(body)).toEqual(['attendeeIds'])
    expect(body.error.message).toContain(outsider.userId)
  })

  it('only change managers and admins schedule; bad times name their field', async () => {
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/cab/meetings',
      headers: technical[0]?.headers,
      payload: meetingBody(),
    })
    expectError(denied, 403, 'FORBIDDEN')
    const body = meetingBody()
    const backwards = await t.app.inject({
      method: 'POST',
      url: '/api/v1/cab/meetings',
      headers: manager.headers,
      payload: { ...body, endsAt: body.startsAt },
    })
    expect(issuePaths(expectError(backwards, 400, 'VALIDATION_FAILED'))).toEqual(['endsAt'])
  })
})

describe('decisions in the meeting', () => {
  it("become the attending members' approvals: stages advance, the change is authorized, refusals are reported per member", async () => {
    const change = await awaitingCab(12, 'moderate', 'Decided in the meeting')
    let meeting = await schedule(meetingBody({ title: 'Decisions' }))
    // Recording before the meeting starts is refused.
    const item = meeting.items.find((i) => i.changeId === change.id)
    expect(item).toBeDefined()
    const early = await post(`${meeting.id}/items/${item?.id}/decisions`, {
      decision: 'approve',
      voterIds: [technical[0]?.userId],
    })
    expectError(early, 409, 'TRANSITION_REFUSED')

    meeting = await start(meeting)
    const [t0, t1, t2] = technical as [SignedIn, SignedIn, SignedIn]
    const result = await record(meeting, item?.id as string, {
      decision: 'approve',
      comment: 'Agreed in the room.',
      voterIds: [requester.userId, t0.userId, t1.userId, t2.userId, business.userId],
      action: 'Requester to post the rollout notice',
    })
    expect(result.results.map((r) => [r.userId, r.outcome, r.stageName, r.refusalCode])).toEqual([
      [requester.userId, 'refused', 'technical stage', 'SELF_APPROVAL'],
      [t0.userId, 'recorded', 'technical stage', null],
      // The second technical approval meets the quorum of 2 and opens the business stage...
      [t1.userId, 'recorded', 'technical stage', null],
      // ...which the third technical member may not decide.
      [t2.userId, 'refused', 'business stage', 'NOT_ELIGIBLE'],
      [business.userId, 'recorded', 'business stage', null],
    ])
    const approvals = await approvalsOf(t, manager, change.id)
    expect(approvals.stages.map((s) => [s.status, s.approvals])).toEqual([
      ['approved', 2],
      ['approved', 1],
    ])
    expect(approvals.stages[0]?.decisions.map((d) => d.user.id).sort()).toEqual([t0.userId, t1.userId].sort())
    expect(approvals.state).toBe('scheduled')
    const decided = result.meeting.items.find((i) => i.id === item?.id)
    expect(decided).toMatchObject({ outcome: 'authorized', actions: ['Requester to post the rollout notice'] })
    expect(decided?.votes).toHaveLength(5)
  })

  it('a rejection returns the change to new; absent attendees and strangers are refused', async () => {
    const change = await awaitingCab(14, 'low', 'Rejected in the meeting')
    let meeting = await schedule(meetingBody({ title: 'Rejections' }))
    const [t0, t1] = technical as [SignedIn, SignedIn]
    meeting = await start(meeting, [t0.userId, business.userId])
    const item = meeting.items.find((i) => i.changeId === change.id) as { id: string }

    const stranger = await post(`${meeting.id}/items/${item.id}/decisions`, {
      decision: 'approve',
      voterIds: [outsider.userId],
    })
    expect(issuePaths(expectError(stranger, 400, 'VALIDATION_FAILED'))).toEqual(['voterIds'])
    const noComment = await post(`${meeting.id}/items/${item.id}/decisions`, {
      decision: 'reject',
      voterIds: [t0.userId],
    })
    expect(issuePaths(expectError(noComment, 400, 'VALIDATION_FAILED'))).toEqual(['comment'])

    const result = await record(meeting, item.id, {
      decision: 'reject',
      comment: 'The rollback plan is untested.',
      voterIds: [t1.userId, t0.userId],
    })
    expect(result.results.map((r) => [r.outcome, r.refusalCode])).toEqual([
      ['refused', 'NOT_PRESENT'],
      ['recorded', null],
    ])
    expect((await approvalsOf(t, manager, change.id)).state).toBe('new')
    expect(result.meeting.items.find((i) => i.id === item.id)?.outcome).toBe('rejected')

    // Attendance can be corrected while the meeting runs; a stale version is refused.
    const stale = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/cab/meetings/${meeting.id}/attendance`,
      headers: manager.headers,
      payload: { version: meeting.version - 1, presentUserIds: [t1.userId] },
    })
    expectError(stale, 409, 'STALE_VERSION')
  })
})

describe('minutes and closing', () => {
  it('closes the meeting and exports minutes with attendees, risks, who voted what, outcomes and actions', async () => {
    const change = await awaitingCab(16, 'high', 'Minutes | with a pipe')
    let meeting = await schedule(meetingBody({ title: 'Minutes meeting' }))
    const [t0, t1] = technical as [SignedIn, SignedIn]
    meeting = await start(meeting, [t0.userId, t1.userId, requester.userId])
    const item = meeting.items.find((i) => i.changeId === change.id) as { id: string; position: number }
    await record(meeting, item.id, {
      decision: 'approve',
      voterIds: [t0.userId, requester.userId],
      action: 'Check the firmware matrix',
    })
    meeting = (
      await record(meeting, item.id, { decision: 'request_info', comment: 'Which nodes first?', voterIds: [t1.userId] })
    ).meeting
    const closed = await post(`${meeting.id}/close`, { version: meeting.version })
    expect(closed.statusCode, closed.body).toBe(200)
    expect(CabMeetingView.parse(closed.json()).status).toBe('closed')
    expectError(await post(`${meeting.id}/close`, { version: meeting.version + 1 }), 409, 'TRANSITION_REFUSED')

    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/cab/meetings/${meeting.id}/minutes.md`,
      headers: business.headers,
    })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.headers['content-type']).toContain('text/markdown')
    const minutes = response.body
    expect(minutes).toContain('# CAB meeting: Minutes meeting')
    expect(minutes).toMatch(/Tech 1 \(.+\): present/)
    expect(minutes).toMatch(/Bea Business \(.+\): absent/)
    expect(minutes).toContain(`| ${item.position} | ${change.number} | Minutes \\| with a pipe | high |`)
    expect(minutes).toContain('- Tech 1 approved (stage technical stage)')
    expect(minutes).toContain('- Rita Requester voted approve, not counted: SELF_APPROVAL')
    expect(minutes).toContain('- Tech 2 asked for information (stage technical stage): "Which nodes first?"')
    expect(minutes).toContain('- [ ] Check the firmware matrix')
    expect(minutes).toContain('Outcome: still awaiting authorization')

    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/cab/meetings?status=closed',
      headers: manager.headers,
    })
    expect(CabMeetingList.parse(list.json()).items.map((m) => m.id)).toContain(meeting.id)
  })
})
