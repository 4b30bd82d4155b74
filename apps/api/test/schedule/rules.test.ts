// Freezes and maintenance windows over HTTP: who may write them, what is refused (each 400 names
// its field), optimistic locking, the audit trail, and their expansion into occurrences.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ScheduleRuleList, ScheduleRuleView } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, expectError, issuePaths } from '../support/fixtures'
import { createRule } from './schedule-fixtures'

let t: TestApp
let catalog: Catalog
let manager: SignedIn
let requester: SignedIn

const freezeBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'Year-end freeze',
  reason: 'Trading peak',
  start: '2026-12-20T00:00',
  timeZone: 'Europe/Berlin',
  durationMinutes: 14 * 24 * 60,
  scope: 'clusters',
  items: [{ kind: 'cluster', id: catalog.clusterId }],
  ...overrides,
})

beforeAll(async () => {
  t = await startTestApp({ clock: { now: () => new Date('2026-11-27T12:00:00Z') } })
  catalog = await createCatalog(t.db, 4)
  manager = await t.userWith(['change_manager'], 'Manny Manager')
  requester = await t.userWith(['requester'], 'Rita Requester')
})
afterAll(async () => {
  await t?.close()
})

describe('freezes', () => {
  it('a change manager creates one; it is expanded, audited and listed with its cluster', async () => {
    const freeze = await createRule(t, manager, 'freezes', freezeBody())
    expect(freeze).toMatchObject({
      kind: 'freeze',
      scope: 'clusters',
      version: 1,
      overrideRoles: ['change_manager', 'admin'],
      items: [{ kind: 'cluster', id: catalog.clusterId, name: expect.stringMatching(/^cluster-/) }],
      // Midnight in Berlin (CET) is 23:00 UTC the day before.
      upcoming: [{ start: '2026-12-19T23:00:00.000Z', end: '2027-01-02T23:00:00.000Z' }],
    })
    expect(await t.db.scheduleOccurrence.count({ where: { ruleId: freeze.id } })).toBe(1)
    const audit = await t.db.auditEvent.findFirst({ where: { entityId: freeze.id, action: 'freeze.created' } })
    expect(audit?.after).toMatchObject({ name: 'Year-end freeze', occurrences: 1 })
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/schedule/freezes', headers: requester.headers })
    expect(ScheduleRuleList.parse(list.json()).items.map((item) => item.id)).toContain(freeze.id)
  })

  it('refuses a requester', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schedule/freezes',
      headers: requester.headers,
      payload: freezeBody(),
    })
    expectError(response, 403, 'FORBIDDEN')
  })

  it.each([
    [{ rrule: 'FREQ=WEEKLY;BYDAY=XX' }, 'rrule'],
    [{ rrule: 'FREQ=MINUTELY' }, 'rrule'],
    [{ timeZone: 'Europe/Atlantis' }, 'timeZone'],
    [{ start: '2026-02-30T00:00' }, 'start'],
    [{ start: '2026-12-20 00:00' }, 'start'],
    [{ items: [] }, 'items'],
    [{ scope: 'categories', items: [], categories: [] }, 'categories'],
    [{ scope: 'global' }, 'items'],
    [{ durationMinutes: 0 }, 'durationMinutes'],
    [{ exceptions: ['soon'] }, 'exceptions.0'],
  ])('refuses %o with a 400 naming %s', async (overrides, path) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schedule/freezes',
      headers: manager.headers,
      payload: freezeBody(overrides),
    })
    expect(issuePaths(expectError(response, 400, 'VALIDATION_FAILED'))).toContain(path)
  })

  it('refuses a node in a clusters scope, and an unknown cluster, naming the item', async () => {
    const wrongKind = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schedule/freezes',
      headers: manager.headers,
      payload: freezeBody({ items: [{ kind: 'node', id: catalog.nodeIds[0] }] }),
    })
    expect(issuePaths(expectError(wrongKind, 400, 'VALIDATION_FAILED'))).toEqual(['items.0.kind'])
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schedule/freezes',
      headers: manager.headers,
      payload: freezeBody({ items: [{ kind: 'cluster', id: '00000000-0000-4000-8000-000000000000' }] }),
    })
    expect(issuePaths(expectError(unknown, 400, 'VALIDATION_FAILED'))).toEqual(['items.0.id'])
  })

  it('edits with the version last read, re-expands, and refuses a stale version', async () => {
    const freeze = await createRule(t, manager, 'freezes', freezeBody({ name: 'Weekly' }))
    const edited = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/schedule/freezes/${freeze.id}`,
      headers: manager.headers,
      payload: { version: 1, rrule: 'FREQ=WEEKLY;COUNT=3', durationMinutes: 60 },
    })
    expect(edited.statusCode, edited.body).toBe(200)
    expect(ScheduleRuleView.parse(edited.json())).toMatchObject({
      version: 2,
      name: 'Weekly',
      rrule: 'FREQ=WEEKLY;COUNT=3',
    })
    expect(await t.db.scheduleOccurrence.count({ where: { ruleId: freeze.id } })).toBe(3)
    const stale = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/schedule/freezes/${freeze.id}`,
      headers: manager.headers,
      payload: { version: 1, name: 'Lost update' },
    })
    expectError(stale, 409, 'STALE_VERSION')

    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/schedule/freezes/${freeze.id}?version=2`,
      headers: manager.headers,
    })
    expect(removed.statusCode).toBe(204)
    expect(await t.db.scheduleOccurrence.count({ where: { ruleId: freeze.id } })).toBe(0)
    const gone = await t.app.inject({
      method: 'GET',
      url: `/api/v1/schedule/freezes/${freeze.id}`,
      headers: manager.headers,
    })
    expectError(gone, 404, 'NOT_FOUND')
  })
})

describe('maintenance windows', () => {
  it('expands a weekly Berlin window across the spring change at 22:00 local', async () => {
    const window = await createRule(t, manager, 'windows', {
      name: 'Saturday nights',
      start: '2027-03-20T22:00',
      timeZone: 'Europe/Berlin',
      durationMinutes: 240,
      rrule: 'FREQ=WEEKLY;BYDAY=SA;COUNT=3',
      scope: 'nodes',
      items: [{ kind: 'node', id: catalog.nodeIds[1] }],
    })
    expect(window.upcoming).toEqual([
      { start: '2027-03-20T21:00:00.000Z', end: '2027-03-21T01:00:00.000Z' },
      { start: '2027-03-27T21:00:00.000Z', end: '2027-03-28T01:00:00.000Z' },
      { start: '2027-04-03T20:00:00.000Z', end: '2027-04-04T00:00:00.000Z' },
    ])
    // A window is a window: it has no override roles, whatever the body says.
    expect(window.overrideRoles).toEqual([])
  })
})
