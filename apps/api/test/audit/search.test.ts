// Audit search: every filter, keyset pages that neither skip nor repeat, 400s naming the field, who
// may search; and one change's history as Markdown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuditEventPage, ChangeDetail } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, expectError, issuePaths, validChangeBody } from '../support/fixtures'

let t: TestApp
let catalog: Catalog
let auditor: SignedIn
let admin: SignedIn
let requester: SignedIn
let change: ChangeDetail
let other: ChangeDetail

async function createChange() {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/changes',
    headers: requester.headers,
    payload: validChangeBody(catalog),
  })
  expect(response.statusCode).toBe(201)
  return ChangeDetail.parse(response.json())
}

beforeAll(async () => {
  t = await startTestApp()
  catalog = await createCatalog(t.db, 2)
  auditor = await t.userWith(['auditor'])
  admin = await t.userWith(['admin'])
  requester = await t.userWith(['requester'])
  change = await createChange()
  other = await createChange()
  const edit = await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/changes/${change.id}`,
    headers: requester.headers,
    payload: { version: 1, title: 'Upgrade | PyTorch\nnow' },
  })
  expect(edit.statusCode).toBe(200)
})
afterAll(async () => {
  await t?.close()
})

async function search(query: string, user = auditor) {
  const response = await t.app.inject({ method: 'GET', url: `/api/v1/audit/events?${query}`, headers: user.headers })
  expect(response.statusCode, response.body).toBe(200)
  return AuditEventPage.parse(response.json())
}

describe('GET /api/v1/audit/events', () => {
  it('lists every event newest first', async () => {
    const page = await search('')
    const total = await t.db.auditEvent.count()
    expect(page.items).toHaveLength(total)
    expect(page.items.map((item) => item.seq)).toEqual([...page.items.map((item) => item.seq)].sort((a, b) => b - a))
    expect(page.nextCursor).toBeNull()
  })

  it('pages with a cursor, every event exactly once', async () => {
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page: AuditEventPage = await search(`limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items.map((item) => item.seq))
      cursor = page.nextCursor
    } while (cursor)
    const all = await t.db.auditEvent.findMany({ orderBy: { seq: 'desc' }, select: { seq: true } })
    expect(seen).toEqual(all.map((row) => Number(row.seq)))
  })

  it('filters by change number or id, action (exact or prefix), entity, actor and time', async () => {
    const byNumber = await search(`change=${change.number}`)
    expect(byNumber.items.map((item) => item.action).sort()).toEqual(['change.created', 'change.updated'])
    expect((await search(`change=${change.id}`)).items).toEqual(byNumber.items)
    expect((await search('action=change.created')).items.map((item) => item.entityId).sort()).toEqual(
      [change.id, other.id].sort(),
    )
    expect((await search('action=change.*')).items).toHaveLength(3)
    expect((await search('action=user.*')).items.every((item) => item.action.startsWith('user.'))).toBe(true)
    const entity = await search(`entityType=change&entityId=${other.id}`)
    expect(entity.items.map((item) => item.action)).toEqual(['change.created'])
    const mine = await search(`actorId=${requester.userId}`)
    expect(mine.items.length).toBeGreaterThanOrEqual(4)
    expect(mine.items.every((item) => item.actor.id === requester.userId)).toBe(true)
    const [newest] = (await search('limit=1')).items
    if (!newest) throw new Error('no events')
    expect((await search(`from=${encodeURIComponent(newest.at)}`)).items.map((item) => item.seq)).toContain(newest.seq)
    expect((await search('to=2000-01-01T00:00:00Z')).items).toEqual([])
    expect((await search('from=2999-01-01T00:00:00Z')).items).toEqual([])
  })

  it('finds nothing for a change that does not exist, rather than ignoring the filter', async () => {
    expect((await search('change=CHG9999999')).items).toEqual([])
  })

  it('is open to auditors and administrators, not to requesters or anonymous callers', async () => {
    expect((await search('limit=1', admin)).items).toHaveLength(1)
    const refused = await t.app.inject({ method: 'GET', url: '/api/v1/audit/events', headers: requester.headers })
    expectError(refused, 403, 'FORBIDDEN')
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/audit/events' }), 401, 'UNAUTHENTICATED')
  })

  for (const [query, field] of [
    ['from=yesterday', 'from'],
    ['to=2026-13-01T00:00:00Z', 'to'],
    ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
    ['actorId=nobody', 'actorId'],
    ['change=CHG12', 'change'],
    ['action=drop%20table', 'action'],
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${Buffer.from('s:-1').toString('base64url')}`, 'cursor'],
  ] as const) {
    it(`refuses ${query} with a 400 naming ${field}`, async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/v1/audit/events?${query}`,
        headers: auditor.headers,
      })
      expect(issuePaths(expectError(response, 400, 'VALIDATION_FAILED'))).toContain(field)
    })
  }
})

describe('GET /api/v1/changes/:id/history.md', () => {
  it('renders every event of the change with who, when, what changed and the hashes', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/changes/${change.number}/history.md`,
      headers: requester.headers,
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/markdown; charset=utf-8')
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${change.number}-history.md"`)
    const events = await t.db.auditEvent.findMany({ where: { changeId: change.id }, orderBy: { seq: 'asc' } })
    const markdown = response.body
    expect(markdown.startsWith(`# ${change.number}: `)).toBe(true)
    for (const event of events) {
      expect(markdown).toContain(`## ${event.seq} · ${event.at.toISOString()} · \`${event.action}\``)
      expect(markdown).toContain(`**Hash:** \`${event.hash}\``)
      expect(markdown).toContain(`**Previous hash:** \`${event.prevHash}\``)
    }
    // The edit's changed field, with a pipe and newline that cannot break the table.
    expect(markdown).toContain('| title | Upgrade PyTorch on the inference nodes | Upgrade \\| PyTorch now |')
  })

  it('answers 404 for a change that does not exist', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/changes/CHG9999999/history.md',
      headers: requester.headers,
    })
    expectError(response, 404, 'CHANGE_NOT_FOUND')
  })
})
