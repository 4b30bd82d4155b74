// Drift records: listed by status, reviewed (accepted or resolved) with the version last read, audited;
// a stale version, a second review, bad input and roles that may not decide are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DriftView } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { expectError, issuePaths } from '../support/fixtures'
import { createFleetFixture, type FleetFixture, probeInProcess } from './fleet-fixtures'

let t: TestApp
let fleet: FleetFixture
let manager: SignedIn
const nodes: { id: string; hostname: string }[] = []
let change: { id: string; number: string }

beforeAll(async () => {
  t = await startTestApp()
  fleet = await createFleetFixture(t.db)
  // All three report CUDA 12.8, as the expected 570.133.20 does: one driver record each, no cuda record.
  for (const driver of ['575.51.02', '570.124.06', '570.86.15']) {
    const node = await fleet.addNode({ driver, catalogDriver: '570.133.20' })
    nodes.push(node)
  }
  change = await fleet.completedDriverChange(nodes[0]?.id ?? '', '570.133.20')
  // The other two have no change behind them: the catalog's driver is what they are expected to run.
  await probeInProcess(
    t.db,
    nodes.map((node) => node.id),
  )
  manager = await t.userWith(['change_manager'])
})
afterAll(async () => {
  fleet?.cleanup()
  await t?.close()
})

const list = async (query = '') => {
  const response = await t.app.inject({ method: 'GET', url: `/api/v1/fleet/drift${query}`, headers: manager.headers })
  expect(response.statusCode).toBe(200)
  return response.json() as { items: DriftView[]; nextCursor: string | null }
}
const review = (who: SignedIn, id: string, payload: unknown) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/fleet/drift/${id}/review`,
    headers: who.headers,
    payload: payload as object,
  })

describe('drift', () => {
  it('lists open drift newest first with the change that set the expected driver, and pages', async () => {
    const open = await list()
    expect(open.items).toHaveLength(3)
    const byNode = new Map(open.items.map((item) => [item.nodeId, item]))
    expect(byNode.get(nodes[0]?.id ?? '')).toMatchObject({
      hostname: nodes[0]?.hostname,
      clusterName: fleet.clusterName,
      field: 'driver',
      expected: '570.133.20',
      expectedChange: change,
      observed: '575.51.02',
      status: 'open',
      note: '',
      reviewedBy: null,
      version: 1,
    })
    expect(byNode.get(nodes[1]?.id ?? '')).toMatchObject({
      expected: '570.133.20',
      expectedChange: null,
      observed: '570.124.06',
    })

    const first = await list('?limit=2')
    expect(first.items).toHaveLength(2)
    const rest = await list(`?limit=2&cursor=${first.nextCursor}`)
    expect(rest.nextCursor).toBeNull()
    expect([...first.items, ...rest.items].map((item) => item.id).sort()).toEqual(
      open.items.map((item) => item.id).sort(),
    )
    expect((await list(`?nodeId=${nodes[2]?.id}`)).items.map((item) => item.observed)).toEqual(['570.86.15'])
    expect((await list('?status=accepted')).items).toEqual([])
  })

  it('accepts a drift record with the version last read, audited, and the node shows no open drift', async () => {
    const target = (await list(`?nodeId=${nodes[0]?.id}`)).items[0] as DriftView
    const accepted = await review(manager, target.id, {
      version: 1,
      status: 'accepted',
      note: 'Hotfix driver, approved after the fact.',
    })
    expect(accepted.statusCode).toBe(200)
    expect(accepted.json()).toMatchObject({
      id: target.id,
      status: 'accepted',
      note: 'Hotfix driver, approved after the fact.',
      reviewedBy: { id: manager.userId },
      version: 2,
    })
    const audit = await t.db.auditEvent.findMany({ where: { entityId: target.id, action: 'fleet.drift.accepted' } })
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actorId: manager.userId, changeId: change.id })
    expect((await list('?status=accepted')).items.map((item) => item.id)).toEqual([target.id])
    const state = await t.db.fleetNodeState.findUniqueOrThrow({ where: { nodeId: nodes[0]?.id } })
    expect(state.openDrift).toBe(0)

    // Seen again, an accepted difference opens nothing new.
    await probeInProcess(t.db, [nodes[0]?.id ?? ''])
    expect((await list(`?nodeId=${nodes[0]?.id}`)).items).toEqual([])

    // A second review of the same record is refused; so is a stale version.
    expectError(
      await review(manager, target.id, { version: 2, status: 'resolved', note: '' }),
      409,
      'TRANSITION_REFUSED',
    )
    const other = (await list(`?nodeId=${nodes[1]?.id}`)).items[0] as DriftView
    expectError(await review(manager, other.id, { version: 7, status: 'resolved', note: '' }), 409, 'STALE_VERSION')
    const resolved = await review(manager, other.id, { version: 1, status: 'resolved' })
    expect(resolved.json()).toMatchObject({ status: 'resolved', note: '', version: 2 })
  })

  it('refuses bad input naming the field, unknown records, and roles that may not decide', async () => {
    const target = (await list(`?nodeId=${nodes[2]?.id}`)).items[0] as DriftView
    for (const [payload, field] of [
      [{ version: 1, status: 'open' }, 'status'],
      [{ version: 0, status: 'accepted' }, 'version'],
      [{ status: 'accepted' }, 'version'],
      [{ version: 1, status: 'accepted', note: 'x'.repeat(2001) }, 'note'],
    ] as const) {
      expect(issuePaths(expectError(await review(manager, target.id, payload), 400, 'VALIDATION_FAILED'))).toEqual([
        field,
      ])
    }
    expectError(
      await review(manager, '00000000-0000-4000-8000-000000000000', { version: 1, status: 'accepted' }),
      404,
      'NOT_FOUND',
    )
    expect(
      issuePaths(
        expectError(await review(manager, 'drift-1', { version: 1, status: 'accepted' }), 400, 'VALIDATION_FAILED'),
      ),
    ).toEqual(['id'])
    for (const role of ['implementer', 'requester', 'auditor', 'cab_member'] as const) {
      expectError(
        await review(await t.userWith([role]), target.id, { version: 1, status: 'accepted' }),
        403,
        'FORBIDDEN',
      )
    }
    const badStatus = await t.app.inject({
      method: 'GET',
      url: '/api/v1/fleet/drift?status=ignored',
      headers: manager.headers,
    })
    expect(issuePaths(expectError(badStatus, 400, 'VALIDATION_FAILED'))).toEqual(['status'])
    const badCursor = await t.app.inject({
      method: 'GET',
      url: '/api/v1/fleet/drift?cursor=abc',
      headers: manager.headers,
    })
    expect(issuePaths(expectError(badCursor, 400, 'VALIDATION_FAILED'))).toEqual(['cursor'])
    // Still open and untouched after all that.
    expect((await list(`?nodeId=${nodes[2]?.id}`)).items[0]).toMatchObject({ status: 'open', version: 1 })
  })
})
