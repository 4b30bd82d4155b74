// Services: create, read, edit with optimistic locking, the cluster links, and delete, each audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { MISSING_ID, auditOf, changeNaming, createCluster, createService } from './catalog-fixtures'

let t: TestApp
let manager: SignedIn

beforeAll(async () => {
  t = await startTestApp()
  manager = await t.userWith(['change_manager'])
})
afterAll(async () => {
  await t?.close()
})

describe('services', () => {
  it('creates a service with its clusters, reads it back, and audits the creation', async () => {
    const a = await createCluster(t, manager, { name: 'svc-a' })
    const b = await createCluster(t, manager, { name: 'svc-b' })
    const group = await t.db.group.create({ data: { name: 'ml-platform', kind: 'technical' } })
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/services',
      headers: manager.headers,
      payload: {
        name: 'inference-api',
        criticality: 4,
        userCount: 12_000,
        ownerGroupId: group.id,
        clusterIds: [a.id, b.id, a.id],
      },
    })
    expect(response.statusCode).toBe(201)
    const created = response.json()
    expect(created).toMatchObject({
      name: 'inference-api',
      description: '',
      criticality: 4,
      userCount: 12_000,
      ownerGroupId: group.id,
      version: 1,
    })
    expect([...created.clusterIds].sort()).toEqual([a.id, b.id].sort())

    const links = await t.db.serviceCluster.findMany({ where: { serviceId: created.id } })
    expect(links.map((l) => l.clusterId).sort()).toEqual([a.id, b.id].sort())

    const read = await t.app.inject({ method: 'GET', url: `/api/v1/services/${created.id}`, headers: manager.headers })
    expect(read.statusCode).toBe(200)
    expect(read.json()).toEqual(created)

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/services', headers: manager.headers })
    expect(list.json().items.map((s: { name: string }) => s.name)).toContain('inference-api')

    const events = await auditOf(t, 'service', created.id)
    expect(events.map((e) => e.action)).toEqual(['service.created'])
    expect(events[0]?.actorId).toBe(manager.userId)
    expect(events[0]?.after).toMatchObject({ name: 'inference-api', criticality: 4 })
  })

  it('edits only the fields sent, bumps the version, replaces the clusters, and audits before and after', async () => {
    const a = await createCluster(t, manager, { name: 'edit-a' })
    const b = await createCluster(t, manager, { name: 'edit-b' })
    const service = await createService(t, manager, {
      name: 'training',
      description: 'batch training',
      criticality: 2,
      userCount: 50,
      clusterIds: [a.id],
    })

    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/services/${service.id}`,
      headers: manager.headers,
      payload: { version: 1, criticality: 5 },
    })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      criticality: 5,
      description: 'batch training',
      clusterIds: [a.id],
      version: 2,
    })

    const relinked = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/services/${service.id}`,
      headers: manager.headers,
      payload: { version: 2, clusterIds: [b.id] },
    })
    expect(relinked.statusCode).toBe(200)
    expect(relinked.json()).toMatchObject({ clusterIds: [b.id], criticality: 5, version: 3 })
    const links = await t.db.serviceCluster.findMany({ where: { serviceId: service.id } })
    expect(links.map((l) => l.clusterId)).toEqual([b.id])

    const events = await auditOf(t, 'service', service.id)
    expect(events.map((e) => e.action)).toEqual(['service.created', 'service.updated', 'service.updated'])
    expect(events[1]?.before).toMatchObject({ criticality: 2, version: 1 })
    expect(events[1]?.after).toMatchObject({ criticality: 5, version: 2 })
  })

  it('refuses an edit made with a stale version (409) and leaves the row alone', async () => {
    const service = await createService(t, manager, { name: 'stale', criticality: 1, userCount: 1 })
    const first = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/services/${service.id}`,
      headers: manager.headers,
      payload: { version: 1, userCount: 2 },
    })
    expect(first.statusCode).toBe(200)
    const second = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/services/${service.id}`,
      headers: manager.headers,
      payload: { version: 1, userCount: 3 },
    })
    expect(second.statusCode).toBe(409)
    expect(second.json().error.code).toBe('STALE_VERSION')
    const row = await t.db.service.findUniqueOrThrow({ where: { id: service.id } })
    expect(row).toMatchObject({ userCount: 2, version: 2 })
  })

  it('refuses a version no stored row can have (past a Postgres integer) with 400, not a 500', async () => {
    const service = await createService(t, manager, { name: 'huge-version', criticality: 1, userCount: 1 })
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/services/${service.id}`,
      headers: manager.headers,
      payload: { version: 2 ** 31, userCount: 2 },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().error.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['version'])
    expect(await t.db.service.findUniqueOrThrow({ where: { id: service.id } })).toMatchObject({ userCount: 1 })
  })

  it('answers 404 for an unknown service on read, edit and delete', async () => {
    for (const [method, payload] of [
      ['GET', undefined],
      ['PATCH', { version: 1, criticality: 3 }],
      ['DELETE', undefined],
    ] as const) {
      const response = await t.app.inject({
        method,
        url: `/api/v1/services/${MISSING_ID}`,
        headers: manager.headers,
        payload,
      })
      expect(response.statusCode, method).toBe(404)
      expect(response.json().error.code).toBe('NOT_FOUND')
    }
  })

  it('names each unknown cluster and owner group in a 400, and writes nothing', async () => {
    const known = await createCluster(t, manager, { name: 'known' })
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/services',
      headers: manager.headers,
      payload: {
        name: 'orphan',
        criticality: 3,
        userCount: 0,
        ownerGroupId: MISSING_ID,
        clusterIds: [known.id, MISSING_ID],
      },
    })
    expect(response.statusCode).toBe(400)
    const body = response.json()
    expect(body.error.code).toBe('VALIDATION_FAILED')
    expect(body.error.details.issues).toEqual([
      { path: 'ownerGroupId', message: `no group with id ${MISSING_ID}` },
      { path: 'clusterIds.1', message: `no cluster with id ${MISSING_ID}` },
    ])
    expect(await t.db.service.count({ where: { name: 'orphan' } })).toBe(0)
  })

  it('names the failing fields of an invalid body', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/services',
      headers: manager.headers,
      payload: { name: 'Not A Slug', criticality: 9 },
    })
    expect(response.statusCode).toBe(400)
    const paths = response.json().error.details.issues.map((i: { path: string }) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['name', 'criticality', 'userCount']))
  })

  it('refuses a duplicate name with 409 ALREADY_EXISTS naming the field', async () => {
    await createService(t, manager, { name: 'unique-name', criticality: 1, userCount: 1 })
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/services',
      headers: manager.headers,
      payload: { name: 'unique-name', criticality: 1, userCount: 1 },
    })
    expect(response.statusCode).toBe(409)
    expect(response.json().error).toMatchObject({
      code: 'ALREADY_EXISTS',
      message: 'name "unique-name" is already taken',
      details: { issues: [{ path: 'name', message: '"unique-name" is already taken' }] },
    })
    const other = await createService(t, manager, { name: 'other-name', criticality: 1, userCount: 1 })
    const renamed = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/services/${other.id}`,
      headers: manager.headers,
      payload: { version: 1, name: 'unique-name' },
    })
    expect(renamed.statusCode).toBe(409)
    expect(renamed.json().error.code).toBe('ALREADY_EXISTS')
  })

  it('deletes a service with its links and edges, audited; refuses one named by a change (409 IN_USE)', async () => {
    const cluster = await createCluster(t, manager, { name: 'del-a' })
    const service = await createService(t, manager, {
      name: 'doomed',
      criticality: 1,
      userCount: 1,
      clusterIds: [cluster.id],
    })
    await t.db.dependency.create({
      data: { fromKind: 'service', fromId: service.id, toKind: 'cluster', toId: cluster.id },
    })
    const response = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/services/${service.id}`,
      headers: manager.headers,
    })
    expect(response.statusCode).toBe(204)
    expect(await t.db.service.count({ where: { id: service.id } })).toBe(0)
    expect(await t.db.serviceCluster.count({ where: { serviceId: service.id } })).toBe(0)
    expect(await t.db.dependency.count({ where: { fromId: service.id } })).toBe(0)
    const events = await auditOf(t, 'service', service.id)
    expect(events.map((e) => e.action)).toEqual(['service.created', 'service.deleted'])
    expect(events[1]?.before).toMatchObject({ name: 'doomed', dependencies: [{ toId: cluster.id }] })

    const named = await createService(t, manager, { name: 'in-a-change', criticality: 1, userCount: 1 })
    const change = await changeNaming(t, manager.userId, { kind: 'service', id: named.id })
    const refused = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/services/${named.id}`,
      headers: manager.headers,
    })
    expect(refused.statusCode).toBe(409)
    expect(refused.json().error).toMatchObject({ code: 'IN_USE', details: { changes: [change.number] } })
    expect(await t.db.service.count({ where: { id: named.id } })).toBe(1)
  })
})
