// The conflict engine (schedule_find_conflicts) at the database level, over both of its paths for
// other changes' bookings: a few items (probed per item) and more than 20 (the interval's bookings
// read once). Windows reached through several targets list each item once; an item in any of its
// windows is outside none of them; category freezes and windows; the change itself never conflicts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '@cabinet/db'
import { type FoundConflict, findConflicts } from '../../src/modules/schedule/conflict-engine'
import { type TestDatabase, createTestDatabase } from '../support/database'
import { type Catalog, createCatalog } from '../support/fixtures'
import { DAY_MS, HOUR_MS } from './schedule-fixtures'

let database: TestDatabase
let db: Db
let catalog: Catalog
let implementerId: string
/** Midnight UTC of the day every rule and change below lies in. */
const day = new Date(Date.UTC(2031, 4, 12))
const at = (hours: number) => new Date(day.getTime() + hours * HOUR_MS)
const names = new Map<string, string>()

async function rule(
  kind: 'freeze' | 'window',
  name: string,
  scope: 'nodes' | 'clusters' | 'categories',
  items: { kind: 'node' | 'cluster'; itemId: string }[],
  from: number,
  to: number,
) {
  const created = await db.scheduleRule.create({
    data: {
      kind,
      name,
      start: at(from).toISOString().slice(0, 16),
      timeZone: 'UTC',
      durationMinutes: (to - from) * 60,
      exceptions: [],
      scope,
      categories: scope === 'categories' ? ['security'] : [],
      items: { create: items },
      occurrences: { create: { startsAt: at(from), endsAt: at(to) } },
    },
  })
  names.set(created.id, name)
}

