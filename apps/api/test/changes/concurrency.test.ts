// Optimistic locking under real concurrency: of several writers holding the same version, exactly
// one wins and the rest hear STALE_VERSION; the row and the audit trail show one write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChangeDetail } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, validChangeBody } from '../support/fixtures'

let t: TestApp
let catalog: Catalog
let requester: SignedIn
let manager: SignedIn

beforeAll(async () => {
  t = await startTestApp()
  catalog = await createCatalog(t.db, 4)
  requester = await t.userWith(['requester'])
  manager = await t.userWith(['change_manager'])
})
afterAll(async () => {
  await t?.close()
})

async function create() {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/changes',
    headers: requester.headers,
    payload: validChangeBody(catalog),
  })
  expect(response.statusCode).toBe(201)
  return ChangeDetail.parse(response.json())
}

const codeOf = (body: string) => (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? 'none'

describe('concurrent writers of one change', () => {
  it('lets exactly one of two simultaneous PATCHes with the same version win; the other gets 409 STALE_VERSION', async () => {
    const change = await create()
    const [first, second] = await Promise.all(
      ['Title from tab A', 'Title from tab B'].map((title) =>
        t.app.inject({
          method: 'PATCH',
          url: `/api/v1/changes/${change.id}`,
          headers: requester.headers,
          payload: { version: 1, title },
        }),
      ),
    )
    const outcomes = [first, second].map(
      (r) => `${r?.statusCode} ${r?.statusCode === 200 ? 'ok' : codeOf(r?.body ?? '')}`,
    )
    expect(outcomes.sort()).toEqual(['200 ok', '409 STALE_VERSION'])

    const winner = [first, second].find((r) => r?.statusCode === 200)
    const row = await t.db.changeRequest.findUniqueOrThrow({
      where: { id: change.id },
      include: { riskAssessments: true },
    })
    expect(row.version).toBe(2)
    expect(row.title).toBe(ChangeDetail.parse(winner?.json()).title)
    expect(row.riskAssessments).toHaveLength(2)
    expect(await t.db.auditEvent.count({ where: { changeId: change.id, action: 'change.updated' } })).toBe(1)
  })

  it('lets exactly one of ten simultaneous submits with the same version succeed', async () => {
    const change = await create()
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/changes/${change.id}/transitions`,
          headers: requester.headers,
          payload: { event: 'submit', version: 1 },
        }),
      ),
    )
    const statuses = responses.map((r) => r.statusCode)
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    expect(responses.filter((r) => r.statusCode !== 200).map((r) => `${r.statusCode} ${codeOf(r.body)}`)).toEqual(
      Array(9).fill('409 STALE_VERSION'),
    )
    const row = await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })
    expect({ state: row.state, version: row.version }).toEqual({ state: 'assess', version: 2 })
    expect(await t.db.auditEvent.count({ where: { changeId: change.id, action: 'change.submit' } })).toBe(1)
  })

  it('lets one of a racing edit and submit win, never both', async () => {
    const change = await create()
    const [edit, submit] = await Promise.all([
      t.app.inject({
        method: 'PATCH',
        url: `/api/v1/changes/${change.id}`,
        headers: requester.headers,
        payload: { version: 1, title: 'Edited while being submitted' },
      }),
      t.app.inject({
        method: 'POST',
        url: `/api/v1/changes/${change.id}/transitions`,
        headers: requester.headers,
        payload: { event: 'submit', version: 1 },
      }),
    ])
    expect([edit?.statusCode, submit?.statusCode].filter((status) => status === 200)).toHaveLength(1)
    expect([edit?.statusCode, submit?.statusCode].filter((status) => status === 409)).toHaveLength(1)
    const row = await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })
    expect(row.version).toBe(2)
    expect(row.state).toBe(submit?.statusCode === 200 ? 'assess' : 'new')
    expect(row.title).toBe(edit?.statusCode === 200 ? 'Edited while being submitted' : change.title)
  })

  it('lets one of two change managers racing to request authorization and to cancel win', async () => {
    let change = await create()
    const submitted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/changes/${change.id}/transitions`,
      headers: requester.headers,
      payload: { event: 'submit', version: 1 },
    })
    change = ChangeDetail.parse(submitted.json())
    const [authorize, cancel] = await Promise.all([
      t.app.inject({
        method: 'POST',
        url: `/api/v1/changes/${change.id}/transitions`,
        headers: manager.headers,
        payload: { event: 'request_authorization', version: change.version },
      }),
      t.app.inject({
        method: 'POST',
        url: `/api/v1/changes/${change.id}/transitions`,
        headers: requester.headers,
        payload: { event: 'cancel', version: change.version, reason: 'No longer needed' },
      }),
    ])
    expect([authorize?.statusCode, cancel?.statusCode].sort()).toEqual([200, 409])
    const row = await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })
    expect(row.state).toBe(authorize?.statusCode === 200 ? 'authorize' : 'canceled')
    expect(row.version).toBe(3)
  })
})

describe('concurrent creates', () => {
  it('gives ten simultaneous creates ten distinct, consecutive numbers', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/changes',
          headers: requester.headers,
          payload: validChangeBody(catalog),
        }),
      ),
    )
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(201))
    const numbers = responses.map((r) => Number(ChangeDetail.parse(r.json()).number.slice(3))).sort((a, b) => a - b)
    expect((numbers.at(-1) ?? 0) - (numbers[0] ?? 0)).toBe(9)
    expect(new Set(numbers).size).toBe(10)
  })
})
