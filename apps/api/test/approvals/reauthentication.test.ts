// Decisions on high and critical risk need a password entered within the last five minutes; the
// session remembers when, and POST /api/v1/auth/reauthenticate renews it. The clock is the test's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChangeApprovalsView } from '@cabinet/contracts'
import { type SignedIn, TEST_PASSWORD, type TestApp, startTestApp } from '../support/app'
import { expectError } from '../support/fixtures'
import { approvalsOf, cabMembers, changeAwaitingCab, createGroup, decide, scenario, stage } from './approvals-fixtures'

let t: TestApp
let now = Date.parse('2026-11-27T09:00:00.000Z')
let admin: SignedIn
let requester: SignedIn
let manager: SignedIn
let approver: SignedIn

beforeAll(async () => {
  t = await startTestApp({ clock: { now: () => new Date(now) } })
  admin = await t.userWith(['admin'])
  requester = await t.userWith(['requester'])
  manager = await t.userWith(['change_manager'])
  ;[approver] = (await cabMembers(t, 1)) as [SignedIn]
  await createGroup(t, 'security', [approver])
})
afterAll(async () => {
  await t?.close()
})

const minutes = (n: number) => n * 60_000

function reauthenticate(user: SignedIn, password: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/reauthenticate',
    headers: user.headers,
    payload: { password },
  })
}

describe('re-authentication for high and critical risk', () => {
  it.each(['high', 'critical'] as const)(
    'refuses a %s-risk decision with a stale password, and accepts it after re-authentication',
    async (risk) => {
      const { catalog } = await scenario(t, admin, [stage('security')])
      const change = await changeAwaitingCab(t, { requester, manager }, catalog, { risk })
      const view = await approvalsOf(t, approver, change.id)
      expect(view).toMatchObject({ riskLevel: risk, reauthenticationRequired: true })
      const stageId = view.stages[0]?.id as string

      now += minutes(6)
      const refused = await decide(t, approver, change.id, stageId, { decision: 'approve', version: view.version })
      expect(expectError(refused, 403, 'REAUTHENTICATION_REQUIRED').error.details).toMatchObject({ windowSeconds: 300 })
      expect(await t.db.approvalDecision.count({ where: { changeId: change.id } })).toBe(0)

      expectError(await reauthenticate(approver, 'not the password'), 401, 'INVALID_CREDENTIALS')
      const renewed = await reauthenticate(approver, TEST_PASSWORD)
      expect(renewed.statusCode, renewed.body).toBe(200)
      expect(renewed.json()).toEqual({ reauthenticatedAt: new Date(now).toISOString() })

      now += minutes(4)
      const accepted = await decide(t, approver, change.id, stageId, { decision: 'approve', version: view.version })
      expect(accepted.statusCode, accepted.body).toBe(200)
      expect(ChangeApprovalsView.parse(accepted.json()).state).toBe('scheduled')
    },
  )

  it('does not ask for it on moderate risk', async () => {
    const { catalog } = await scenario(t, admin, [stage('security')])
    const change = await changeAwaitingCab(t, { requester, manager }, catalog, { risk: 'moderate' })
    const view = await approvalsOf(t, approver, change.id)
    now += minutes(30)
    const response = await decide(t, approver, change.id, view.stages[0]?.id as string, {
      decision: 'approve',
      version: view.version,
    })
    expect(response.statusCode, response.body).toBe(200)
  })

  it('is refused to API tokens, which carry no password', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      headers: approver.headers,
      payload: { name: 'ci', scopes: ['changes:write', 'changes:read'] },
    })
    expect(created.statusCode, created.body).toBe(201)
    const token = (created.json() as { token: string }).token
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/reauthenticate',
      headers: { authorization: `Bearer ${token}` },
      payload: { password: TEST_PASSWORD },
    })
    expectError(response, 403, 'FORBIDDEN')
  })
})

describe('re-authentication attempts', () => {
  it('are rate-limited like sign-in, per address and account', async () => {
    const limited = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '3' } })
    try {
      const user = await limited.userWith(['cab_member'])
      const attempt = () =>
        limited.app.inject({
          method: 'POST',
          url: '/api/v1/auth/reauthenticate',
          headers: user.headers,
          payload: { password: 'guess' },
        })
      for (let index = 0; index < 3; index += 1) expectError(await attempt(), 401, 'INVALID_CREDENTIALS')
      expect((await attempt()).statusCode).toBe(429)
    } finally {
      await limited.close()
    }
  })
})
