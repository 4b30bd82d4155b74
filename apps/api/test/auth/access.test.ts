// Every API route decides who may call it: unauthenticated callers get 401 everywhere but sign-in,
// and a route registered without `config.access` stops the app from starting.
import { randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installAccessControl } from '../../src/http/access'
import { type TestApp, startTestApp } from '../support/app'
import { expectError } from '../support/fixtures'

let t: TestApp
let operations: { method: string; path: string; url: string }[]

/** Operations on purpose open to anyone: signing in, and the probes outside /api. */
const PUBLIC_API = new Set(['POST /api/v1/auth/login'])

beforeAll(async () => {
  t = await startTestApp()
  const document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
    paths: Record<string, Record<string, unknown>>
  }
  const methods = new Set(['get', 'put', 'post', 'delete', 'patch'])
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => methods.has(method))
      .map((method) => ({
        method: method.toUpperCase(),
        path,
        // Any well-formed id will do: the caller must be refused before the id is looked at.
        url: path.replace(/\{[^}]+\}/g, randomUUID()),
      })),
  )
})
afterAll(async () => {
  await t?.close()
})

describe('route access', () => {
  it('documents the API routes in OpenAPI (the list the next checks walk)', () => {
    const api = operations.filter((operation) => operation.path.startsWith('/api/'))
    expect(api.length).toBeGreaterThan(10)
    expect(api.map((operation) => `${operation.method} ${operation.path}`)).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/login',
        'GET /api/v1/changes',
        'POST /api/v1/changes',
        'PATCH /api/v1/changes/{id}',
        'POST /api/v1/changes/{id}/transitions',
        'POST /api/v1/auth/tokens',
      ]),
    )
  })

  it('answers 401 UNAUTHENTICATED to an anonymous call of every /api operation except sign-in', async () => {
    const refused: string[] = []
    for (const operation of operations.filter((o) => o.path.startsWith('/api/'))) {
      const key = `${operation.method} ${operation.path}`
      if (PUBLIC_API.has(key)) continue
      const response = await t.app.inject({ method: operation.method as 'GET', url: operation.url })
      if (
        response.statusCode !== 401 ||
        (response.json() as { error?: { code?: string } }).error?.code !== 'UNAUTHENTICATED'
      ) {
        refused.push(`${key} -> ${response.statusCode} ${response.body.slice(0, 120)}`)
      }
    }
    expect(refused).toEqual([])
  })

  it('answers 401 before reading the body: an anonymous invalid body is not validated', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      payload: { title: 42 },
    })
    expectError(response, 401, 'UNAUTHENTICATED')
  })

  it('answers 401 to a forged cookie or an unknown bearer token on every non-public /api operation', async () => {
    const failures: string[] = []
    for (const operation of operations.filter((o) => o.path.startsWith('/api/'))) {
      const key = `${operation.method} ${operation.path}`
      if (PUBLIC_API.has(key)) continue
      for (const headers of [{ cookie: 'cabinet_session=forged' }, { authorization: 'Bearer cab_forged_secret' }]) {
        const response = await t.app.inject({ method: operation.method as 'GET', url: operation.url, headers })
        if (response.statusCode !== 401) failures.push(`${key} ${Object.keys(headers)[0]} -> ${response.statusCode}`)
      }
    }
    expect(failures).toEqual([])
  })

  it('keeps the public routes outside /api to the health probes and the docs', () => {
    const outside = operations.filter((operation) => !operation.path.startsWith('/api/'))
    expect(outside.map((operation) => operation.path).sort()).toEqual(['/healthz', '/readyz'])
  })

  it('refuses to register an /api route that declares no access', async () => {
    const app = Fastify()
    installAccessControl(app, { resolve: async () => null })
    const register = async () => {
      app.get('/api/v1/undeclared', async () => ({ ok: true }))
      await app.ready()
    }
    await expect(register()).rejects.toThrow('route GET /api/v1/undeclared declares no config.access')
    await app.close()
  })
})
