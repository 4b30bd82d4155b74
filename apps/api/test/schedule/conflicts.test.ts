// Conflict detection end to end: a freeze over a cluster names every node of a change inside it
// as one conflict; the assistant's slot clears it; same-item and parent/child overlaps; windows;
// the scheduling guard, the emergency override, and re-evaluation and holds when a freeze is added.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChangeConflicts, ConflictPreview, SuggestedSlots } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, expectError } from '../support/fixtures'
import {
  createChange,
  createRule,
  DAY_MS,
  HOUR_MS,
  runScheduleJob,
  step,
  transition,
  utcLocal,
} from './schedule-fixtures'

let t: TestApp
let frozen: Catalog
let open: Catalog
let requester: SignedIn
let manager: SignedIn
let cab: SignedIn
/** Midnight UTC six days out: the frozen cluster is frozen from here for three days. */
let freezeStart: Date

beforeAll(async () => {
  t = await startTestApp()
  frozen = await createCatalog(t.db, 20)
  open = await createCatalog(t.db, 8)
  requester = await t.userWith(['requester'], 'Rita Requester')
  manager = await t.userWith(['change_manager'], 'Manny Manager')
  cab = await t.userWith(['cab_member'], 'Cara Cab')
  freezeStart = new Date(Date.now() + 6 * DAY_MS)
  freezeStart.setUTCHours(0, 0, 0, 0)
  await createRule(t, manager, 'freezes', {
    name: 'Cluster freeze',
    start: utcLocal(freezeStart),
    timeZone: 'UTC',
    durationMinutes: 3 * 24 * 60,
    scope: 'clusters',
    items: [{ kind: 'cluster', id: frozen.clusterId }],
    overrideRoles: ['cab_member', 'change_manager'],
  })
})
afterAll(async () => {
  await t?.close()
})

/** Inside the freeze: day 7 at 02:00 UTC for four hours (validChangeBody's default time). */
function defaultSlot() {
  const start = new Date(Date.now() + 7 * DAY_MS)
  start.setUTCHours(2, 0, 0, 0)
  return { plannedStart: start.toISOString(), plannedEnd: new Date(start.getTime() + 4 * HOUR_MS).toISOString() }
}

async function preview(body: Record<string, unknown>) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/schedule/conflicts/preview',
    headers: requester.headers,
    payload: { category: 'software', ...body },
  })
  expect(response.statusCode, response.body).toBe(200)
  return ConflictPreview.parse(response.json())
}

