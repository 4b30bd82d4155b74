// Finding changes: filters, text search, keyset pagination; and previewing a risk without writing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChangeDetail, ChangePage, RiskAssessmentView } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, expectError, issuePaths, validChangeBody } from '../support/fixtures'

let t: TestApp
let catalog: Catalog
let alice: SignedIn
let bob: SignedIn
let manager: SignedIn
const created: ChangeDetail[] = []

const RISKY = {
  experience: 'first-time',
  automation: 'manual',
  testedInStaging: false,
  rollbackTested: false,
  requiresDowntime: true,
  userVisible: true,
} as const
const SAFE = {
  experience: 'routine',
  automation: 'automated',
  testedInStaging: true,
  rollbackTested: true,
  requiresDowntime: false,
  userVisible: false,
} as const

async function create(user: SignedIn, overrides: Parameters<typeof validChangeBody>[1]) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/changes',
    headers: user.headers,
    payload: validChangeBody(catalog, overrides),
  })
  expect(response.statusCode).toBe(201)
  const change = ChangeDetail.parse(response.json())
  created.push(change)
  return change
}

async function transition(user: SignedIn, change: ChangeDetail, body: Record<string, unknown>) {
  const response = await t.app.inject({
    method: 'POST',
    url: `/api/v1/changes/${change.id}/transitions`,
    headers: user.headers,
    payload: { ...body, version: change.version },
  })
  expect(response.statusCode).toBe(200)
  const next = ChangeDetail.parse(response.json())
  created[created.findIndex((c) => c.id === change.id)] = next
  return next
}

async function list(query: string, user = alice) {
  const response = await t.app.inject({ method: 'GET', url: `/api/v1/changes?${query}`, headers: user.headers })
  expect(response.statusCode, response.body).toBe(200)
  return ChangePage.parse(response.json())
}

const numbersOf = (page: { items: { number: string }[] }) => page.items.map((item) => item.number).sort()
const numbersWhere = (keep: (change: ChangeDetail) => boolean) =>
  created
    .filter(keep)
    .map((change) => change.number)
    .sort()

beforeAll(async () => {
  t = await startTestApp()
  catalog = await createCatalog(t.db, 8)
  // Alice is on call too: she raises the emergency below.
  alice = await t.userWith(['requester', 'implementer'])
  bob = await t.userWith(['requester'])
  manager = await t.userWith(['change_manager'])

  await create(alice, { title: 'Upgrade PyTorch on inference', riskQuestionnaire: SAFE })
  await create(alice, { title: 'Rotate the Slurm munge key', category: 'security', subcategory: 'access-control' })
  const emergency = await create(alice, {
    type: 'emergency',
    category: 'infrastructure',
    subcategory: 'gpu-firmware',
    title: 'Emergency GPU firmware for XID 79',
    riskQuestionnaire: RISKY,
    affectedItems: [{ kind: 'cluster', id: catalog.clusterId }],
  })
  await create(bob, {
    type: 'standard',
    category: 'configuration',
    title: 'Raise NCCL timeout',
    riskQuestionnaire: SAFE,
  })
  const submitted = await create(bob, { title: 'Upgrade CUDA to 12.6', category: 'software', subcategory: 'cuda' })
  const canceled = await create(bob, {
    title: 'Swap coolant pumps',
    category: 'infrastructure',
    riskQuestionnaire: RISKY,
  })
  await create(alice, { title: 'Upgrade Triton server', category: 'model', subcategory: 'model-deployment' })
  await create(bob, { title: 'Cap GPU power at 90% on rack_7', category: 'configuration' })

  await transition(alice, emergency, { event: 'submit' })
  await transition(bob, submitted, { event: 'submit' })
  await transition(manager, canceled, { event: 'cancel', reason: 'Vendor postponed' })
})
afterAll(async () => {
  await t?.close()
})

