// Test data for approvals: CAB groups of fresh users, a policy that only this test's catalog
// matches (by its service), and changes walked to `authorize` through the real API.
import { randomBytes } from 'node:crypto'
import { expect } from 'vitest'
import {
  type ApprovalPolicyBody,
  ApprovalPolicyView,
  ChangeApprovalsView,
  ChangeDetail,
  type RiskLevel,
} from '@cabinet/contracts'
import type { SignedIn, TestApp } from '../support/app'
import { type Catalog, createCatalog, validChangeBody } from '../support/fixtures'

export type GroupKind = 'technical' | 'business' | 'security' | 'financial' | 'executive' | 'gpu_platform' | 'ecab'

/** A group of this kind whose members are these users. */
export async function createGroup(t: TestApp, kind: GroupKind, members: readonly SignedIn[]) {
  return t.db.group.create({
    data: {
      name: `${kind}-${randomBytes(4).toString('hex')}`,
      kind,
      members: { create: members.map((member) => ({ userId: member.userId })) },
    },
  })
}

/** Signs in `count` CAB members. */
export async function cabMembers(t: TestApp, count: number, label = 'Approver'): Promise<SignedIn[]> {
  const members: SignedIn[] = []
  for (let index = 0; index < count; index += 1) members.push(await t.userWith(['cab_member'], `${label} ${index + 1}`))
  return members
}

export interface Scenario {
  catalog: Catalog
  policy: ApprovalPolicyView
}

/** A catalog of its own and a policy matching only changes over that catalog's service. */
export async function scenario(
  t: TestApp,
  admin: SignedIn,
  stages: ApprovalPolicyBody['stages'],
  extra: Partial<ApprovalPolicyBody> = {},
): Promise<Scenario> {
  const catalog = await createCatalog(t.db, 2)
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/approval-policies',
    headers: admin.headers,
    payload: {
      name: `policy-${randomBytes(4).toString('hex')}`,
      priority: 1,
      conditions: { serviceIds: [catalog.serviceId] },
      stages,
      ...extra,
    } satisfies ApprovalPolicyBody,
  })
  expect(response.statusCode, response.body).toBe(201)
  return { catalog, policy: ApprovalPolicyView.parse(response.json()) }
}

export function stage(groupKind: GroupKind, quorum: ApprovalPolicyBody['stages'][number]['quorum'] = { kind: 'any' }) {
  return {
    name: `${groupKind} stage`,
    groupKinds: [groupKind],
    quorum,
    dueMinutes: 60,
    expiryAction: 'escalate' as const,
  }
}

export async function transition(t: TestApp, user: SignedIn, change: ChangeDetail, body: Record<string, unknown>) {
  const response = await t.app.inject({
    method: 'POST',
    url: `/api/v1/changes/${change.id}/transitions`,
    headers: user.headers,
    payload: { ...body, version: change.version },
  })
  expect(response.statusCode, response.body).toBe(200)
  return ChangeDetail.parse(response.json())
}

/** Creates a change over the scenario's catalog, submits it and requests authorization at this risk. */
export async function changeAwaitingCab(
  t: TestApp,
  people: { requester: SignedIn; manager: SignedIn },
  catalog: Catalog,
  options: { risk?: RiskLevel; implementerId?: string } = {},
): Promise<ChangeDetail> {
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/changes',
    headers: people.requester.headers,
    payload: validChangeBody(catalog, { implementerId: options.implementerId ?? null }),
  })
  expect(created.statusCode, created.body).toBe(201)
  let change = ChangeDetail.parse(created.json())
  change = await transition(t, people.requester, change, { event: 'submit' })
  return transition(t, people.manager, change, {
    event: 'request_authorization',
    ...(options.risk ? { riskOverride: { level: options.risk, reason: 'Set by the test for its policy.' } } : {}),
  })
}

export async function approvalsOf(t: TestApp, user: SignedIn, changeId: string): Promise<ChangeApprovalsView> {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/v1/changes/${changeId}/approvals`,
    headers: user.headers,
  })
  expect(response.statusCode, response.body).toBe(200)
  return ChangeApprovalsView.parse(response.json())
}

export function decide(
  t: TestApp,
  user: SignedIn,
  changeId: string,
  stageId: string,
  body: { decision: 'approve' | 'reject' | 'request_info'; comment?: string; version: number },
) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/changes/${changeId}/approvals/${stageId}/decision`,
    headers: user.headers,
    payload: body,
  })
}
