// Password guessing is slowed down: sign-in allows a few attempts per minute per address, then 429.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestApp, startTestApp, TEST_PASSWORD } from '../support/app'
import { expectError } from '../support/fixtures'

let t: TestApp

beforeAll(async () => {
  t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '3' } })
})
afterAll(async () => {
  await t?.close()
})

describe('sign-in rate limit', () => {
  it('answers the 4th attempt within a minute with 429 RATE_LIMITED and retry-after, even with the right password', async () => {
    const user = await t.createUser(['requester'])
    const attempt = (password: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password } })

    for (let index = 0; index < 3; index += 1) {
      expectError(await attempt(`wrong ${index}`), 401, 'INVALID_CREDENTIALS')
    }
    const limited = await attempt(TEST_PASSWORD)
    expectError(limited, 429, 'RATE_LIMITED')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(limited.cookies.find((c) => c.name === 'cabinet_session')).toBeUndefined()
    expect(await t.db.session.count({ where: { userId: user.id } })).toBe(0)
  })

  it('does not limit other routes: the session API stays reachable while sign-in is limited', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me' })
    expectError(response, 401, 'UNAUTHENTICATED')
  })
})