describe('list filters', () => {
  it('lists every change newest first without filters', async () => {
    const page = await list('limit=50')
    expect(page.items.map((item) => item.number)).toEqual(created.map((change) => change.number).reverse())
    expect(page.nextCursor).toBeNull()
  })

  it('filters by state, taking a comma list', async () => {
    expect(numbersOf(await list('state=new'))).toEqual(numbersWhere((c) => c.state === 'new'))
    expect(numbersOf(await list('state=authorize,assess,canceled'))).toEqual(
      numbersWhere((c) => ['authorize', 'assess', 'canceled'].includes(c.state)),
    )
    expect((await list('state=closed')).items).toEqual([])
  })

  it('filters by type and by category', async () => {
    expect(numbersOf(await list('type=emergency'))).toEqual(numbersWhere((c) => c.type === 'emergency'))
    expect(numbersOf(await list('type=standard,emergency'))).toHaveLength(2)
    expect(numbersOf(await list('category=security,configuration'))).toEqual(
      numbersWhere((c) => c.category === 'security' || c.category === 'configuration'),
    )
  })

  it('filters by risk level', async () => {
    const levels = [...new Set(created.map((change) => change.riskLevel))]
    expect(levels.length).toBeGreaterThan(1)
    for (const level of levels) {
      expect(numbersOf(await list(`risk=${level}`))).toEqual(numbersWhere((c) => c.riskLevel === level))
    }
  })

  it('shows only the caller’s own changes with mine=true', async () => {
    expect(numbersOf(await list('mine=true', bob))).toEqual(numbersWhere((c) => c.requester.id === bob.userId))
    expect(numbersOf(await list('mine=true', manager))).toEqual([])
    expect((await list('mine=false', manager)).items).toHaveLength(created.length)
  })

  it('searches titles case-insensitively and numbers with q', async () => {
    expect(numbersOf(await list('q=upgrade'))).toEqual(numbersWhere((c) => c.title.startsWith('Upgrade')))
    const target = created[3] as ChangeDetail
    expect(numbersOf(await list(`q=${target.number.toLowerCase()}`))).toEqual([target.number])
  })

  it('matches % and _ in q literally, not as wildcards', async () => {
    const capped = numbersWhere((c) => c.title.includes('90%'))
    expect(capped).toHaveLength(1)
    expect(numbersOf(await list('q=%25'))).toEqual(capped)
    expect(numbersOf(await list('q=90%25 on'))).toEqual(capped)
    expect(numbersOf(await list('q=rack_7'))).toEqual(capped)
    expect((await list('q=_')).items.map((item) => item.number)).toEqual(capped)
    expect((await list('q=GPU_power')).items).toEqual([])
  })

  it('combines filters with AND', async () => {
    expect(numbersOf(await list('q=upgrade&state=new&mine=true'))).toEqual(
      numbersWhere((c) => c.title.startsWith('Upgrade') && c.state === 'new' && c.requester.id === alice.userId),
    )
  })

  it('refuses an unknown filter value with 400 naming the field', async () => {
    for (const [query, field] of [
      ['state=bogus', 'state'],
      ['type=normal,weird', 'type'],
      ['risk=extreme', 'risk'],
      ['mine=yes', 'mine'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      [`q=${'x'.repeat(201)}`, 'q'],
    ] as const) {
      const response = await t.app.inject({ method: 'GET', url: `/api/v1/changes?${query}`, headers: alice.headers })
      const paths = issuePaths(expectError(response, 400, 'VALIDATION_FAILED'))
      expect(
        paths.some((path) => path === field || path.startsWith(`${field}.`)),
        `${query}: ${paths}`,
      ).toBe(true)
    }
  })
})

describe('pagination', () => {
  async function walk(query: string) {
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = await list(`${query}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items.map((item) => item.id))
      cursor = page.nextCursor
      pages += 1
      expect(pages).toBeLessThan(20)
    } while (cursor)
    return { seen, pages }
  }

  it('returns every change exactly once across pages of 2, newest first', async () => {
    const { seen, pages } = await walk('')
    expect(seen).toEqual(created.map((change) => change.id).reverse())
    expect(pages).toBe(Math.ceil(created.length / 2))
  })

  it('keeps a filter across pages', async () => {
    const { seen } = await walk('state=new')
    expect(seen).toEqual(
      created
        .filter((c) => c.state === 'new')
        .map((c) => c.id)
        .reverse(),
    )
  })

  it('pages stably while changes are added: new ones do not shift later pages', async () => {
    const first = await list('limit=3')
    await create(bob, { title: 'Added between pages' })
    const second = await list(`limit=50&cursor=${encodeURIComponent(first.nextCursor ?? '')}`)
    const ids = [...first.items, ...second.items].map((item) => item.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toHaveLength(created.length - 1)
  })

  it('refuses a cursor it did not issue with 400 naming cursor', async () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    for (const cursor of [
      'not-a-cursor',
      forged({ c: 'yesterday', i: created[0]?.id }),
      forged({ c: new Date().toISOString() }),
      forged({ c: new Date().toISOString(), i: 'not-a-uuid' }),
      forged([1, 2]),
      'x'.repeat(201),
      // Dates Postgres cannot compare against: year 0 and past year 9999.
      forged({ c: '0000-01-01T00:00:00.000Z', i: created[0]?.id }),
      forged({ c: '+275760-09-13T00:00:00.000Z', i: created[0]?.id }),
    ]) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/v1/changes?cursor=${encodeURIComponent(cursor)}`,
        headers: alice.headers,
      })
      expect(issuePaths(expectError(response, 400, 'VALIDATION_FAILED')), cursor).toEqual(['cursor'])
    }
  })
})

describe('risk preview', () => {
  it('returns the matrix cell and its reasons without writing anything', async () => {
    const counts = () =>
      Promise.all([
        t.db.changeRequest.count(),
        t.db.riskAssessment.count(),
        t.db.auditEvent.count(),
        t.db.changeItem.count(),
      ])
    const before = await counts()
    const body = validChangeBody(catalog, { riskQuestionnaire: RISKY })
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/risk/preview',
      headers: alice.headers,
      payload: {
        category: body.category,
        subcategory: body.subcategory,
        plannedStart: body.plannedStart,
        affectedItems: [{ kind: 'cluster', id: catalog.clusterId }],
        rollbackPlan: body.rollbackPlan,
        riskQuestionnaire: body.riskQuestionnaire,
      },
    })
    expect(response.statusCode).toBe(200)
    const risk = RiskAssessmentView.parse(response.json())
    expect(risk.probability).toBe(5)
    expect(risk.score).toBe(risk.probability * risk.impact)
    expect(risk.reasons.map((reason) => reason.code)).toContain('cluster-share-above-quarter')
    expect(risk.override).toBeNull()
    expect(await counts()).toEqual(before)
  })

  it('is open to read-only roles, and refuses unknown items with 400 naming them', async () => {
    const auditor = await t.userWith(['auditor'])
    const body = validChangeBody(catalog)
    const base = { category: body.category, plannedStart: body.plannedStart, riskQuestionnaire: body.riskQuestionnaire }
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/risk/preview',
      headers: auditor.headers,
      payload: { ...base, affectedItems: [] },
    })
    expect(ok.statusCode).toBe(200)
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/risk/preview',
      headers: auditor.headers,
      payload: { ...base, affectedItems: [{ kind: 'node', id: '00000000-0000-4000-8000-000000000009' }] },
    })
    expect(issuePaths(expectError(unknown, 400, 'VALIDATION_FAILED'))).toEqual(['affectedItems.0.id'])
  })
})
