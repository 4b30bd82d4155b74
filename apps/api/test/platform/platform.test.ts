// The platform around the modules: health probes, the JSON 404, the OpenAPI document and request ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestApp, startTestApp } from '../support/app'
import { expectError } from '../support/fixtures'

let t: TestApp

beforeAll(async () => {
  t = await startTestApp()
})
afterAll(async () => {
  await t?.close()
})

describe('health probes', () => {
  it('answers /healthz with ok while the process runs', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ok' })
  })

  it('answers /readyz with 200 and both Postgres and Redis up', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/readyz' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ready', checks: { postgres: 'up', redis: 'up' } })
  })
})

describe('unknown routes', () => {
  it('answers an unknown /api route with a JSON 404 in the one error shape', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/no-such-thing?x=1' })
    expect(response.headers['content-type']).toMatch(/application\/json/)
    const body = expectError(response, 404, 'NOT_FOUND')
    expect(body.error.message).toBe('no route GET /api/v1/no-such-thing')
  })

  it('answers an unknown method on a known path with the JSON 404', async () => {
    const response = await t.app.inject({ method: 'PUT', url: '/api/v1/changes' })
    expectError(response, 404, 'NOT_FOUND')
  })
})

describe('OpenAPI document', () => {
  it('is OpenAPI 3 and names an operationId on every operation', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/json' })
    expect(response.statusCode).toBe(200)
    const document = response.json() as { openapi: string; paths: Record<string, Record<string, unknown>> }
    expect(document.openapi).toMatch(/^3\./)
    const methods = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options'])
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => methods.has(method))
        .map(([method, operation]) => ({
          path,
          method,
          operationId: (operation as { operationId?: string }).operationId,
        })),
    )
    expect(operations.length).toBeGreaterThan(10)
    expect(operations.filter((operation) => !operation.operationId)).toEqual([])
    const ids = operations.map((operation) => operation.operationId)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toEqual(expect.arrayContaining(['login', 'createChange', 'transitionChange', 'liveness']))
  })
})

describe('request ids', () => {
  it('echoes a caller-given x-request-id and puts it in the error body', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/changes',
      headers: { 'x-request-id': 'trace-abc_123' },
    })
    expect(response.headers['x-request-id']).toBe('trace-abc_123')
    const body = expectError(response, 401, 'UNAUTHENTICATED')
    expect(body.error.requestId).toBe('trace-abc_123')
  })

  it('replaces a malformed x-request-id with a fresh uuid, still echoed in the header and the body', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/nothing-here',
      headers: { 'x-request-id': 'bad id with spaces; and <html>' },
    })
    const id = response.headers['x-request-id']
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(expectError(response, 404, 'NOT_FOUND').error.requestId).toBe(id)
  })

  it('gives every request its own id when none is sent', async () => {
    const [a, b] = await Promise.all([
      t.app.inject({ method: 'GET', url: '/healthz' }),
      t.app.inject({ method: 'GET', url: '/healthz' }),
    ])
    expect(a.headers['x-request-id']).toEqual(expect.any(String))
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id'])
  })
})
