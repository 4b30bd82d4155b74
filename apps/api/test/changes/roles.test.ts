// Who may do what to a change: roles guard the routes, the state machine guards each step,
// and segregation of duties keeps requesters from deciding on their own changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChangeDetail } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, expectError, validChangeBody } from '../support/fixtures'

let t: TestApp
let catalog: Catalog
let manager: SignedIn

beforeAll(async () => {
  t = await startTestApp()
  catalog = await createCatalog(t.db, 4)
  manager = await t.userWith(['change_manager'])
})
afterAll(async () => {
  await t?.close()
})

async function create(user: SignedIn): Promise<ChangeDetail> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/changes',
    headers: user.headers,
    payload: validChangeBody(catalog),
  })
  expect(response.statusCode).toBe(201)
  return response.json() as ChangeDetail
}

function send(user: SignedIn, change: { id: string }, body: Record<string, unknown>) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/changes/${change.id}/transitions`,
    headers: user.headers,
    payload: body,
  })
}

describe('route roles', () => {
  it('refuses an auditor creating a change with 403 FORBIDDEN and writes nothing', async () => {
    const auditor = await t.userWith(['auditor'])
    const before = await t.db.changeRequest.count()
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: auditor.headers,
      payload: validChangeBody(catalog),
    })
    expectError(response, 403, 'FORBIDDEN')
    expect(await t.db.changeRequest.count()).toBe(before)
    expect(await t.db.auditEvent.count({ where: { actorId: auditor.userId, action: { startsWith: 'change.' } } })).toBe(
      0,
    )
  })

  it('lets an auditor read changes and their timeline', async () => {
    const auditor = await t.userWith(['auditor'])
    const change = await create(await t.userWith(['requester']))
    const get = await t.app.inject({ method: 'GET', url: `/api/v1/changes/${change.id}`, headers: auditor.headers })
    expect(get.statusCode).toBe(200)
    expect((get.json() as ChangeDetail).availableEvents).toEqual([])
    const timeline = await t.app.inject({
      method: 'GET',
      url: `/api/v1/changes/${change.id}/timeline`,
      headers: auditor.headers,
    })
    expect(timeline.statusCode).toBe(200)
  })

  it('refuses an auditor a transition: 409 TRANSITION_REFUSED, NOT_PERMITTED_FOR_ROLE', async () => {
    const auditor = await t.userWith(['auditor'])
    const change = await create(await t.userWith(['requester']))
    const body = expectError(
      await send(auditor, change, { event: 'cancel', version: 1, reason: 'x' }),
      409,
      'TRANSITION_REFUSED',
    )
    expect(body.error.details).toMatchObject({ reason: 'NOT_PERMITTED_FOR_ROLE' })
  })

  it('refuses edits by someone who is neither the requester nor a change manager', async () => {
    const change = await create(await t.userWith(['requester']))
    const stranger = await t.userWith(['requester', 'cab_member'])
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/changes/${change.id}`,
      headers: stranger.headers,
      payload: { version: 1, title: 'Hijacked' },
    })
    expectError(response, 403, 'FORBIDDEN')
    expect((await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })).title).toBe(change.title)
  })

  it('lets a change manager edit someone else’s new change', async () => {
    const change = await create(await t.userWith(['requester']))
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/changes/${change.id}`,
      headers: manager.headers,
      payload: { version: 1, title: 'Tidied by the change manager' },
    })
    expect(response.statusCode).toBe(200)
    expect((response.json() as ChangeDetail).title).toBe('Tidied by the change manager')
  })
})

describe('state machine permissions', () => {
  it('refuses a requester request_authorization: 409 TRANSITION_REFUSED, NOT_PERMITTED_FOR_ROLE, state unchanged', async () => {
    const requester = await t.userWith(['requester'])
    const change = await create(requester)
    const submitted = await send(requester, change, { event: 'submit', version: 1 })
    expect(submitted.statusCode).toBe(200)

    const response = await send(requester, change, { event: 'request_authorization', version: 2 })
    const body = expectError(response, 409, 'TRANSITION_REFUSED')
    expect(body.error.details).toEqual({
      reason: 'NOT_PERMITTED_FOR_ROLE',
      state: 'assess',
      event: 'request_authorization',
    })
    const row = await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })
    expect({ state: row.state, version: row.version }).toEqual({ state: 'assess', version: 2 })
    expect(
      await t.db.auditEvent.count({ where: { changeId: change.id, action: 'change.request_authorization' } }),
    ).toBe(0)
  })

  it('refuses a requester who is also a CAB member authorizing their own change: SELF_APPROVAL', async () => {
    const requesterAndCab = await t.userWith(['requester', 'cab_member'])
    const change = await create(requesterAndCab)
    expect((await send(requesterAndCab, change, { event: 'submit', version: 1 })).statusCode).toBe(200)
    expect((await send(manager, change, { event: 'request_authorization', version: 2 })).statusCode).toBe(200)

    const own = await send(requesterAndCab, change, { event: 'authorize', version: 3 })
    expect(expectError(own, 409, 'TRANSITION_REFUSED').error.details).toMatchObject({ reason: 'SELF_APPROVAL' })
    const ownReject = await send(requesterAndCab, change, { event: 'reject', version: 3, comment: 'mine' })
    expect(expectError(ownReject, 409, 'TRANSITION_REFUSED').error.details).toMatchObject({ reason: 'SELF_APPROVAL' })
    expect((await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })).state).toBe('authorize')

    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/changes/${change.id}`,
      headers: requesterAndCab.headers,
    })
    expect((detail.json() as ChangeDetail).availableEvents).not.toContain('authorize')
  })

  it('refuses the named implementer authorizing the change they will carry out: SELF_APPROVAL', async () => {
    const requester = await t.userWith(['requester'])
    const implementerAndCab = await t.userWith(['implementer', 'cab_member'])
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: requester.headers,
      payload: validChangeBody(catalog, { implementerId: implementerAndCab.userId }),
    })
    const change = response.json() as ChangeDetail
    expect(change.implementer?.id).toBe(implementerAndCab.userId)
    await send(requester, change, { event: 'submit', version: 1 })
    await send(manager, change, { event: 'request_authorization', version: 2 })
    const own = await send(implementerAndCab, change, { event: 'authorize', version: 3 })
    expect(expectError(own, 409, 'TRANSITION_REFUSED').error.details).toMatchObject({ reason: 'SELF_APPROVAL' })
  })

  it('refuses another requester submitting a change that is not theirs', async () => {
    const change = await create(await t.userWith(['requester']))
    const other = await t.userWith(['requester'])
    const body = expectError(await send(other, change, { event: 'submit', version: 1 }), 409, 'TRANSITION_REFUSED')
    expect(body.error.details).toMatchObject({ reason: 'NOT_PERMITTED_FOR_ROLE' })
  })

  it('refuses a step the state does not allow with NOT_ALLOWED_IN_STATE', async () => {
    const requester = await t.userWith(['requester'])
    const change = await create(requester)
    const body = expectError(
      await send(manager, change, { event: 'close', version: 1, closeCode: 'successful' }),
      409,
      'TRANSITION_REFUSED',
    )
    expect(body.error.details).toEqual({ reason: 'NOT_ALLOWED_IN_STATE', state: 'new', event: 'close' })
  })
})
