// Sign-in with a password, the session cookie, the current session, sign-out and CSRF protection.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SessionView } from '@cabinet/contracts'
import { type TestApp, startTestApp, TEST_PASSWORD } from '../support/app'
import { createCatalog, expectError, validChangeBody } from '../support/fixtures'

let t: TestApp

beforeAll(async () => {
  t = await startTestApp()
})
afterAll(async () => {
  await t?.close()
})

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

function login(email: string, password: string) {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } })
}

describe('sign-in', () => {
  it('returns the SessionView and sets an httpOnly, SameSite=Lax session cookie', async () => {
    const user = await t.createUser(['requester'], 'Ada Lovelace')
    const response = await login(user.email, TEST_PASSWORD)

    expect(response.statusCode).toBe(200)
    const body = SessionView.parse(response.json())
    expect(body.user).toEqual({ id: user.id, email: user.email, name: 'Ada Lovelace', roles: ['requester'] })
    expect(body.csrfToken.length).toBeGreaterThanOrEqual(32)
    const cookie = response.cookies.find((c) => c.name === 'cabinet_session')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(cookie?.value.length).toBeGreaterThanOrEqual(32)
    expect(cookie?.expires).toBeInstanceOf(Date)
    expect(Number(cookie?.expires)).toBeGreaterThan(Date.now())

    const sessions = await t.db.session.findMany({ where: { userId: user.id } })
    expect(sessions).toHaveLength(1)
    expect(sessions[0]?.csrfToken).toBe(body.csrfToken)
    const audit = await t.db.auditEvent.findMany({ where: { action: 'user.signed_in', actorId: user.id } })
    expect(audit.map((event) => event.entityId)).toEqual([sessions[0]?.id])
  })

  it('accepts the email in any letter case', async () => {
    const user = await t.createUser(['requester'])
    const response = await login(user.email.toUpperCase(), TEST_PASSWORD)
    expect(response.statusCode).toBe(200)
    expect(SessionView.parse(response.json()).user.id).toBe(user.id)
  })

  it('refuses a wrong password and an unknown email alike: 401 INVALID_CREDENTIALS, same message, no session', async () => {
    const user = await t.createUser(['requester'])
    const wrongPassword = expectError(await login(user.email, 'not the password'), 401, 'INVALID_CREDENTIALS')
    const unknownEmail = expectError(await login('nobody@test.example', TEST_PASSWORD), 401, 'INVALID_CREDENTIALS')

    expect(wrongPassword.error.message).toBe(unknownEmail.error.message)
    expect(await t.db.session.count({ where: { userId: user.id } })).toBe(0)
  })

  it('refuses a disabled user with the same 401 as a wrong password', async () => {
    const user = await t.createUser(['requester'])
    await t.db.user.update({ where: { id: user.id }, data: { disabled: true } })
    expectError(await login(user.email, TEST_PASSWORD), 401, 'INVALID_CREDENTIALS')
  })

  it('stores passwords as argon2id hashes', async () => {
    const user = await t.createUser(['requester'])
    const row = await t.db.user.findUniqueOrThrow({ where: { id: user.id } })
    expect(row.passwordHash.startsWith('$argon2id$')).toBe(true)
    expect(row.passwordHash).not.toContain(TEST_PASSWORD)
  })

  it('stores only the SHA-256 of the session cookie, never the cookie itself', async () => {
    const signedIn = await t.userWith(['requester'])
    const secret = signedIn.headers.cookie.replace('cabinet_session=', '')
    const rows = await t.db.$queryRaw<{ token_hash: string }[]>`
      SELECT token_hash FROM sessions WHERE user_id = ${signedIn.userId}::uuid`
    expect(rows).toHaveLength(1)
    expect(rows[0]?.token_hash).not.toBe(secret)
    expect(rows[0]?.token_hash).toBe(sha256(secret))
    const [{ clear }] = (await t.db.$queryRaw<{ clear: bigint }[]>`
      SELECT count(*) AS clear FROM sessions s WHERE to_jsonb(s)::text LIKE ${`%${secret}%`}`) as [{ clear: bigint }]
    expect(clear).toBe(0n)
  })

  it('refuses a malformed login body with 400 naming the field', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'not-an-email', password: '' },
    })
    const body = expectError(response, 400, 'VALIDATION_FAILED')
    expect(body.error.details?.issues?.map((issue) => issue.path).sort()).toEqual(['email', 'password'])
  })
})

