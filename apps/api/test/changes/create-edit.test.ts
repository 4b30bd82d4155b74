// Raising a request for change, reading it back, and editing it while it is new.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChangeDetail } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, expectError, issuePaths, validChangeBody } from '../support/fixtures'

let t: TestApp
let catalog: Catalog
let requester: SignedIn

beforeAll(async () => {
  t = await startTestApp()
  catalog = await createCatalog(t.db, 8)
  requester = await t.userWith(['requester'], 'Rita Requester')
})
afterAll(async () => {
  await t?.close()
})

async function create(overrides: Parameters<typeof validChangeBody>[1] = {}, user = requester) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/changes',
    headers: user.headers,
    payload: validChangeBody(catalog, overrides),
  })
  expect(response.statusCode).toBe(201)
  return ChangeDetail.parse(response.json())
}

function patch(id: string, payload: Record<string, unknown>, user = requester) {
  return t.app.inject({ method: 'PATCH', url: `/api/v1/changes/${id}`, headers: user.headers, payload })
}

const RISKY_QUESTIONNAIRE = {
  experience: 'first-time',
  automation: 'manual',
  testedInStaging: false,
  rollbackTested: false,
  requiresDowntime: true,
  userVisible: true,
} as const

describe('creating a change', () => {
  it('returns 201 with a CHG number, state new, version 1, a risk cell with reasons and the named items', async () => {
    const change = await create()

    expect(change.number).toMatch(/^CHG\d{7}$/)
    expect(change).toMatchObject({ state: 'new', version: 1, type: 'normal', title: validChangeBody(catalog).title })
    expect(change.requester).toMatchObject({ id: requester.userId, name: 'Rita Requester' })
    expect(change.risk.probability).toBeGreaterThanOrEqual(1)
    expect(change.risk.impact).toBeGreaterThanOrEqual(1)
    expect(change.risk.score).toBe(change.risk.probability * change.risk.impact)
    expect(['low', 'moderate', 'high', 'critical']).toContain(change.risk.level)
    expect(change.risk.reasons.map((reason) => reason.code)).toEqual(
      expect.arrayContaining(['probability.experience', 'impact.blast-radius', 'impact.criticality']),
    )
    expect(change.risk.override).toBeNull()
    const node = await t.db.node.findUniqueOrThrow({ where: { id: catalog.nodeIds[0] } })
    expect(change.affectedItems).toEqual([expect.objectContaining({ kind: 'node', id: node.id, name: node.hostname })])
    expect(change.affectedItemCount).toBe(1)
    expect(change.availableEvents).toEqual(['submit', 'cancel'])

    const row = await t.db.changeRequest.findUniqueOrThrow({
      where: { id: change.id },
      include: { items: true, riskAssessments: true },
    })
    expect(row).toMatchObject({ number: change.number, state: 'new', version: 1, requesterId: requester.userId })
    expect(row.riskLevel).toBe(change.risk.level)
    expect(row.riskScore).toBe(change.risk.score)
    expect(row.items.map((item) => ({ kind: item.kind, itemId: item.itemId }))).toEqual([
      { kind: 'node', itemId: node.id },
    ])
    expect(row.riskAssessments).toHaveLength(1)
    const events = await t.db.auditEvent.findMany({ where: { changeId: change.id } })
    expect(events.map((event) => [event.action, event.actorId])).toEqual([['change.created', requester.userId]])
  })

  it('numbers changes in increasing order', async () => {
    const numbers: number[] = []
    for (let index = 0; index < 3; index += 1) numbers.push(Number((await create()).number.slice(3)))
    expect(numbers[1]).toBe((numbers[0] ?? 0) + 1)
    expect(numbers[2]).toBe((numbers[1] ?? 0) + 1)
  })

  it('names each affected item once, services first, however often it was sent', async () => {
    const change = await create({
      affectedItems: [
        { kind: 'node', id: catalog.nodeIds[1] as string },
        { kind: 'service', id: catalog.serviceId },
        { kind: 'node', id: catalog.nodeIds[1] as string },
        { kind: 'cluster', id: catalog.clusterId },
      ],
    })
    expect(change.affectedItems.map((item) => item.kind)).toEqual(['service', 'cluster', 'node'])
    expect(await t.db.changeItem.count({ where: { changeId: change.id } })).toBe(3)
  })

  it('records the named implementer', async () => {
    const implementer = await t.createUser(['implementer'], 'Ivan Implementer')
    const change = await create({ implementerId: implementer.id })
    expect(change.implementer).toEqual({ id: implementer.id, name: 'Ivan Implementer', email: implementer.email })
  })
})

