// The calendar range query and the per-user iCalendar feed: a bounded range, a secret URL whose
// file parses with ical.js and holds the changes and the freeze, rotation and revocation.
import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CalendarFeedCreated, CalendarFeedStatus, CalendarView } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, expectError, issuePaths } from '../support/fixtures'
import { createChange, createRule, DAY_MS, step, utcLocal } from './schedule-fixtures'

let t: TestApp
let catalog: Catalog
let requester: SignedIn
let manager: SignedIn
let changeNumber: string

beforeAll(async () => {
  t = await startTestApp()
  catalog = await createCatalog(t.db, 3)
  requester = await t.userWith(['requester'], 'Rita Requester')
  manager = await t.userWith(['change_manager'], 'Manny Manager')
  const start = new Date(Date.now() + 3 * DAY_MS)
  start.setUTCHours(0, 0, 0, 0)
  await createRule(t, manager, 'freezes', {
    name: 'Quarter close',
    start: utcLocal(start),
    timeZone: 'UTC',
    durationMinutes: 24 * 60,
    scope: 'global',
  })
  let change = await createChange(t, requester, catalog)
  change = await step(t, requester, change, { event: 'submit' })
  changeNumber = change.number
})
afterAll(async () => {
  await t?.close()
})

describe('the calendar', () => {
  it('returns changes and occurrences in the range', async () => {
    const from = new Date().toISOString()
    const to = new Date(Date.now() + 30 * DAY_MS).toISOString()
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/calendar?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      headers: requester.headers,
    })
    expect(response.statusCode, response.body).toBe(200)
    const view = CalendarView.parse(response.json())
    expect(view.changes.map((change) => change.number)).toEqual([changeNumber])
    expect(view.occurrences.map((occurrence) => [occurrence.kind, occurrence.name])).toEqual([
      ['freeze', 'Quarter close'],
    ])
  })

  it('refuses a range longer than 92 days or backwards, naming `to`', async () => {
    for (const to of [new Date(Date.now() + 100 * DAY_MS), new Date(Date.now() - DAY_MS)]) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/v1/calendar?from=${encodeURIComponent(new Date().toISOString())}&to=${encodeURIComponent(to.toISOString())}`,
        headers: requester.headers,
      })
      expect(issuePaths(expectError(response, 400, 'VALIDATION_FAILED'))).toEqual(['to'])
    }
  })
})

describe('the iCalendar feed', () => {
  async function issue() {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/calendar/feed', headers: requester.headers })
    expect(response.statusCode, response.body).toBe(201)
    return CalendarFeedCreated.parse(response.json())
  }
  const fetchFeed = (url: string) => t.app.inject({ method: 'GET', url: new URL(url).pathname })

  it('serves a valid calendar at the secret URL without a session, stores only a hash, and rotates and revokes', async () => {
    const created = await issue()
    expect(created.url).toMatch(/\/api\/v1\/calendar\/feeds\/calf_/)
    const stored = await t.db.calendarFeedToken.findMany()
    expect(JSON.stringify(stored)).not.toContain(created.token)

    const response = await fetchFeed(created.url)
    expect(response.statusCode, response.body).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/calendar/)
    const calendar = new ICAL.Component(ICAL.parse(response.body))
    const summaries = calendar
      .getAllSubcomponents('vevent')
      .map((event) => String(event.getFirstPropertyValue('summary')))
    expect(summaries).toEqual(expect.arrayContaining([expect.stringContaining(changeNumber), 'Freeze: Quarter close']))
    for (const event of calendar.getAllSubcomponents('vevent')) {
      const parsed = new ICAL.Event(event)
      expect(parsed.uid).toMatch(/@cabinet$/)
      expect(parsed.endDate.compare(parsed.startDate)).toBe(1)
    }
    const status = await t.app.inject({ method: 'GET', url: '/api/v1/calendar/feed', headers: requester.headers })
    expect(CalendarFeedStatus.parse(status.json())).toMatchObject({
      active: true,
      prefix: created.prefix,
      lastUsedAt: expect.any(String),
    })

    const rotated = await issue()
    expectError(await fetchFeed(created.url), 401, 'UNAUTHENTICATED')
    expect((await fetchFeed(rotated.url)).statusCode).toBe(200)

    const revoked = await t.app.inject({ method: 'DELETE', url: '/api/v1/calendar/feed', headers: requester.headers })
    expect(revoked.statusCode).toBe(204)
    expectError(await fetchFeed(rotated.url), 401, 'UNAUTHENTICATED')
    const actions = await t.db.auditEvent.findMany({ where: { entityType: 'calendar_feed' }, orderBy: { seq: 'asc' } })
    expect(actions.map((event) => event.action)).toEqual([
      'calendar_feed.created',
      'calendar_feed.rotated',
      'calendar_feed.revoked',
    ])
  })

  it('answers a malformed or unknown token with 401, like any bad credential', async () => {
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/calendar/feeds/nope' }), 401, 'UNAUTHENTICATED')
    expectError(
      await t.app.inject({ method: 'GET', url: `/api/v1/calendar/feeds/calf_abcdefgh_${'x'.repeat(43)}` }),
      401,
      'UNAUTHENTICATED',
    )
  })
})
