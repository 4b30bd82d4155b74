// Approval policies over HTTP: admin-only writes with version locking and audit, validation that
// names the field, the preview of what a change will need, and the due-time job a stage enqueues.
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApprovalPolicyList, ApprovalPolicyView, ApprovalPreview } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { expectError, issuePaths, validChangeBody } from '../support/fixtures'
import { testRedisUrl } from '../support/test-env'
import { approvalsOf, cabMembers, changeAwaitingCab, createGroup, scenario, stage } from './approvals-fixtures'

let t: TestApp
let admin: SignedIn
let manager: SignedIn
let requester: SignedIn

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.userWith(['admin'])
  manager = await t.userWith(['change_manager'])
  requester = await t.userWith(['requester'])
})
afterAll(async () => {
  await t?.close()
})

const body = (name: string) => ({
  name,
  priority: 50,
  conditions: { riskLevels: ['high'] },
  stages: [stage('technical', { kind: 'count', value: 2 }), stage('security')],
})

describe('policy administration', () => {
  it('creates, reads, edits with the version it read, and deletes, recording each step', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/approval-policies',
      headers: admin.headers,
      payload: body('High risk (test)'),
    })
    expect(created.statusCode, created.body).toBe(201)
    const policy = ApprovalPolicyView.parse(created.json())
    expect(policy).toMatchObject({ version: 1, enabled: true, breakFixAllowed: false, retroactiveWithinMinutes: 1440 })
    expect(policy.stages.map((s) => [s.position, s.groupKinds, s.quorum])).toEqual([
      [1, ['technical'], { kind: 'count', value: 2 }],
      [2, ['security'], { kind: 'any', value: null }],
    ])

    const edited = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/approval-policies/${policy.id}`,
      headers: admin.headers,
      payload: {
        version: 1,
        priority: 40,
        breakFixAllowed: true,
        retroactiveWithinMinutes: 90,
        stages: [stage('ecab', { kind: 'percent', value: 50 })],
      },
    })
    expect(edited.statusCode, edited.body).toBe(200)
    expect(ApprovalPolicyView.parse(edited.json())).toMatchObject({
      version: 2,
      priority: 40,
      name: 'High risk (test)',
      breakFixAllowed: true,
      retroactiveWithinMinutes: 90,
    })

    const tooShort = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/approval-policies/${policy.id}`,
      headers: admin.headers,
      payload: { version: 2, retroactiveWithinMinutes: 5 },
    })
    expect(issuePaths(expectError(tooShort, 400, 'VALIDATION_FAILED'))).toContain('retroactiveWithinMinutes')

    const stale = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/approval-policies/${policy.id}`,
      headers: admin.headers,
      payload: { version: 1, priority: 30 },
    })
    expectError(stale, 409, 'STALE_VERSION')

    const list = ApprovalPolicyList.parse(
      (await t.app.inject({ method: 'GET', url: '/api/v1/approval-policies', headers: manager.headers })).json(),
    )
    expect(list.items.find((p) => p.id === policy.id)?.stages).toHaveLength(1)

    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/approval-policies/${policy.id}`,
      headers: admin.headers,
    })
    expect(removed.statusCode).toBe(204)
    const audit = await t.db.auditEvent.findMany({ where: { entityId: policy.id }, orderBy: { seq: 'asc' } })
    expect(audit.map((e) => e.action)).toEqual([
      'approval_policy.created',
      'approval_policy.updated',
      'approval_policy.deleted',
    ])
  })

  it('refuses writes from anyone but an admin, and reads from a requester', async () => {
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/v1/approval-policies',
      headers: manager.headers,
      payload: body('nope'),
    })
    expectError(write, 403, 'FORBIDDEN')
    expectError(
      await t.app.inject({ method: 'GET', url: '/api/v1/approval-policies', headers: requester.headers }),
      403,
      'FORBIDDEN',
    )
  })

  it.each([
    ['a count without N', { stages: [{ ...stage('technical'), quorum: { kind: 'count' } }] }, 'stages.0.quorum.value'],
    [
      'a percentage over 100',
      { stages: [{ ...stage('technical'), quorum: { kind: 'percent', value: 120 } }] },
      'stages.0.quorum.value',
    ],
    ['no stages', { stages: [] }, 'stages'],
    ['a stage without groups', { stages: [{ ...stage('technical'), groupKinds: [] }] }, 'stages.0.groupKinds'],
    [
      'an unknown group kind',
      { stages: [{ ...stage('technical'), groupKinds: ['finance'] }] },
      'stages.0.groupKinds.0',
    ],
    ['a due time of zero', { stages: [{ ...stage('technical'), dueMinutes: 0 }] }, 'stages.0.dueMinutes'],
    ['an unknown risk level', { conditions: { riskLevels: ['extreme'] } }, 'conditions.riskLevels.0'],
  ])('refuses %s, naming the field', async (_name, overrides, path) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/approval-policies',
      headers: admin.headers,
      payload: { ...body(`bad-${path}`), ...overrides },
    })
    expect(issuePaths(expectError(response, 400, 'VALIDATION_FAILED'))).toContain(path)
  })

  it('refuses a second policy with the same name (409 naming the field)', async () => {
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/v1/approval-policies',
      headers: admin.headers,
      payload: body('Twice'),
    })
    expect(first.statusCode).toBe(201)
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/v1/approval-policies',
      headers: admin.headers,
      payload: body('Twice'),
    })
    expect(issuePaths(expectError(second, 409, 'ALREADY_EXISTS'))).toEqual(['name'])
  })
})

describe('the preview and the due-time job', () => {
  it('previews the stages a change will need, with who could decide them', async () => {
    const members = await cabMembers(t, 2)
    await createGroup(t, 'gpu_platform', members)
    const { catalog, policy } = await scenario(t, admin, [stage('gpu_platform', { kind: 'count', value: 3 })])
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: requester.headers,
      payload: validChangeBody(catalog),
    })
    const changeId = (created.json() as { id: string }).id
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/changes/${changeId}/approvals/preview`,
      headers: requester.headers,
    })
    expect(response.statusCode, response.body).toBe(200)
    expect(ApprovalPreview.parse(response.json())).toEqual({
      policy: { id: policy.id, name: policy.name },
      stages: [
        expect.objectContaining({
          name: 'gpu_platform stage',
          eligibleCount: 2,
          required: 3,
          reachable: false,
          quorumText: '3 members',
        }),
      ],
    })
  })

  it('enqueues a delayed job per opened stage, with a deterministic id', async () => {
    const members = await cabMembers(t, 1)
    await createGroup(t, 'executive', members)
    const { catalog } = await scenario(t, admin, [{ ...stage('executive'), dueMinutes: 90 }])
    const change = await changeAwaitingCab(t, { requester, manager }, catalog)
    const view = await approvalsOf(t, manager, change.id)
    const stageId = view.stages[0]?.id as string
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null })
    const queue = new Queue('approvals', { connection, prefix: t.prefix })
    try {
      const job = await queue.getJob(`approval-due-${stageId}`)
      expect(job?.name).toBe('approvals.stage-due')
      expect(job?.data).toEqual({ stageId })
      expect(job?.opts.delay).toBeGreaterThan(89 * 60_000)
      expect(job?.opts.delay).toBeLessThanOrEqual(90 * 60_000)
    } finally {
      await queue.close()
      await connection.quit()
    }
  })
})
