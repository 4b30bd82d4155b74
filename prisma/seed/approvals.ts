// CAB approvals in the demo: the default policies (issue 3, packages/domain/src/approvals/defaults.ts),
// one more approver per CAB group so every default policy can be met without one person counting
// twice, and the helper that approves a seeded change's stages through the real API.
import type { buildApp } from '@cabinet/api'
import type { ChangeApprovalsView, ChangeDetail } from '@cabinet/contracts'
import type { Prisma, Role } from '@cabinet/db'
// Relative like seed.ts's password import: the root package depends on the API, not on the domain.
import { DEFAULT_APPROVAL_POLICIES } from '../../packages/domain/src/approvals/defaults'

/** People who sit on the CAB groups of prisma/seed/fleet.ts beside the six demo users. */
export const DEMO_APPROVERS: { email: string; name: string; roles: Role[]; groups: string[] }[] = [
  { email: 'tech@example.com', name: 'Taylor Tech', roles: ['cab_member'], groups: ['Technical CAB'] },
  { email: 'security@example.com', name: 'Sam Security', roles: ['cab_member'], groups: ['Security'] },
  { email: 'business@example.com', name: 'Blair Business', roles: ['cab_member'], groups: ['Business CAB'] },
  { email: 'gpu@example.com', name: 'Gale GPU', roles: ['cab_member'], groups: ['GPU Platform Owners'] },
  { email: 'exec@example.com', name: 'Emery Exec', roles: ['cab_member'], groups: ['Executive', 'ECAB'] },
]

export async function seedApprovals(tx: Prisma.TransactionClient, passwordHash: string) {
  const groups = new Map((await tx.group.findMany()).map((group) => [group.name, group.id]))
  for (const approver of DEMO_APPROVERS) {
    await tx.user.create({
      data: {
        email: approver.email,
        name: approver.name,
        roles: approver.roles,
        passwordHash,
        memberships: {
          create: approver.groups.map((name) => {
            const groupId = groups.get(name)
            if (!groupId) throw new Error(`seed data has no group ${name}`)
            return { groupId }
          }),
        },
      },
    })
  }
  for (const policy of DEFAULT_APPROVAL_POLICIES) {
    await tx.approvalPolicy.create({
      data: {
        name: policy.name,
        description: policy.description,
        priority: policy.priority,
        enabled: policy.enabled,
        breakFixAllowed: policy.breakFixAllowed,
        conditions: {
          types: [...(policy.conditions.types ?? [])],
          categories: [...(policy.conditions.categories ?? [])],
          subcategories: [...(policy.conditions.subcategories ?? [])],
          riskLevels: [...(policy.conditions.riskLevels ?? [])],
          serviceIds: [],
          minServiceCriticality: null,
        },
        stages: {
          create: policy.stages.map((stage, index) => ({
            position: index + 1,
            name: stage.name,
            groupKinds: [...stage.groupKinds],
            quorum: stage.quorum.kind,
            quorumValue: stage.quorum.value ?? null,
            dueMinutes: stage.dueMinutes,
            expiryAction: stage.expiryAction,
          })),
        },
      },
    })
  }
}

type Headers = { cookie: string; 'x-csrf-token': string }
type FastifyInstance = Awaited<ReturnType<typeof buildApp>>

/**
 * Approves every stage of a change's current round, as the eligible demo people would in the
 * console, until the change leaves `authorize`. Returns the change as it then stands.
 */
export async function approveAllStages(
  app: FastifyInstance,
  changeId: string,
  reader: Headers,
  sessionOf: (userId: string) => Headers | undefined,
): Promise<ChangeDetail> {
  const read = async (headers: Headers) => {
    const response = await app.inject({ method: 'GET', url: `/api/v1/changes/${changeId}/approvals`, headers })
    if (response.statusCode !== 200) throw new Error(`reading approvals of ${changeId} failed: ${response.body}`)
    return response.json() as ChangeApprovalsView
  }
  for (let guard = 0; guard < 50; guard += 1) {
    const view = await read(reader)
    // Complete but still in authorize: another module held the authorization (the next step says why).
    if (view.state !== 'authorize' || view.approvalsComplete) break
    const open = view.stages.find((stage) => stage.status === 'open')
    if (!open) throw new Error(`${view.number} awaits authorization with no open approval stage`)
    const decider = open.eligible.find((person) => {
      const headers = sessionOf(person.id)
      return headers !== undefined && !open.decisions.some((d) => d.user.id === person.id)
    })
    const headers = decider ? sessionOf(decider.id) : undefined
    if (!decider || !headers) throw new Error(`nobody in the demo can approve '${open.name}' of ${view.number}`)
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/changes/${changeId}/approvals/${open.id}/decision`,
      headers,
      payload: { decision: 'approve', comment: 'Approved for the demo.', version: view.version },
    })
    if (response.statusCode !== 200) throw new Error(`seeding an approval of ${view.number} failed: ${response.body}`)
  }
  const detail = await app.inject({ method: 'GET', url: `/api/v1/changes/${changeId}`, headers: reader })
  return detail.json() as ChangeDetail
}
