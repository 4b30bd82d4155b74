// Who may read and change the catalog: anyone signed in reads; change managers and admins write;
// implementers may also import nodes; cookies need the CSRF header; tokens need the catalog scopes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { createCluster } from './catalog-fixtures'

let t: TestApp
let requester: SignedIn
let implementer: SignedIn
let manager: SignedIn
let clusterId: string

beforeAll(async () => {
  t = await startTestApp()
  requester = await t.userWith(['requester'])
  implementer = await t.userWith(['implementer'])
  manager = await t.userWith(['change_manager'])
  clusterId = (await createCluster(t, manager, { name: 'access' })).id
})
afterAll(async () => {
  await t?.close()
})

const writes = (id: string) =>
  [
    ['POST', '/api/v1/services', { name: 'svc', criticality: 1, userCount: 1 }],
    ['PATCH', `/api/v1/clusters/${id}`, { version: 1, region: 'x' }],
    ['DELETE', `/api/v1/clusters/${id}`, undefined],
    ['POST', '/api/v1/nodes', { hostname: 'n-1', clusterId: id, gpuModel: 'H100', gpuCount: 8 }],
    ['POST', '/api/v1/dependencies', { fromKind: 'cluster', fromId: id, toKind: 'cluster', toId: id }],
    [
      'POST',
      '/api/v1/nodes/import',
      { nodes: [{ hostname: 'n-2', cluster: 'access', gpuModel: 'H100', gpuCount: 8 }] },
    ],
  ] as const

describe('catalog access', () => {
  it('lets a requester read but answers 403 to every write, writing nothing', async () => {
    for (const url of [
      '/api/v1/services',
      '/api/v1/clusters',
      '/api/v1/nodes',
      '/api/v1/dependencies',
      '/api/v1/config-items/search',
    ]) {
      const response = await t.app.inject({ method: 'GET', url, headers: requester.headers })
      expect(response.statusCode, url).toBe(200)
    }
    for (const [method, url, payload] of writes(clusterId)) {
      const response = await t.app.inject({ method, url, headers: requester.headers, payload })
      expect(response.statusCode, `${method} ${url}`).toBe(403)
      expect(response.json().error.code).toBe('FORBIDDEN')
    }
    expect(await t.db.service.count()).toBe(0)
    expect(await t.db.node.count()).toBe(0)
    expect((await t.db.cluster.findUniqueOrThrow({ where: { id: clusterId } })).version).toBe(1)
  })

  it('answers 401 without a session, on reads and writes', async () => {
    const read = await t.app.inject({ method: 'GET', url: '/api/v1/nodes' })
    expect(read.statusCode).toBe(401)
    for (const [method, url, payload] of writes(clusterId)) {
      const response = await t.app.inject({ method, url, payload })
      expect(response.statusCode, `${method} ${url}`).toBe(401)
      expect(response.json().error.code).toBe('UNAUTHENTICATED')
    }
  })

  it('answers 403 to a cookie-authenticated write without the CSRF header', async () => {
    for (const [method, url, payload] of writes(clusterId)) {
      const response = await t.app.inject({ method, url, headers: { cookie: manager.headers.cookie }, payload })
      expect(response.statusCode, `${method} ${url}`).toBe(403)
      expect(response.json().error.code).toBe('CSRF_TOKEN_INVALID')
    }
  })

  it('lets an implementer import nodes but not create one by hand', async () => {
    const manual = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes',
      headers: implementer.headers,
      payload: { hostname: 'impl-1', clusterId, gpuModel: 'H100', gpuCount: 8 },
    })
    expect(manual.statusCode).toBe(403)
    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes/import',
      headers: implementer.headers,
      payload: { nodes: [{ hostname: 'impl-2', cluster: 'access', gpuModel: 'H100', gpuCount: 8 }] },
    })
    expect(imported.statusCode).toBe(200)
    expect(await t.db.node.count({ where: { hostname: 'impl-2' } })).toBe(1)
  })

  it('needs catalog:write on an API token to write, catalog:read to read', async () => {
    const mint = async (scopes: string[]) => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/tokens',
        headers: manager.headers,
        payload: { name: `t-${scopes.join('-')}`, scopes },
      })
      expect(response.statusCode).toBe(201)
      return { authorization: `Bearer ${response.json().token as string}` }
    }
    const readOnly = await mint(['catalog:read'])
    const changesOnly = await mint(['changes:read'])
    const writer = await mint(['catalog:write'])
    const body = { name: 'via-token', criticality: 2, userCount: 1 }

    expect((await t.app.inject({ method: 'GET', url: '/api/v1/services', headers: readOnly })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/services', headers: changesOnly })).statusCode).toBe(403)
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/services', headers: readOnly, payload: body })).statusCode,
    ).toBe(403)
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/services', headers: writer, payload: body })
    expect(created.statusCode).toBe(201)
  })
})

describe('catalog routes in OpenAPI', () => {
  it('documents every catalog route with an operationId, the catalog tag and the error shape', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/json' })
    expect(response.statusCode).toBe(200)
    const paths = response.json().paths as Record<
      string,
      Record<string, { operationId?: string; tags?: string[]; responses: object }>
    >
    const catalogPaths = Object.keys(paths).filter((path) =>
      /^\/api\/v1\/(services|clusters|nodes|dependencies|config-items)/.test(path),
    )
    const operations = catalogPaths.flatMap((path) => Object.values(paths[path] ?? {}))
    expect(operations.map((op) => op.operationId).sort()).toEqual([
      'createCluster',
      'createDependency',
      'createNode',
      'createService',
      'deleteCluster',
      'deleteDependency',
      'deleteNode',
      'deleteService',
      'getCluster',
      'getNode',
      'getService',
      'importNodes',
      'listClusters',
      'listDependencies',
      'listNodes',
      'listServices',
      'resolveConfigItems',
      'searchConfigItems',
      'updateCluster',
      'updateNode',
      'updateService',
    ])
    for (const operation of operations) {
      expect(operation.tags, operation.operationId).toEqual(['catalog'])
      expect(Object.keys(operation.responses), operation.operationId).toEqual(expect.arrayContaining(['4XX', '5XX']))
    }
  })

  it('refuses an import in a content type other than JSON or CSV with 415', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes/import',
      headers: { ...manager.headers, 'content-type': 'text/plain' },
      payload: 'hostname,cluster,gpuModel,gpuCount\n',
    })
    expect(response.statusCode).toBe(415)
    expect(response.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
  })
})