async function change(
  name: string,
  state: string,
  items: { kind: string; id: string }[],
  from: number,
  to: number,
  implementer: string | null = implementerId,
) {
  const [row] = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO change_requests (number, type, category, title, description, justification, planned_start, planned_end,
      requester_id, implementer_id, implementation_plan, rollback_plan, risk_questionnaire, risk_level, risk_score, state, updated_at)
    VALUES ('CHG' || lpad(nextval('change_number_seq')::text, 7, '0'), 'normal', 'software', ${name}, 'd', 'j',
      ${at(from)}, ${at(to)}, ${implementerId}::uuid, ${implementer}::uuid, 'p', 'r', '{}'::jsonb, 'moderate', 6,
      ${state}::"ChangeState", now())
    RETURNING id::text`
  const id = (row as { id: string }).id
  for (const item of items) {
    await db.$executeRaw`INSERT INTO change_items (change_id, kind, item_id)
      VALUES (${id}::uuid, ${item.kind}::"ConfigItemKind", ${item.id}::uuid)`
  }
  names.set(id, name)
  return id
}

const nodes = (...indexes: number[]) =>
  indexes.map((index) => ({ kind: 'node' as const, id: catalog.nodeIds[index] as string }))
const allNodes = () => catalog.nodeIds.map((id) => ({ kind: 'node' as const, id }))

/** [kind, blocking, other change or rule, items as node numbers or 'cluster'] in a stable order. */
function summary(found: FoundConflict[]) {
  return found
    .map((conflict) => [
      conflict.kind,
      conflict.blocking,
      names.get(conflict.otherChangeId ?? conflict.ruleId ?? '') ?? '?',
      conflict.items
        .map((item) => (item.kind === 'node' ? catalog.nodeIds.indexOf(item.id) : item.kind))
        .sort((a, b) => String(a).localeCompare(String(b), 'en', { numeric: true }))
        .join(','),
    ])
    .sort((a, b) => `${a[0]}${a[2]}`.localeCompare(`${b[0]}${b[2]}`))
}

function check(items: { kind: 'node' | 'cluster'; id: string }[], from: number, to: number, extra = {}) {
  return findConflicts(db, {
    items,
    start: at(from),
    end: at(to),
    category: 'software',
    implementerId,
    compatible: false,
    ...extra,
  }).then(summary)
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => from + index).join(',')

beforeAll(async () => {
  database = await createTestDatabase()
  db = database.db
  catalog = await createCatalog(db, 30)
  const user = await db.user.create({
    data: { email: 'engine@example.com', name: 'Ivy Implementer', passwordHash: 'x', roles: ['implementer'] },
  })
  implementerId = user.id
  const cluster = { kind: 'cluster' as const, itemId: catalog.clusterId }
  const node = (index: number) => ({ kind: 'node' as const, itemId: catalog.nodeIds[index] as string })
  await rule('window', 'Early', 'clusters', [cluster], 0, 6)
  // Reached through three of its nodes and through their cluster: each node is listed once.
  await rule('window', 'Noon', 'nodes', [node(0), node(1), node(2), cluster], 12, 14)
  await rule('window', 'Security evening', 'categories', [], 20, 23)
  await rule('freeze', 'Node 5 freeze', 'nodes', [node(5)], 0, 24)
  await rule('freeze', 'Security freeze', 'categories', [], 3, 4)
  await change('Scheduled on 4 and 25', 'scheduled', nodes(4, 25), 1, 3)
  await change('Assessed on the cluster', 'assess', [{ kind: 'cluster', id: catalog.clusterId }], 2, 5, null)
})
afterAll(async () => {
  await database?.drop()
})

describe('schedule_find_conflicts', () => {
  it('reads the same conflicts for 30 nodes (bookings read by interval) as for five (probed per item)', async () => {
    expect(await check(allNodes(), 1.5, 2.5)).toEqual([
      ['freeze', true, 'Node 5 freeze', '5'],
      ['implementer_busy', false, 'Scheduled on 4 and 25', ''],
      ['related_item', false, 'Assessed on the cluster', range(0, 30)],
      ['same_item', true, 'Scheduled on 4 and 25', '4,25'],
    ])
    expect(await check(nodes(0, 1, 4, 5, 25), 1.5, 2.5)).toEqual([
      ['freeze', true, 'Node 5 freeze', '5'],
      ['implementer_busy', false, 'Scheduled on 4 and 25', ''],
      ['related_item', false, 'Assessed on the cluster', '0,1,4,5,25'],
      ['same_item', true, 'Scheduled on 4 and 25', '4,25'],
    ])
  })

  it('lists each node once per window it lies outside, however the window reaches it', async () => {
    expect(await check(allNodes(), 7, 8)).toEqual([
      ['freeze', true, 'Node 5 freeze', '5'],
      ['outside_window', true, 'Early', range(0, 30)],
      ['outside_window', true, 'Noon', range(0, 30)],
    ])
    expect(await check(nodes(0, 1, 2), 7, 8)).toEqual([
      ['outside_window', true, 'Early', '0,1,2'],
      ['outside_window', true, 'Noon', '0,1,2'],
    ])
  })

  it('an item inside an occurrence of any of its windows is outside none of them', async () => {
    expect(await check(allNodes(), 12, 13)).toEqual([['freeze', true, 'Node 5 freeze', '5']])
    expect(await check(nodes(0, 1, 2), 12.5, 13.5)).toEqual([])
  })

  it('applies category freezes and windows to every item of a change in that category', async () => {
    expect(await check(allNodes(), 3, 3.5, { category: 'security' })).toEqual([
      ['freeze', true, 'Node 5 freeze', '5'],
      ['freeze', true, 'Security freeze', range(0, 30)],
      ['related_item', false, 'Assessed on the cluster', range(0, 30)],
    ])
    expect(await check(nodes(7), 7, 8, { category: 'security' })).toEqual([
      ['outside_window', true, 'Early', '7'],
      ['outside_window', true, 'Noon', '7'],
      ['outside_window', true, 'Security evening', '7'],
    ])
    expect(await check(nodes(7), 21, 22, { category: 'security' })).toEqual([])
  })

  it('never names the checked change itself, on either path', async () => {
    const self = await change('Self', 'scheduled', allNodes(), 1, 2)
    expect(await check(allNodes(), 1, 2, { changeId: self })).toEqual(
      await check(allNodes(), 1, 2, { changeId: null }).then((all) => all.filter((row) => row[2] !== 'Self')),
    )
    expect((await check(nodes(4), 1, 2, { changeId: self })).map((row) => row[2])).not.toContain('Self')
    expect((await check(nodes(4), 1, 2)).map((row) => row[2])).toContain('Self')
    await db.changeRequest.delete({ where: { id: self } })
  })

  it('checks a change over a whole cluster against its nodes: what lies on them is related to it', async () => {
    const day2 = DAY_MS / HOUR_MS
    expect(await check([{ kind: 'cluster', id: catalog.clusterId }], day2 + 1, day2 + 2)).toEqual([
      ['outside_window', true, 'Early', 'cluster'],
      ['outside_window', true, 'Noon', 'cluster'],
    ])
    expect(await check([{ kind: 'cluster', id: catalog.clusterId }], 1.5, 2.5)).toEqual([
      ['freeze', true, 'Node 5 freeze', 'cluster'],
      ['implementer_busy', false, 'Scheduled on 4 and 25', ''],
      ['related_item', false, 'Scheduled on 4 and 25', 'cluster'],
      ['same_item', false, 'Assessed on the cluster', 'cluster'],
    ])
  })
})
