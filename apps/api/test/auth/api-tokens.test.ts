// API tokens for machines: minted from a session, shown once, stored hashed, scoped, revocable, expiring.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CreatedToken, type TokenScope } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, expectError, validChangeBody } from '../support/fixtures'

let t: TestApp
let catalog: Catalog

beforeAll(async () => {
  t = await startTestApp()
  catalog = await createCatalog(t.db, 2)
})
afterAll(async () => {
  await t?.close()
})

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

async function mintToken(owner: SignedIn, scopes: TokenScope[], extra: Record<string, unknown> = {}) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/tokens',
    headers: owner.headers,
    payload: { name: 'pipeline', scopes, ...extra },
  })
  expect(response.statusCode).toBe(201)
  return CreatedToken.parse(response.json())
}

describe('creating an API token', () => {
  it('returns the secret once and stores only its SHA-256', async () => {
    const owner = await t.userWith(['requester'])
    const created = await mintToken(owner, ['changes:read', 'changes:write'], { expiresInDays: 30 })

    expect(created.token).toMatch(new RegExp(`^cab_${created.prefix.replace(/[-_]/g, '\\$&')}_[\\w-]{43}$`))
    expect(created.scopes).toEqual(['changes:read', 'changes:write'])
    const days = (Date.parse(created.expiresAt) - Date.parse(created.createdAt)) / 86_400_000
    expect(Math.round(days)).toBe(30)

    const row = await t.db.apiToken.findUniqueOrThrow({ where: { id: created.id } })
    expect(row.tokenHash).toBe(sha256(created.token))
    expect(row.tokenHash).not.toBe(created.token)
    const [{ clear }] = (await t.db.$queryRaw<{ clear: bigint }[]>`
      SELECT count(*) AS clear FROM api_tokens a WHERE to_jsonb(a)::text LIKE ${`%${created.token}%`}`) as [
      { clear: bigint },
    ]
    expect(clear).toBe(0n)
    const audit = await t.db.auditEvent.findFirstOrThrow({
      where: { action: 'api_token.created', entityId: created.id },
    })
    expect(JSON.stringify(audit.after)).not.toContain(created.token)

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/auth/tokens', headers: owner.headers })
    expect(list.statusCode).toBe(200)
    const items = (list.json() as { items: Record<string, unknown>[] }).items
    expect(items.map((item) => item.id)).toEqual([created.id])
    expect(items[0]).not.toHaveProperty('token')
    expect(list.body).not.toContain(created.token)
  })

  it('refuses to mint a token with a token (403), so a leaked token cannot outlive its revocation', async () => {
    const owner = await t.userWith(['requester'])
    const created = await mintToken(owner, ['changes:read', 'changes:write', 'catalog:read', 'catalog:write'])
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      headers: bearer(created.token),
      payload: { name: 'child', scopes: ['changes:read'] },
    })
    expectError(response, 403, 'FORBIDDEN')
    expect(await t.db.apiToken.count({ where: { userId: owner.userId } })).toBe(1)
  })

  it('refuses to list or revoke tokens with a token (403): only a signed-in person manages them', async () => {
    const owner = await t.userWith(['requester'])
    const reader = await mintToken(owner, ['changes:read'])
    const writer = await mintToken(owner, ['changes:write'])
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/auth/tokens', headers: bearer(reader.token) })
    expectError(list, 403, 'FORBIDDEN')
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/tokens/${writer.id}`,
      headers: bearer(reader.token),
    })
    expectError(revoke, 403, 'FORBIDDEN')
    expect((await t.db.apiToken.findUniqueOrThrow({ where: { id: writer.id } })).revokedAt).toBeNull()
  })

  it('refuses an unknown scope or an empty scope list with 400 naming scopes', async () => {
    const owner = await t.userWith(['requester'])
    for (const scopes of [[], ['changes:delete'], 'changes:read']) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/tokens',
        headers: owner.headers,
        payload: { name: 'pipeline', scopes },
      })
      const body = expectError(response, 400, 'VALIDATION_FAILED')
      expect(body.error.details?.issues?.[0]?.path).toMatch(/^scopes/)
    }
    expect(await t.db.apiToken.count({ where: { userId: owner.userId } })).toBe(0)
  })
})

describe('calling with a bearer token', () => {
  it('lets a changes:read token list changes but refuses it POST /changes for want of changes:write', async () => {
    const owner = await t.userWith(['requester'])
    const { token } = await mintToken(owner, ['changes:read'])
    const changesBefore = await t.db.changeRequest.count()

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/changes', headers: bearer(token) })
    expect(list.statusCode).toBe(200)
    expect(list.json()).toEqual({ items: expect.any(Array), nextCursor: null })

    const create = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: bearer(token),
      payload: validChangeBody(catalog),
    })
    const body = expectError(create, 403, 'FORBIDDEN')
    expect(body.error.message).toContain('changes:write')
    expect(await t.db.changeRequest.count()).toBe(changesBefore)
  })

  it('lets a changes:write token create a change without a CSRF header, as its owner', async () => {
    const owner = await t.userWith(['requester'])
    const { token } = await mintToken(owner, ['changes:read', 'changes:write'])
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: bearer(token),
      payload: validChangeBody(catalog),
    })
    expect(response.statusCode).toBe(201)
    const row = await t.db.changeRequest.findUniqueOrThrow({ where: { id: (response.json() as { id: string }).id } })
    expect(row.requesterId).toBe(owner.userId)
  })

  it('keeps the owner’s roles: an auditor’s changes:write token still cannot create changes', async () => {
    const auditor = await t.userWith(['auditor'])
    const { token } = await mintToken(auditor, ['changes:read', 'changes:write'])
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: bearer(token),
      payload: validChangeBody(catalog),
    })
    expectError(response, 403, 'FORBIDDEN')
  })

  it('refuses a token the scope of another module (changes:read on /users needs catalog:read)', async () => {
    const owner = await t.userWith(['requester'])
    const { token } = await mintToken(owner, ['changes:read'])
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(token) }), 403, 'FORBIDDEN')
  })

  it('answers /auth/me for a token with 403: tokens have no browser session', async () => {
    const owner = await t.userWith(['requester'])
    const { token } = await mintToken(owner, ['changes:read'])
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) }), 403, 'FORBIDDEN')
  })

  it('refuses an unknown or malformed bearer token with 401', async () => {
    for (const value of ['cab_nothing_here', '', 'Bearer', 'x'.repeat(5000)]) {
      const response = await t.app.inject({ method: 'GET', url: '/api/v1/changes', headers: bearer(value) })
      expectError(response, 401, 'UNAUTHENTICATED')
    }
  })

  it('records when a token was last used', async () => {
    const owner = await t.userWith(['requester'])
    const created = await mintToken(owner, ['changes:read'])
    expect(created.lastUsedAt).toBeNull()
    await t.app.inject({ method: 'GET', url: '/api/v1/changes', headers: bearer(created.token) })
    const row = await t.db.apiToken.findUniqueOrThrow({ where: { id: created.id } })
    expect(row.lastUsedAt).toBeInstanceOf(Date)
  })
})

describe('revoking and expiry', () => {
  it('refuses a revoked token with 401 and audits the revocation', async () => {
    const owner = await t.userWith(['requester'])
    const created = await mintToken(owner, ['changes:read'])
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/tokens/${created.id}`,
      headers: owner.headers,
    })
    expect(revoke.statusCode).toBe(204)
    const row = await t.db.apiToken.findUniqueOrThrow({ where: { id: created.id } })
    expect(row.revokedAt).toBeInstanceOf(Date)
    expect(await t.db.auditEvent.count({ where: { action: 'api_token.revoked', entityId: created.id } })).toBe(1)

    const call = await t.app.inject({ method: 'GET', url: '/api/v1/changes', headers: bearer(created.token) })
    expectError(call, 401, 'UNAUTHENTICATED')
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/tokens/${created.id}`,
      headers: owner.headers,
    })
    expectError(again, 404, 'NOT_FOUND')
  })

  it('does not let one user revoke another user’s token', async () => {
    const owner = await t.userWith(['requester'])
    const stranger = await t.userWith(['change_manager'])
    const created = await mintToken(owner, ['changes:read'])
    const response = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/tokens/${created.id}`,
      headers: stranger.headers,
    })
    expectError(response, 404, 'NOT_FOUND')
    expect((await t.db.apiToken.findUniqueOrThrow({ where: { id: created.id } })).revokedAt).toBeNull()
    const call = await t.app.inject({ method: 'GET', url: '/api/v1/changes', headers: bearer(created.token) })
    expect(call.statusCode).toBe(200)
  })

  it('refuses an expired token with 401', async () => {
    const owner = await t.userWith(['requester'])
    const created = await mintToken(owner, ['changes:read'])
    await t.db.apiToken.update({ where: { id: created.id }, data: { expiresAt: new Date(Date.now() - 1000) } })
    const call = await t.app.inject({ method: 'GET', url: '/api/v1/changes', headers: bearer(created.token) })
    expectError(call, 401, 'UNAUTHENTICATED')
  })

  it('refuses the token of a disabled user with 401', async () => {
    const owner = await t.userWith(['requester'])
    const created = await mintToken(owner, ['changes:read'])
    await t.db.user.update({ where: { id: owner.userId }, data: { disabled: true } })
    const call = await t.app.inject({ method: 'GET', url: '/api/v1/changes', headers: bearer(created.token) })
    expectError(call, 401, 'UNAUTHENTICATED')
  })
})
