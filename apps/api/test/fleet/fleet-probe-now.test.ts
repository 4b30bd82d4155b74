// POST /fleet/probes: one job per node on the fleet queue, a double-click queues nothing more, the
// request is audited, and bad input or a role that may not probe is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { expectError, issuePaths } from '../support/fixtures'
import { createFleetFixture, type FleetFixture } from './fleet-fixtures'

let t: TestApp
let fleet: FleetFixture
let other: FleetFixture
let implementer: SignedIn
const nodes: string[] = []

beforeAll(async () => {
  t = await startTestApp()
  fleet = await createFleetFixture(t.db)
  other = await createFleetFixture(t.db)
  for (let index = 0; index < 3; index += 1) nodes.push((await fleet.addNode({})).id)
  await other.addNode({})
  implementer = await t.userWith(['implementer'])
})
afterAll(async () => {
  fleet?.cleanup()
  other?.cleanup()
  await t?.close()
})

const probe = (who: SignedIn, payload: unknown) =>
  t.app.inject({ method: 'POST', url: '/api/v1/fleet/probes', headers: who.headers, payload: payload as object })

describe('probe now', () => {
  it('queues exactly one job per node, and the same request again within a minute queues nothing', async () => {
    const first = await probe(implementer, { nodeIds: [nodes[0], nodes[1], nodes[0]] })
    expect(first.statusCode).toBe(202)
    const body = first.json()
    expect(body).toMatchObject({ requested: 2, queued: 2, requestId: expect.stringMatching(/^req-/) })
    expect((await t.jobs.counts('fleet')).waiting).toBe(2)

    const doubleClick = await probe(implementer, { nodeIds: [nodes[1], nodes[0]] })
    expect(doubleClick.statusCode).toBe(202)
    expect(doubleClick.json()).toEqual({ requestId: body.requestId, requested: 2, queued: 0 })
    expect((await t.jobs.counts('fleet')).waiting).toBe(2)

    const audit = await t.db.auditEvent.findMany({ where: { action: 'fleet.probe.requested' } })
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ entityId: body.requestId, actorId: implementer.userId })
  })

  it('probes a whole cluster, or every node', async () => {
    const manager = await t.userWith(['change_manager'])
    const cluster = await probe(manager, { clusterId: fleet.clusterId })
    expect(cluster.json()).toMatchObject({ requested: 3, queued: 3 })
    const all = await probe(manager, { all: true })
    expect(all.json()).toMatchObject({ requested: 4, queued: 4 })
    expect((await t.jobs.counts('fleet')).waiting).toBe(2 + 3 + 4)
  })

  it('refuses unknown nodes, an unknown cluster, and a request naming none or several scopes, naming the field', async () => {
    const missing = '00000000-0000-4000-8000-000000000000'
    const unknownNode = expectError(
      await probe(implementer, { nodeIds: [nodes[0], missing] }),
      400,
      'VALIDATION_FAILED',
    )
    expect(issuePaths(unknownNode)).toEqual(['nodeIds.1'])
    const unknownCluster = expectError(await probe(implementer, { clusterId: missing }), 400, 'VALIDATION_FAILED')
    expect(issuePaths(unknownCluster)).toEqual(['clusterId'])
    expect(issuePaths(expectError(await probe(implementer, {}), 400, 'VALIDATION_FAILED'))).toEqual(['nodeIds'])
    const both = expectError(
      await probe(implementer, { all: true, clusterId: fleet.clusterId }),
      400,
      'VALIDATION_FAILED',
    )
    expect(issuePaths(both)).toEqual(['nodeIds'])
    const notUuid = expectError(await probe(implementer, { nodeIds: ['h100-01'] }), 400, 'VALIDATION_FAILED')
    expect(issuePaths(notUuid)).toEqual(['nodeIds.0'])
    const tooMany = Array.from({ length: 10_001 }, () => missing)
    expect(issuePaths(expectError(await probe(implementer, { nodeIds: tooMany }), 400, 'VALIDATION_FAILED'))).toEqual([
      'nodeIds',
    ])
  })

  it('lets only change managers, admins and implementers probe', async () => {
    for (const role of ['requester', 'cab_member', 'auditor'] as const) {
      expectError(await probe(await t.userWith([role]), { all: true }), 403, 'FORBIDDEN')
    }
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/fleet/probes', payload: { all: true } })
    expectError(anonymous, 401, 'UNAUTHENTICATED')
  })
})
