// A change's lifecycle over HTTP: the normal path end to end with the right people, rejection,
// cancellation, and the timeline that records every step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChangeDetail, Timeline } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, expectError, issuePaths, validChangeBody } from '../support/fixtures'

let t: TestApp
let catalog: Catalog
let requester: SignedIn
let manager: SignedIn
let cab: SignedIn
let implementer: SignedIn

beforeAll(async () => {
  t = await startTestApp()
  catalog = await createCatalog(t.db, 8)
  requester = await t.userWith(['requester'], 'Rita Requester')
  manager = await t.userWith(['change_manager'], 'Manny Manager')
  cab = await t.userWith(['cab_member'], 'Cara Cab')
  implementer = await t.userWith(['implementer'], 'Ivan Implementer')
})
afterAll(async () => {
  await t?.close()
})

async function create(overrides: Parameters<typeof validChangeBody>[1] = {}) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/changes',
    headers: requester.headers,
    payload: validChangeBody(catalog, overrides),
  })
  expect(response.statusCode).toBe(201)
  return ChangeDetail.parse(response.json())
}

function send(user: SignedIn, id: string, body: Record<string, unknown>) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/changes/${id}/transitions`,
    headers: user.headers,
    payload: body,
  })
}

/** Sends the event with the current version and returns the change it answers with. */
async function step(user: SignedIn, change: ChangeDetail, body: Record<string, unknown>) {
  const response = await send(user, change.id, { ...body, version: change.version })
  expect(response.statusCode, response.body).toBe(200)
  return ChangeDetail.parse(response.json())
}

async function rowOf(id: string) {
  return t.db.changeRequest.findUniqueOrThrow({ where: { id } })
}

describe('the normal path', () => {
  it('walks new -> assess -> authorize -> scheduled -> implement -> review -> closed and records each step', async () => {
    let change = await create()
    const states: string[] = [change.state]

    change = await step(requester, change, { event: 'submit' })
    states.push(change.state)
    expect((await rowOf(change.id)).submittedAt).toBeInstanceOf(Date)

    change = await step(manager, change, { event: 'request_authorization' })
    states.push(change.state)
    change = await step(cab, change, { event: 'authorize' })
    states.push(change.state)
    change = await step(implementer, change, { event: 'start_implementation' })
    states.push(change.state)
    change = await step(implementer, change, { event: 'complete_implementation' })
    states.push(change.state)
    expect((await rowOf(change.id)).implementedAt).toBeInstanceOf(Date)
    change = await step(manager, change, {
      event: 'close',
      closeCode: 'successful_with_issues',
      notes: 'One node slow',
    })
    states.push(change.state)

    expect(states).toEqual(['new', 'assess', 'authorize', 'scheduled', 'implement', 'review', 'closed'])
    expect(change).toMatchObject({ version: 7, closeCode: 'successful_with_issues', availableEvents: [] })
    const row = await rowOf(change.id)
    expect(row).toMatchObject({
      state: 'closed',
      version: 7,
      closeCode: 'successful_with_issues',
      closeNotes: 'One node slow',
    })
    expect(row.closedAt).toBeInstanceOf(Date)

    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/changes/${change.number}/timeline`,
      headers: requester.headers,
    })
    expect(response.statusCode).toBe(200)
    const timeline = Timeline.parse(response.json())
    expect(timeline.items.map((event) => [event.action, event.actor.name])).toEqual([
      ['change.created', 'Rita Requester'],
      ['change.submit', 'Rita Requester'],
      ['change.request_authorization', 'Manny Manager'],
      ['change.authorize', 'Cara Cab'],
      ['change.start_implementation', 'Ivan Implementer'],
      ['change.complete_implementation', 'Ivan Implementer'],
      ['change.close', 'Manny Manager'],
    ])
    const seqs = timeline.items.map((event) => event.seq)
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs)
    expect(timeline.items[1]?.before).toMatchObject({ state: 'new', version: 1 })
    expect(timeline.items[1]?.after).toMatchObject({ state: 'assess', version: 2 })
    expect(timeline.items.at(-1)?.after).toMatchObject({ state: 'closed', closeCode: 'successful_with_issues' })
    expect(timeline.items.every((event) => event.requestId && event.hash.length === 64)).toBe(true)
  })

  it('records a risk override at request_authorization as a new assessment, by whom and why', async () => {
    let change = await create()
    change = await step(requester, change, { event: 'submit' })
    change = await step(manager, change, {
      event: 'request_authorization',
      riskOverride: { level: 'critical', reason: '  Touches the training fleet during a launch  ' },
    })

    expect(change.state).toBe('authorize')
    expect(change.risk).toMatchObject({
      level: 'critical',
      override: { level: 'critical', reason: 'Touches the training fleet during a launch', by: 'Manny Manager' },
    })
    expect(change.riskLevel).toBe('critical')
    const assessments = await t.db.riskAssessment.findMany({
      where: { changeId: change.id },
      orderBy: { createdAt: 'asc' },
    })
    expect(assessments).toHaveLength(2)
    expect(assessments[1]).toMatchObject({
      level: 'critical',
      overrideLevel: 'critical',
      overrideReason: 'Touches the training fleet during a launch',
      overrideById: manager.userId,
      score: assessments[0]?.score,
      computedLevel: assessments[0]?.computedLevel,
    })
    expect((await rowOf(change.id)).riskLevel).toBe('critical')
    const event = await t.db.auditEvent.findFirstOrThrow({
      where: { changeId: change.id, action: 'change.request_authorization' },
    })
    expect(event.after).toMatchObject({ riskLevel: 'critical', riskOverride: { level: 'critical' } })
  })

  it('refuses a risk override without a reason with 400 naming riskOverride.reason', async () => {
    let change = await create()
    change = await step(requester, change, { event: 'submit' })
    const response = await send(manager, change.id, {
      event: 'request_authorization',
      version: change.version,
      riskOverride: { level: 'high', reason: '   ' },
    })
    expect(issuePaths(expectError(response, 400, 'VALIDATION_FAILED'))).toEqual(['riskOverride.reason'])
    expect(await t.db.riskAssessment.count({ where: { changeId: change.id } })).toBe(1)
  })

  it('refuses a step sent with an old version: 409 STALE_VERSION, state unchanged', async () => {
    const change = await create()
    const submitted = await step(requester, change, { event: 'submit' })
    expectError(await send(manager, change.id, { event: 'request_authorization', version: 1 }), 409, 'STALE_VERSION')
    expect(await rowOf(change.id)).toMatchObject({ state: 'assess', version: submitted.version })
  })
})