describe('reading a change', () => {
  it('finds a change by its number as well as its id', async () => {
    const change = await create()
    const byNumber = await t.app.inject({
      method: 'GET',
      url: `/api/v1/changes/${change.number}`,
      headers: requester.headers,
    })
    expect(byNumber.statusCode).toBe(200)
    expect(ChangeDetail.parse(byNumber.json())).toEqual(change)
  })

  it('answers an unknown id or number with 404 CHANGE_NOT_FOUND', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'CHG9999999']) {
      const get = await t.app.inject({ method: 'GET', url: `/api/v1/changes/${id}`, headers: requester.headers })
      expectError(get, 404, 'CHANGE_NOT_FOUND')
      expectError(await patch(id, { version: 1, title: 'x' }), 404, 'CHANGE_NOT_FOUND')
      const transition = await t.app.inject({
        method: 'POST',
        url: `/api/v1/changes/${id}/transitions`,
        headers: requester.headers,
        payload: { event: 'submit', version: 1 },
      })
      expectError(transition, 404, 'CHANGE_NOT_FOUND')
      const timeline = await t.app.inject({
        method: 'GET',
        url: `/api/v1/changes/${id}/timeline`,
        headers: requester.headers,
      })
      expectError(timeline, 404, 'CHANGE_NOT_FOUND')
    }
  })

  it('answers a reference that is neither a uuid nor a change number with 400 naming id', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/changes/CHG12', headers: requester.headers })
    expect(issuePaths(expectError(response, 400, 'VALIDATION_FAILED'))).toContain('id')
  })
})