async function storedConflicts(changeId: string) {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/v1/changes/${changeId}/conflicts`,
    headers: requester.headers,
  })
  expect(response.statusCode, response.body).toBe(200)
  return ChangeConflicts.parse(response.json())
}

const allNodes = (catalog: Catalog) => catalog.nodeIds.map((id) => ({ kind: 'node' as const, id }))

describe('a change inside a freeze', () => {
  it('is one blocking conflict listing all 20 nodes, and the suggested slot clears it', async () => {
    const inside = await preview({ affectedItems: allNodes(frozen), ...defaultSlot() })
    expect(inside.blocking).toBe(true)
    expect(inside.conflicts).toHaveLength(1)
    const [conflict] = inside.conflicts
    expect(conflict).toMatchObject({ kind: 'freeze', blocking: true, itemCount: 20, rule: { name: 'Cluster freeze' } })
    expect(conflict?.items.map((item) => item.name)).toEqual(
      [...(conflict?.items.map((item) => item.name) ?? [])].sort(),
    )
    expect(new Set(conflict?.items.map((item) => item.id))).toEqual(new Set(frozen.nodeIds))
    expect(conflict?.message).toBe("inside freeze 'Cluster freeze': 20 items")

    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schedule/suggest',
      headers: requester.headers,
      payload: { affectedItems: allNodes(frozen), durationMinutes: 240, after: defaultSlot().plannedStart },
    })
    expect(response.statusCode, response.body).toBe(200)
    const { slots } = SuggestedSlots.parse(response.json())
    expect(slots).toHaveLength(5)
    const freezeEnd = freezeStart.getTime() + 3 * DAY_MS
    expect(Date.parse(slots[0]?.start ?? '')).toBe(freezeEnd)
    const cleared = await preview({
      affectedItems: allNodes(frozen),
      plannedStart: slots[0]?.start,
      plannedEnd: slots[0]?.end,
    })
    expect(cleared).toEqual({ blocking: false, conflicts: [] })
  })

  it('a change on the whole cluster, and one on an open cluster, each as it should', async () => {
    const cluster = await preview({ affectedItems: [{ kind: 'cluster', id: frozen.clusterId }], ...defaultSlot() })
    expect(cluster.conflicts.map((c) => [c.kind, c.itemCount])).toEqual([['freeze', 1]])
    const elsewhere = await preview({ affectedItems: allNodes(open), ...defaultSlot() })
    expect(elsewhere.conflicts).toEqual([])
  })
})

describe('overlapping changes', () => {
  it('names the same item and parent/child items, warning while the other is not yet scheduled', async () => {
    const later = {
      plannedStart: new Date(Date.now() + 20 * DAY_MS).toISOString(),
      plannedEnd: new Date(Date.now() + 20 * DAY_MS + 4 * HOUR_MS).toISOString(),
    }
    let first = await createChange(t, requester, open, { ...later, affectedItems: allNodes(open).slice(0, 3) })
    first = await step(t, requester, first, { event: 'submit' })

    const sameAndParent = await preview({
      affectedItems: [...allNodes(open).slice(0, 2), { kind: 'cluster', id: open.clusterId }],
      ...later,
    })
    expect(sameAndParent.conflicts.map((c) => [c.kind, c.blocking, c.itemCount, c.otherChange?.number])).toEqual([
      ['same_item', false, 2, first.number],
      ['related_item', false, 1, first.number],
    ])
    // A change on the service that runs on the cluster is the nodes' parent too.
    const service = await preview({ affectedItems: [{ kind: 'service', id: open.serviceId }], ...later })
    expect(service.conflicts.map((c) => c.kind)).toEqual(['related_item'])

    // Once the first is scheduled, the same item blocks the second, unless both are marked compatible.
    first = await step(t, manager, first, { event: 'request_authorization' })
    first = await step(t, cab, first, { event: 'authorize' })
    expect(first.state).toBe('scheduled')
    let second = await createChange(t, requester, open, { ...later, affectedItems: allNodes(open).slice(2, 4) })
    second = await step(t, requester, second, { event: 'submit' })
    second = await step(t, manager, second, { event: 'request_authorization' })
    const refused = expectError(await transition(t, cab, second, { event: 'authorize' }), 409, 'TRANSITION_REFUSED')
    expect(refused.error.details).toMatchObject({
      reason: 'SCHEDULE_CONFLICT',
      conflicts: [{ kind: 'same_item', itemCount: 1, otherChange: { number: first.number } }],
    })
    for (const change of [first, second]) {
      const marked = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/changes/${change.id}/schedule-options`,
        headers: manager.headers,
        payload: { compatible: true, version: change.version },
      })
      expect(marked.statusCode, marked.body).toBe(204)
    }
    second = await step(t, cab, second, { event: 'authorize' })
    expect(second.state).toBe('scheduled')
  })
})

describe('maintenance windows', () => {
  it('a change outside every window of its node conflicts; inside one it does not', async () => {
    const windowed = await createCatalog(t.db, 2)
    const day = new Date(Date.now() + 30 * DAY_MS)
    day.setUTCHours(22, 0, 0, 0)
    await createRule(t, manager, 'windows', {
      name: 'Nightly',
      start: utcLocal(day),
      timeZone: 'UTC',
      durationMinutes: 6 * 60,
      rrule: 'FREQ=DAILY;COUNT=10',
      scope: 'clusters',
      items: [{ kind: 'cluster', id: windowed.clusterId }],
    })
    const inside = await preview({
      affectedItems: allNodes(windowed),
      plannedStart: new Date(day.getTime() + HOUR_MS).toISOString(),
      plannedEnd: new Date(day.getTime() + 3 * HOUR_MS).toISOString(),
    })
    expect(inside.conflicts).toEqual([])
    const outside = await preview({
      affectedItems: allNodes(windowed),
      plannedStart: new Date(day.getTime() + 5 * HOUR_MS).toISOString(),
      plannedEnd: new Date(day.getTime() + 7 * HOUR_MS).toISOString(),
    })
    expect(outside.conflicts.map((c) => [c.kind, c.blocking, c.itemCount, c.rule?.name])).toEqual([
      ['outside_window', true, 2, 'Nightly'],
    ])
  })
})

