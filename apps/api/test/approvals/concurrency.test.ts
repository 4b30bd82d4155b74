// Twenty approvers deciding the same stage at the same moment, as real concurrent HTTP requests on
// a listening server: exactly one stage advance, exactly the quorum's decisions counted, everyone
// else told to reload (409), and an audit trail that tells the same story.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChangeApprovalsView } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { approvalsOf, cabMembers, changeAwaitingCab, createGroup, scenario, stage } from './approvals-fixtures'

let t: TestApp
let base: string
let admin: SignedIn
let requester: SignedIn
let manager: SignedIn
let approvers: SignedIn[]
let business: SignedIn[]

beforeAll(async () => {
  t = await startTestApp()
  base = await t.app.listen({ port: 0, host: '127.0.0.1' })
  admin = await t.userWith(['admin'])
  requester = await t.userWith(['requester'])
  manager = await t.userWith(['change_manager'])
  approvers = await cabMembers(t, 20, 'Technical')
  business = await cabMembers(t, 2, 'Business')
  await createGroup(t, 'technical', approvers)
  await createGroup(t, 'business', business)
})
afterAll(async () => {
  await t?.close()
})

function post(user: SignedIn, url: string, body: unknown) {
  return fetch(`${base}${url}`, {
    method: 'POST',
    headers: { ...user.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

describe('twenty approvers at once', () => {
  it('count 3 of 20: three decisions count, the stage advances once, the next stage opens once', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical', { kind: 'count', value: 3 }), stage('business')])
    const change = await changeAwaitingCab(t, { requester, manager }, catalog)
    const view = await approvalsOf(t, manager, change.id)
    const stageId = view.stages[0]?.id as string

    const replies = await Promise.all(
      approvers.map((approver) =>
        post(approver, `/api/v1/changes/${change.id}/approvals/${stageId}/decision`, {
          decision: 'approve',
          version: view.version,
        }),
      ),
    )
    const statuses = replies.map((reply) => reply.status)
    const codes = await Promise.all(
      replies
        .filter((reply) => reply.status !== 200)
        .map(async (reply) => ((await reply.json()) as { error: { code: string } }).error.code),
    )
    expect(statuses.filter((status) => status === 200)).toHaveLength(3)
    expect(statuses.filter((status) => status === 409)).toHaveLength(17)
    expect(new Set(codes)).toEqual(new Set(['STALE_VERSION']))

    const after = ChangeApprovalsView.parse(await approvalsOf(t, manager, change.id))
    expect(after.stages.map((s) => [s.status, s.approvals])).toEqual([
      ['approved', 3],
      ['open', 0],
    ])
    expect(after.version).toBe(view.version + 1)
    expect(await t.db.approvalDecision.count({ where: { stageId } })).toBe(3)
    const actions = (await t.db.auditEvent.findMany({ where: { changeId: change.id }, orderBy: { seq: 'asc' } })).map(
      (event) => event.action,
    )
    expect(actions.filter((action) => action === 'approval.approved')).toHaveLength(2)
    expect(actions.filter((action) => action === 'approval.stage_completed')).toHaveLength(1)
    expect(actions.at(-1)).toBe('approval.stage_completed')
  })

  it('quorum all of 20: every decision counts, and the change is authorized exactly once', async () => {
    const { catalog } = await scenario(t, admin, [stage('technical', { kind: 'all' })])
    const change = await changeAwaitingCab(t, { requester, manager }, catalog)
    const view = await approvalsOf(t, manager, change.id)
    const stageId = view.stages[0]?.id as string
    const replies = await Promise.all(
      approvers.map((approver) =>
        post(approver, `/api/v1/changes/${change.id}/approvals/${stageId}/decision`, {
          decision: 'approve',
          version: view.version,
        }),
      ),
    )
    expect(replies.map((reply) => reply.status)).toEqual(approvers.map(() => 200))
    const row = await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })
    expect(row).toMatchObject({ state: 'scheduled', approvalsComplete: true, version: view.version + 1 })
    expect(await t.db.approvalDecision.count({ where: { stageId } })).toBe(20)
    expect(await t.db.auditEvent.count({ where: { changeId: change.id, action: 'change.authorize' } })).toBe(1)
    expect(await t.db.auditEvent.count({ where: { changeId: change.id, action: 'approval.stage_completed' } })).toBe(1)
  })
})