describe('rejection', () => {
  it('needs a comment: 400 when it is missing or blank, and nothing changes', async () => {
    let change = await create()
    change = await step(requester, change, { event: 'submit' })
    for (const body of [{}, { comment: '' }, { comment: ' \n\t ' }]) {
      const response = await send(cab, change.id, { event: 'reject', version: change.version, ...body })
      expect(issuePaths(expectError(response, 400, 'VALIDATION_FAILED'))).toEqual(['comment'])
    }
    expect(await rowOf(change.id)).toMatchObject({ state: 'assess', version: change.version })
  })

  it('returns the change to new, editable again, with the comment in the audit trail', async () => {
    let change = await create()
    change = await step(requester, change, { event: 'submit' })
    change = await step(manager, change, { event: 'request_authorization' })
    change = await step(cab, change, { event: 'reject', comment: 'Needs a tested rollback plan' })

    expect(change).toMatchObject({ state: 'new', version: 4 })
    // The rejecting CAB member can do nothing more with it; its requester can submit it again.
    expect(change.availableEvents).toEqual([])
    const asRequester = await t.app.inject({
      method: 'GET',
      url: `/api/v1/changes/${change.id}`,
      headers: requester.headers,
    })
    expect(ChangeDetail.parse(asRequester.json()).availableEvents).toEqual(['submit', 'cancel'])
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { changeId: change.id, action: 'change.reject' } })
    expect(event).toMatchObject({
      actorId: cab.userId,
      after: expect.objectContaining({ comment: 'Needs a tested rollback plan' }),
    })

    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/changes/${change.id}`,
      headers: requester.headers,
      payload: { version: 4, rollbackPlan: 'Reinstall the previous wheel; rehearsed on staging.' },
    })
    expect(edit.statusCode).toBe(200)
    expect(ChangeDetail.parse(edit.json()).version).toBe(5)
  })
})

describe('cancellation', () => {
  it('needs a reason: 400 when it is missing or blank', async () => {
    const change = await create()
    for (const body of [{}, { reason: '   ' }]) {
      const response = await send(requester, change.id, { event: 'cancel', version: 1, ...body })
      expect(issuePaths(expectError(response, 400, 'VALIDATION_FAILED'))).toEqual(['reason'])
    }
    expect(await rowOf(change.id)).toMatchObject({ state: 'new', version: 1 })
  })

  it('cancels with the reason recorded, and nothing leaves canceled', async () => {
    let change = await create()
    change = await step(requester, change, { event: 'submit' })
    change = await step(requester, change, { event: 'cancel', reason: 'Superseded by CHG-next' })

    expect(change).toMatchObject({ state: 'canceled', availableEvents: [] })
    const row = await rowOf(change.id)
    expect(row).toMatchObject({ state: 'canceled', cancelReason: 'Superseded by CHG-next' })
    expect(row.closedAt).toBeInstanceOf(Date)
    const again = await send(manager, change.id, { event: 'submit', version: change.version })
    expect(expectError(again, 409, 'TRANSITION_REFUSED').error.details).toMatchObject({
      reason: 'NOT_ALLOWED_IN_STATE',
    })
  })

  it('refuses cancel once the change is in review', async () => {
    let change = await create()
    for (const [user, event] of [
      [requester, 'submit'],
      [manager, 'request_authorization'],
      [cab, 'authorize'],
      [implementer, 'start_implementation'],
      [implementer, 'complete_implementation'],
    ] as const) {
      change = await step(user, change, { event })
    }
    const response = await send(manager, change.id, { event: 'cancel', version: change.version, reason: 'too late' })
    expect(expectError(response, 409, 'TRANSITION_REFUSED').error.details).toMatchObject({
      reason: 'NOT_ALLOWED_IN_STATE',
      state: 'review',
    })
  })
})

describe('closing', () => {
  it('needs a known close code: 400 naming closeCode', async () => {
    const change = await create()
    for (const body of [{}, { closeCode: 'done' }]) {
      const response = await send(manager, change.id, { event: 'close', version: 1, ...body })
      expect(issuePaths(expectError(response, 400, 'VALIDATION_FAILED'))).toEqual(['closeCode'])
    }
  })

  it('refuses an unknown event with 400 naming event', async () => {
    const change = await create()
    const response = await send(manager, change.id, { event: 'approve', version: 1 })
    expect(issuePaths(expectError(response, 400, 'VALIDATION_FAILED'))).toContain('event')
  })
})