describe('the scheduling guard', () => {
  it('refuses to schedule a normal change inside the freeze, listing every node', async () => {
    let change = await createChange(t, requester, frozen, { affectedItems: allNodes(frozen) })
    change = await step(t, requester, change, { event: 'submit' })
    change = await step(t, manager, change, { event: 'request_authorization' })
    const refused = expectError(await transition(t, cab, change, { event: 'authorize' }), 409, 'TRANSITION_REFUSED')
    expect(refused.error.details).toMatchObject({
      reason: 'SCHEDULE_CONFLICT',
      conflicts: [{ kind: 'freeze', itemCount: 20 }],
    })
    const withOverride = await transition(t, cab, change, {
      event: 'authorize',
      freezeOverride: { justification: 'please' },
    })
    expectError(withOverride, 400, 'VALIDATION_FAILED')
    expect((await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })).state).toBe('authorize')
  })

  it('lets an emergency change override the freeze with a justification: audited and flagged for review', async () => {
    // On-call raises emergencies (a plain requester may not).
    const onCall = await t.userWith(['requester', 'implementer'], 'Olly On-call')
    let change = await createChange(t, onCall, frozen, {
      type: 'emergency',
      affectedItems: allNodes(frozen).slice(0, 5),
    })
    change = await step(t, onCall, change, { event: 'submit' })
    const refused = expectError(await transition(t, cab, change, { event: 'authorize' }), 409, 'TRANSITION_REFUSED')
    expect(refused.error.details).toMatchObject({ reason: 'FREEZE_OVERRIDE_REQUIRED' })
    const implementer = await t.userWith(['cab_member', 'implementer'], 'Not an overrider')
    await t.db.scheduleRule.updateMany({
      where: { name: 'Cluster freeze' },
      data: { overrideRoles: ['change_manager'] },
    })
    expectError(
      await transition(t, implementer, change, { event: 'authorize', freezeOverride: { justification: 'Outage' } }),
      403,
      'FORBIDDEN',
    )
    await t.db.scheduleRule.updateMany({
      where: { name: 'Cluster freeze' },
      data: { overrideRoles: ['cab_member', 'change_manager'] },
    })
    change = await step(t, cab, change, {
      event: 'authorize',
      freezeOverride: { justification: 'Driver bug takes the inference fleet down' },
    })
    expect(change).toMatchObject({ state: 'implement', reviewRequired: true })
    const stored = await t.db.changeSchedule.findUniqueOrThrow({ where: { changeId: change.id } })
    expect(stored.freezeOverride).toBe('Driver bug takes the inference fleet down')
    const audit = await t.db.auditEvent.findFirst({
      where: { changeId: change.id, action: 'change.freeze_overridden' },
    })
    expect(audit?.after).toMatchObject({ justification: 'Driver bug takes the inference fleet down', items: 5 })
  })
})

describe('re-evaluation', () => {
  it('a freeze added over a scheduled change: the worker stores the conflict and puts it on hold; deleting lifts it', async () => {
    const fleet = await createCatalog(t.db, 6)
    const start = new Date(Date.now() + 40 * DAY_MS)
    const slot = {
      plannedStart: start.toISOString(),
      plannedEnd: new Date(start.getTime() + 2 * HOUR_MS).toISOString(),
    }
    let change = await createChange(t, requester, fleet, { ...slot, affectedItems: allNodes(fleet) })
    change = await step(t, requester, change, { event: 'submit' })
    change = await step(t, manager, change, { event: 'request_authorization' })
    change = await step(t, cab, change, { event: 'authorize' })
    await runScheduleJob(t, 'schedule.change-moved', { changeId: change.id })
    expect(await storedConflicts(change.id)).toMatchObject({
      conflicts: [],
      onHold: false,
      evaluatedAt: expect.any(String),
    })

    const freeze = await createRule(t, manager, 'freezes', {
      name: 'Surprise freeze',
      start: utcLocal(new Date(start.getTime() - DAY_MS)),
      timeZone: 'UTC',
      durationMinutes: 3 * 24 * 60,
      scope: 'services',
      items: [{ kind: 'service', id: fleet.serviceId }],
    })
    // The API asked the worker to look at the rule's changes.
    expect((await t.jobs.counts('schedule')).waiting ?? 0).toBeGreaterThan(0)
    await runScheduleJob(t, 'schedule.rule-changed', { ruleId: freeze.id })
    const held = await storedConflicts(change.id)
    expect(held).toMatchObject({
      onHold: true,
      blocking: true,
      holdReason: "inside freeze 'Surprise freeze' (6 items)",
    })
    expect(held.conflicts.map((c) => [c.kind, c.itemCount])).toEqual([['freeze', 6]])
    expect(await t.db.auditEvent.count({ where: { changeId: change.id, action: 'change.put_on_hold' } })).toBe(1)
    // Running it again changes nothing twice.
    await runScheduleJob(t, 'schedule.rule-changed', { ruleId: freeze.id })
    expect(await t.db.auditEvent.count({ where: { changeId: change.id, action: 'change.put_on_hold' } })).toBe(1)

    // Starting implementation inside the freeze is refused too.
    const refused = expectError(
      await transition(t, manager, change, { event: 'start_implementation' }),
      409,
      'TRANSITION_REFUSED',
    )
    expect(refused.error.details).toMatchObject({ reason: 'SCHEDULE_CONFLICT' })

    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/schedule/freezes/${freeze.id}?version=1`,
      headers: manager.headers,
    })
    expect(removed.statusCode).toBe(204)
    await runScheduleJob(t, 'schedule.evaluate-change', { changeId: change.id })
    expect(await storedConflicts(change.id)).toMatchObject({ onHold: false, conflicts: [] })
    expect(await t.db.auditEvent.count({ where: { changeId: change.id, action: 'change.hold_released' } })).toBe(1)
  })
})