describe('the current session', () => {
  it('answers /auth/me with 401 UNAUTHENTICATED without a cookie', async () => {
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/auth/me' }), 401, 'UNAUTHENTICATED')
  })

  it('answers /auth/me with 401 for a cookie that matches no session', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: 'cabinet_session=forged-secret' },
    })
    expectError(response, 401, 'UNAUTHENTICATED')
  })

  it('answers /auth/me with the user and the CSRF token for a valid cookie', async () => {
    const signedIn = await t.userWith(['cab_member', 'auditor'], 'Grace Hopper')
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: signedIn.headers.cookie },
    })
    expect(response.statusCode).toBe(200)
    expect(SessionView.parse(response.json())).toEqual({
      user: { id: signedIn.userId, email: signedIn.email, name: 'Grace Hopper', roles: ['cab_member', 'auditor'] },
      csrfToken: signedIn.headers['x-csrf-token'],
    })
  })

  it('treats an expired session as signed out', async () => {
    const signedIn = await t.userWith(['requester'])
    await t.db.session.updateMany({
      where: { userId: signedIn.userId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    })
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: signedIn.headers })
    expectError(response, 401, 'UNAUTHENTICATED')
  })
})

describe('sign-out', () => {
  it('deletes the session, clears the cookie, audits it, and the old cookie stops working', async () => {
    const signedIn = await t.userWith(['requester'])
    const session = await t.db.session.findFirstOrThrow({ where: { userId: signedIn.userId } })

    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: signedIn.headers })
    expect(response.statusCode).toBe(204)
    const cleared = response.cookies.find((c) => c.name === 'cabinet_session')
    expect(cleared?.value).toBe('')
    expect(await t.db.session.count({ where: { id: session.id } })).toBe(0)
    expect(await t.db.auditEvent.count({ where: { action: 'user.signed_out', entityId: session.id } })).toBe(1)

    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: signedIn.headers })
    expectError(me, 401, 'UNAUTHENTICATED')
  })

  it('leaves the user’s other sessions signed in', async () => {
    const user = await t.createUser(['requester'])
    const first = await t.signIn(user.email)
    const second = await t.signIn(user.email)
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: first.headers })
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: second.headers })
    expect(me.statusCode).toBe(200)
  })
})

describe('CSRF protection', () => {
  async function countWrites() {
    const [changes, tokens, events] = await Promise.all([
      t.db.changeRequest.count(),
      t.db.apiToken.count(),
      t.db.auditEvent.count({
        where: { OR: [{ action: { startsWith: 'change.' } }, { action: { startsWith: 'api_token.' } }] },
      }),
    ])
    return { changes, tokens, events }
  }

  it('refuses a cookie-authenticated POST without, or with a wrong, x-csrf-token and writes nothing', async () => {
    const catalog = await createCatalog(t.db, 2)
    const signedIn = await t.userWith(['requester'])
    const other = await t.userWith(['requester'])
    const before = await countWrites()
    const attempts = [
      { cookie: signedIn.headers.cookie },
      { cookie: signedIn.headers.cookie, 'x-csrf-token': 'wrong' },
      { cookie: signedIn.headers.cookie, 'x-csrf-token': '' },
      // Another session's token is as good as a wrong one.
      { cookie: signedIn.headers.cookie, 'x-csrf-token': other.headers['x-csrf-token'] },
    ]
    for (const headers of attempts) {
      const change = await t.app.inject({
        method: 'POST',
        url: '/api/v1/changes',
        headers,
        payload: validChangeBody(catalog),
      })
      expectError(change, 403, 'CSRF_TOKEN_INVALID')
      const token = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/tokens',
        headers,
        payload: { name: 'ci', scopes: ['changes:read'] },
      })
      expectError(token, 403, 'CSRF_TOKEN_INVALID')
      const logout = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers })
      expectError(logout, 403, 'CSRF_TOKEN_INVALID')
    }
    expect(await countWrites()).toEqual(before)
    expect(await t.db.session.count({ where: { userId: signedIn.userId } })).toBe(1)
  })

  it('lets safe methods through without the header', async () => {
    const signedIn = await t.userWith(['requester'])
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/changes',
      headers: { cookie: signedIn.headers.cookie },
    })
    expect(response.statusCode).toBe(200)
  })
})
