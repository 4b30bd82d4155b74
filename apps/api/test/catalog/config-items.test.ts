// The item picker (search, resolve) across services, clusters and nodes, and the dependency graph's edges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { MISSING_ID, auditOf, createCluster, createNode, createService } from './catalog-fixtures'

let t: TestApp
let manager: SignedIn
let reader: SignedIn
let cluster: { id: string }
let service: { id: string }
let nodes: { id: string }[]

beforeAll(async () => {
  t = await startTestApp()
  manager = await t.userWith(['change_manager'])
  reader = await t.userWith(['requester'])
  cluster = await createCluster(t, manager, { name: 'gpu-west', region: 'us-west' })
  await createCluster(t, manager, { name: 'cpu-only' })
  service = await createService(t, manager, {
    name: 'gpu-chat',
    criticality: 5,
    userCount: 1_000,
    clusterIds: [cluster.id],
  })
  nodes = []
  for (const hostname of ['gpu-west-01', 'gpu-west-02', 'gpu-west-03']) {
    nodes.push(await createNode(t, manager, { hostname, clusterId: cluster.id, gpuModel: 'H100', gpuCount: 8 }))
  }
})
afterAll(async () => {
  await t?.close()
})

describe('config item search and resolve', () => {
  it('finds services, clusters and nodes by name, in that order', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/config-items/search?q=GPU',
      headers: reader.headers,
    })
    expect(response.statusCode).toBe(200)
    const result = response.json()
    expect(result.items.map((i: { kind: string; name: string }) => `${i.kind}:${i.name}`)).toEqual([
      'service:gpu-chat',
      'cluster:gpu-west',
      'node:gpu-west-01',
      'node:gpu-west-02',
      'node:gpu-west-03',
    ])
    expect(result.total).toBe(5)
    expect(result.items[1]).toMatchObject({ id: cluster.id, nodeCount: 3 })
  })

  it('filters by kind and honours the limit', async () => {
    const onlyNodes = await t.app.inject({
      method: 'GET',
      url: '/api/v1/config-items/search?kind=node&limit=2',
      headers: reader.headers,
    })
    expect(onlyNodes.statusCode).toBe(200)
    const result = onlyNodes.json()
    expect(result.items.map((i: { name: string }) => i.name)).toEqual(['gpu-west-01', 'gpu-west-02'])
    expect(result.items.every((i: { kind: string }) => i.kind === 'node')).toBe(true)
    expect(result.total).toBe(3)

    const clusters = await t.app.inject({
      method: 'GET',
      url: '/api/v1/config-items/search?kind=cluster',
      headers: reader.headers,
    })
    expect(clusters.json().items.map((i: { name: string }) => i.name)).toEqual(['cpu-only', 'gpu-west'])

    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v1/config-items/search?kind=rack&limit=0',
      headers: reader.headers,
    })
    expect(bad.statusCode).toBe(400)
    const paths = bad.json().error.details.issues.map((i: { path: string }) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['kind', 'limit']))
  })

  it('resolves references to named items, and rejects unknown ids by their index', async () => {
    const resolved = await t.app.inject({
      method: 'POST',
      url: '/api/v1/config-items/resolve',
      headers: reader.headers,
      payload: {
        items: [
          { kind: 'node', id: nodes[0]?.id },
          { kind: 'service', id: service.id },
        ],
      },
    })
    expect(resolved.statusCode).toBe(200)
    expect(resolved.json().items.map((i: { kind: string; name: string }) => `${i.kind}:${i.name}`)).toEqual([
      'service:gpu-chat',
      'node:gpu-west-01',
    ])

    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/config-items/resolve',
      headers: reader.headers,
      payload: {
        items: [
          { kind: 'cluster', id: cluster.id },
          { kind: 'node', id: MISSING_ID },
          { kind: 'service', id: cluster.id },
        ],
      },
    })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().error.details.issues).toEqual([
      { path: 'items.1.id', message: `no node with id ${MISSING_ID}` },
      { path: 'items.2.id', message: `no service with id ${cluster.id}` },
    ])
  })
})

describe('dependencies', () => {
  it('creates an edge between existing items, lists it by either end, and deletes it, audited', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/dependencies',
      headers: manager.headers,
      payload: {
        fromKind: 'service',
        fromId: service.id,
        toKind: 'node',
        toId: nodes[1]?.id,
        description: 'serves from it',
      },
    })
    expect(created.statusCode).toBe(201)
    const edge = created.json()
    expect(edge).toMatchObject({ fromName: 'gpu-chat', toName: 'gpu-west-02', description: 'serves from it' })
    expect(await t.db.dependency.count({ where: { id: edge.id } })).toBe(1)

    const duplicate = await t.app.inject({
      method: 'POST',
      url: '/api/v1/dependencies',
      headers: manager.headers,
      payload: { fromKind: 'service', fromId: service.id, toKind: 'node', toId: nodes[1]?.id },
    })
    expect(duplicate.statusCode).toBe(409)
    expect(duplicate.json().error.details.issues[0].path).toBe('toId')

    for (const id of [service.id, nodes[1]?.id]) {
      const listed = await t.app.inject({
        method: 'GET',
        url: `/api/v1/dependencies?itemId=${id}`,
        headers: reader.headers,
      })
      expect(listed.json().items.map((e: { id: string }) => e.id)).toEqual([edge.id])
    }
    const unrelated = await t.app.inject({
      method: 'GET',
      url: `/api/v1/dependencies?itemKind=node&itemId=${nodes[0]?.id}`,
      headers: reader.headers,
    })
    expect(unrelated.json().items).toEqual([])

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/dependencies/${edge.id}`,
      headers: manager.headers,
    })
    expect(deleted.statusCode).toBe(204)
    expect(await t.db.dependency.count({ where: { id: edge.id } })).toBe(0)
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/dependencies/${edge.id}`,
      headers: manager.headers,
    })
    expect(again.statusCode).toBe(404)

    const events = await auditOf(t, 'dependency', edge.id)
    expect(events.map((e) => e.action)).toEqual(['dependency.created', 'dependency.deleted'])
    expect(events[1]?.before).toMatchObject({ fromId: service.id, toId: nodes[1]?.id })
  })

  it('names a missing end, or an item depending on itself, in a 400', async () => {
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v1/dependencies',
      headers: manager.headers,
      payload: { fromKind: 'cluster', fromId: service.id, toKind: 'node', toId: MISSING_ID },
    })
    expect(missing.statusCode).toBe(400)
    expect(missing.json().error.details.issues).toEqual([
      { path: 'fromId', message: `no cluster with id ${service.id}` },
      { path: 'toId', message: `no node with id ${MISSING_ID}` },
    ])
    const self = await t.app.inject({
      method: 'POST',
      url: '/api/v1/dependencies',
      headers: manager.headers,
      payload: { fromKind: 'cluster', fromId: cluster.id, toKind: 'cluster', toId: cluster.id },
    })
    expect(self.statusCode).toBe(400)
    expect(self.json().error.details.issues).toEqual([{ path: 'toId', message: 'an item cannot depend on itself' }])
    expect(await t.db.dependency.count()).toBe(0)
  })
})
