// Clusters and nodes: CRUD with optimistic locking, node counts, paging by hostname, and deletes
// refused while something still refers to the item.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { MISSING_ID, auditOf, changeNaming, createCluster, createNode } from './catalog-fixtures'

let t: TestApp
let manager: SignedIn

beforeAll(async () => {
  t = await startTestApp()
  manager = await t.userWith(['admin'])
})
afterAll(async () => {
  await t?.close()
})

describe('clusters', () => {
  it('creates, edits (only what is sent) and lists clusters with their node counts, audited', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: manager.headers,
      payload: { name: 'dgx-east', region: 'us-east', cudaVersions: ['12.4', '12.8'] },
    })
    expect(created.statusCode).toBe(201)
    const cluster = created.json()
    expect(cluster).toMatchObject({ name: 'dgx-east', region: 'us-east', description: '', nodeCount: 0, version: 1 })
    await createNode(t, manager, { hostname: 'east-001', clusterId: cluster.id, gpuModel: 'H100', gpuCount: 8 })
    await createNode(t, manager, { hostname: 'east-002', clusterId: cluster.id, gpuModel: 'H100', gpuCount: 8 })

    const edited = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/clusters/${cluster.id}`,
      headers: manager.headers,
      payload: { version: 1, description: 'the east DGX pod' },
    })
    expect(edited.statusCode).toBe(200)
    expect(edited.json()).toMatchObject({
      description: 'the east DGX pod',
      region: 'us-east',
      cudaVersions: ['12.4', '12.8'],
      nodeCount: 2,
      version: 2,
    })

    const stale = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/clusters/${cluster.id}`,
      headers: manager.headers,
      payload: { version: 1, region: 'eu-west' },
    })
    expect(stale.statusCode).toBe(409)
    expect(stale.json().error.code).toBe('STALE_VERSION')
    expect((await t.db.cluster.findUniqueOrThrow({ where: { id: cluster.id } })).region).toBe('us-east')

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/clusters', headers: manager.headers })
    expect(list.json().items.find((c: { id: string }) => c.id === cluster.id)).toMatchObject({ nodeCount: 2 })

    const events = await auditOf(t, 'cluster', cluster.id)
    expect(events.map((e) => e.action)).toEqual(['cluster.created', 'cluster.updated'])
    expect(events[1]?.before).toMatchObject({ description: '' })
    expect(events[1]?.after).toMatchObject({ description: 'the east DGX pod' })
  })

  it('refuses to delete a cluster that still has nodes or is named by a change, then deletes it', async () => {
    const cluster = await createCluster(t, manager, { name: 'to-delete' })
    const node = await createNode(t, manager, {
      hostname: 'del-001',
      clusterId: cluster.id,
      gpuModel: 'A100',
      gpuCount: 4,
    })
    const withNodes = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/clusters/${cluster.id}`,
      headers: manager.headers,
    })
    expect(withNodes.statusCode).toBe(409)
    expect(withNodes.json().error).toMatchObject({ code: 'IN_USE', details: { nodeCount: 1 } })

    const nodeGone = await t.app.inject({ method: 'DELETE', url: `/api/v1/nodes/${node.id}`, headers: manager.headers })
    expect(nodeGone.statusCode).toBe(204)
    const change = await changeNaming(t, manager.userId, { kind: 'cluster', id: cluster.id })
    const named = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/clusters/${cluster.id}`,
      headers: manager.headers,
    })
    expect(named.statusCode).toBe(409)
    expect(named.json().error.message).toContain(change.number)

    await t.db.changeRequest.delete({ where: { id: change.id } })
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/clusters/${cluster.id}`,
      headers: manager.headers,
    })
    expect(deleted.statusCode).toBe(204)
    expect(await t.db.cluster.count({ where: { id: cluster.id } })).toBe(0)
    expect((await auditOf(t, 'cluster', cluster.id)).map((e) => e.action)).toEqual([
      'cluster.created',
      'cluster.deleted',
    ])
    expect((await auditOf(t, 'node', node.id)).map((e) => e.action)).toEqual(['node.created', 'node.deleted'])
  })

  it('refuses a duplicate cluster name with 409 naming the field', async () => {
    await createCluster(t, manager, { name: 'twice' })
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clusters',
      headers: manager.headers,
      payload: { name: 'twice' },
    })
    expect(response.statusCode).toBe(409)
    expect(response.json().error.details.issues).toEqual([{ path: 'name', message: '"twice" is already taken' }])
  })
})

describe('nodes', () => {
  it('creates a node with defaults, edits it with its version, and audits both', async () => {
    const cluster = await createCluster(t, manager, { name: 'node-crud' })
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes',
      headers: manager.headers,
      payload: {
        hostname: 'gpu-a-001',
        clusterId: cluster.id,
        gpuModel: 'H200',
        gpuCount: 8,
        driverVersion: '570.86.15',
      },
    })
    expect(created.statusCode).toBe(201)
    const node = created.json()
    expect(node).toMatchObject({
      hostname: 'gpu-a-001',
      clusterName: 'node-crud',
      transport: 'simulated',
      scheduler: 'none',
      cudaVersion: null,
      lastProbeAt: null,
      version: 1,
    })

    const moved = await createCluster(t, manager, { name: 'node-crud-2' })
    const edited = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/nodes/${node.id}`,
      headers: manager.headers,
      payload: { version: 1, clusterId: moved.id, scheduler: 'slurm' },
    })
    expect(edited.statusCode).toBe(200)
    expect(edited.json()).toMatchObject({
      clusterId: moved.id,
      clusterName: 'node-crud-2',
      scheduler: 'slurm',
      driverVersion: '570.86.15',
      version: 2,
    })
    const row = await t.db.node.findUniqueOrThrow({ where: { id: node.id } })
    expect(row).toMatchObject({ clusterId: moved.id, scheduler: 'slurm', version: 2 })

    const stale = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/nodes/${node.id}`,
      headers: manager.headers,
      payload: { version: 1, gpuCount: 4 },
    })
    expect(stale.statusCode).toBe(409)
    expect(stale.json().error.code).toBe('STALE_VERSION')

    const read = await t.app.inject({ method: 'GET', url: `/api/v1/nodes/${node.id}`, headers: manager.headers })
    expect(read.json()).toEqual(edited.json())
    const events = await auditOf(t, 'node', node.id)
    expect(events.map((e) => e.action)).toEqual(['node.created', 'node.updated'])
    expect(events[1]?.before).toMatchObject({ clusterName: 'node-crud', scheduler: 'none' })
  })

  it('names an unknown clusterId in a 400 on create and edit, and a bad gpuModel by field', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes',
      headers: manager.headers,
      payload: { hostname: 'lost-001', clusterId: MISSING_ID, gpuModel: 'H100', gpuCount: 8 },
    })
    expect(created.statusCode).toBe(400)
    expect(created.json().error.details.issues).toEqual([
      { path: 'clusterId', message: `no cluster with id ${MISSING_ID}` },
    ])
    expect(await t.db.node.count({ where: { hostname: 'lost-001' } })).toBe(0)

    const cluster = await createCluster(t, manager, { name: 'valid-home' })
    const node = await createNode(t, manager, {
      hostname: 'home-001',
      clusterId: cluster.id,
      gpuModel: 'L40S',
      gpuCount: 2,
    })
    const edited = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/nodes/${node.id}`,
      headers: manager.headers,
      payload: { version: 1, clusterId: MISSING_ID },
    })
    expect(edited.statusCode).toBe(400)
    expect(edited.json().error.details.issues[0].path).toBe('clusterId')

    const badModel = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes',
      headers: manager.headers,
      payload: { hostname: 'bad model!', clusterId: cluster.id, gpuModel: 'V100', gpuCount: 8 },
    })
    expect(badModel.statusCode).toBe(400)
    const paths = badModel.json().error.details.issues.map((i: { path: string }) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['hostname', 'gpuModel']))
  })

  it('refuses a duplicate hostname with 409 naming the field', async () => {
    const cluster = await createCluster(t, manager, { name: 'dup-host' })
    await createNode(t, manager, { hostname: 'dup-001', clusterId: cluster.id, gpuModel: 'H100', gpuCount: 8 })
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes',
      headers: manager.headers,
      payload: { hostname: 'dup-001', clusterId: cluster.id, gpuModel: 'H100', gpuCount: 8 },
    })
    expect(response.statusCode).toBe(409)
    expect(response.json().error).toMatchObject({
      code: 'ALREADY_EXISTS',
      message: 'hostname "dup-001" is already taken',
    })
  })

  it('refuses to delete a node named by a change', async () => {
    const cluster = await createCluster(t, manager, { name: 'node-in-change' })
    const node = await createNode(t, manager, {
      hostname: 'chg-001',
      clusterId: cluster.id,
      gpuModel: 'B200',
      gpuCount: 8,
    })
    await changeNaming(t, manager.userId, { kind: 'node', id: node.id })
    const response = await t.app.inject({ method: 'DELETE', url: `/api/v1/nodes/${node.id}`, headers: manager.headers })
    expect(response.statusCode).toBe(409)
    expect(response.json().error.code).toBe('IN_USE')
    expect(await t.db.node.count({ where: { id: node.id } })).toBe(1)
  })

  it('pages through nodes by hostname with a cursor, filtered by cluster and hostname text', async () => {
    const paged = await createCluster(t, manager, { name: 'paged' })
    const other = await createCluster(t, manager, { name: 'paged-other' })
    const hostnames = ['pg-005', 'pg-001', 'pg-003', 'pg-002', 'pg-004']
    for (const hostname of hostnames) {
      await createNode(t, manager, { hostname, clusterId: paged.id, gpuModel: 'H100', gpuCount: 8 })
    }
    await createNode(t, manager, { hostname: 'pg-000-other', clusterId: other.id, gpuModel: 'H100', gpuCount: 8 })

    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = `clusterId=${paged.id}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
      const response = await t.app.inject({ method: 'GET', url: `/api/v1/nodes?${query}`, headers: manager.headers })
      expect(response.statusCode).toBe(200)
      const page = response.json() as { items: { hostname: string }[]; nextCursor: string | null }
      seen.push(...page.items.map((n) => n.hostname))
      cursor = page.nextCursor
      pages += 1
    } while (cursor && pages < 10)
    expect(seen).toEqual(['pg-001', 'pg-002', 'pg-003', 'pg-004', 'pg-005'])
    expect(pages).toBe(3)

    const search = await t.app.inject({
      method: 'GET',
      url: '/api/v1/nodes?q=PG-00&limit=50',
      headers: manager.headers,
    })
    expect(search.json().items.map((n: { hostname: string }) => n.hostname)).toEqual([
      'pg-000-other',
      'pg-001',
      'pg-002',
      'pg-003',
      'pg-004',
      'pg-005',
    ])

    const badCursor = await t.app.inject({
      method: 'GET',
      url: '/api/v1/nodes?cursor=garbage',
      headers: manager.headers,
    })
    expect(badCursor.statusCode).toBe(400)
    expect(badCursor.json().error.details.issues[0].path).toBe('cursor')

    // A NUL cannot reach Postgres in a text comparison: a 400, not a 500.
    const nulCursor = await t.app.inject({
      method: 'GET',
      url: `/api/v1/nodes?cursor=${encodeURIComponent(`${paged.id}~pg-001\u0000`)}`,
      headers: manager.headers,
    })
    expect(nulCursor.statusCode).toBe(400)
    expect(nulCursor.json().error.details.issues[0].path).toBe('cursor')
  })
})