describe('editing a new change', () => {
  it('bumps the version, recomputes the risk into a new assessment and audits before and after', async () => {
    const change = await create()
    const response = await patch(change.id, {
      version: 1,
      title: 'Upgrade PyTorch, first time, by hand',
      riskQuestionnaire: RISKY_QUESTIONNAIRE,
      affectedItems: [{ kind: 'cluster', id: catalog.clusterId }],
    })
    expect(response.statusCode).toBe(200)
    const edited = ChangeDetail.parse(response.json())

    expect(edited.version).toBe(2)
    expect(edited.title).toBe('Upgrade PyTorch, first time, by hand')
    expect(edited.risk.probability).toBe(5)
    expect(edited.risk.score).toBeGreaterThan(change.risk.score)
    expect(edited.risk.reasons.map((reason) => reason.code)).toEqual(
      expect.arrayContaining(['probability.staging', 'probability.downtime', 'cluster-share-above-quarter']),
    )
    expect(edited.affectedItems.map((item) => item.kind)).toEqual(['cluster'])

    const row = await t.db.changeRequest.findUniqueOrThrow({
      where: { id: change.id },
      include: { riskAssessments: true },
    })
    expect({ version: row.version, riskScore: row.riskScore, riskLevel: row.riskLevel }).toEqual({
      version: 2,
      riskScore: edited.risk.score,
      riskLevel: edited.risk.level,
    })
    expect(row.riskAssessments).toHaveLength(2)
    const updated = await t.db.auditEvent.findFirstOrThrow({ where: { changeId: change.id, action: 'change.updated' } })
    expect(updated.before).toMatchObject({ version: 1, title: change.title, affectedItems: 1 })
    expect(updated.after).toMatchObject({ version: 2, title: edited.title, riskScore: edited.risk.score })
  })

  it('leaves the fields a PATCH does not name as they were', async () => {
    const implementer = await t.createUser(['implementer'])
    const change = await create({
      implementerId: implementer.id,
      subcategory: 'framework',
      testEvidence: 'Soaked for a week in staging.',
      targetDriverVersion: '550.54.15',
    })
    const response = await patch(change.id, { version: 1, title: 'Only the title changes' })
    expect(response.statusCode).toBe(200)
    const edited = ChangeDetail.parse(response.json())
    expect(edited).toMatchObject({
      title: 'Only the title changes',
      subcategory: 'framework',
      testEvidence: 'Soaked for a week in staging.',
      targetDriverVersion: '550.54.15',
      implementer: { id: implementer.id },
    })
    const row = await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })
    expect(row).toMatchObject({
      implementerId: implementer.id,
      subcategory: 'framework',
      testEvidence: 'Soaked for a week in staging.',
      targetDriverVersion: '550.54.15',
    })
  })

  it('clears a nullable field only when the PATCH sends null', async () => {
    const implementer = await t.createUser(['implementer'])
    const change = await create({ implementerId: implementer.id })
    const response = await patch(change.id, { version: 1, implementerId: null })
    expect(response.statusCode).toBe(200)
    expect(ChangeDetail.parse(response.json()).implementer).toBeNull()
  })

  it('refuses a version past a Postgres integer with 400 naming version, not a 500', async () => {
    const change = await create()
    const body = expectError(await patch(change.id, { version: 2 ** 31, title: 'Huge' }), 400, 'VALIDATION_FAILED')
    expect(issuePaths(body)).toEqual(['version'])
    expect((await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })).title).toBe(change.title)
  })

  it('refuses an edit with an old version: 409 STALE_VERSION and nothing written', async () => {
    const change = await create()
    expect((await patch(change.id, { version: 1, title: 'First edit' })).statusCode).toBe(200)
    expectError(await patch(change.id, { version: 1, title: 'Edit from a stale page' }), 409, 'STALE_VERSION')

    const row = await t.db.changeRequest.findUniqueOrThrow({
      where: { id: change.id },
      include: { riskAssessments: true },
    })
    expect({ title: row.title, version: row.version, assessments: row.riskAssessments.length }).toEqual({
      title: 'First edit',
      version: 2,
      assessments: 2,
    })
    expect(await t.db.auditEvent.count({ where: { changeId: change.id, action: 'change.updated' } })).toBe(1)
  })

  it('refuses an edit once the change is submitted: 409 CHANGE_NOT_EDITABLE', async () => {
    const change = await create()
    const submit = await t.app.inject({
      method: 'POST',
      url: `/api/v1/changes/${change.id}/transitions`,
      headers: requester.headers,
      payload: { event: 'submit', version: 1 },
    })
    expect(submit.statusCode).toBe(200)
    expectError(await patch(change.id, { version: 2, title: 'Too late' }), 409, 'CHANGE_NOT_EDITABLE')
    const row = await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })
    expect({ title: row.title, version: row.version, state: row.state }).toEqual({
      title: change.title,
      version: 2,
      state: 'assess',
    })
  })

  it('refuses a plannedEnd before the stored plannedStart with 400 naming plannedEnd', async () => {
    const change = await create()
    const before = new Date(Date.parse(change.plannedStart) - 3_600_000).toISOString()
    const body = expectError(await patch(change.id, { version: 1, plannedEnd: before }), 400, 'VALIDATION_FAILED')
    expect(issuePaths(body)).toEqual(['plannedEnd'])
    expect((await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })).version).toBe(1)
  })

  it('refuses a plannedEnd that its offset moves past year 9999 with 400, not a 500', async () => {
    const change = await create()
    const response = await patch(change.id, { version: 1, plannedEnd: '9999-12-31T23:00:00-05:00' })
    expect(issuePaths(expectError(response, 400, 'VALIDATION_FAILED'))).toEqual(['plannedEnd'])
    expect((await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })).version).toBe(1)
  })

  it('refuses unknown affected items and an unknown implementer with 400 naming the field', async () => {
    const change = await create()
    const unknown = '00000000-0000-4000-8000-000000000001'
    const items = await patch(change.id, { version: 1, affectedItems: [{ kind: 'service', id: unknown }] })
    expect(issuePaths(expectError(items, 400, 'VALIDATION_FAILED'))).toEqual(['affectedItems.0.id'])
    const implementer = await patch(change.id, { version: 1, implementerId: unknown })
    expect(issuePaths(expectError(implementer, 400, 'VALIDATION_FAILED'))).toEqual(['implementerId'])
    expect((await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })).version).toBe(1)
  })
})
