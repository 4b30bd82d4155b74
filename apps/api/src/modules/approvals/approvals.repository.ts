// Queries for approval policies, a change's approval stages and the people who may decide them.
// Every function takes the transaction it runs in.
import type { DbOrTx, Prisma } from '@cabinet/db'
import type { ApprovalGroupKind } from '@cabinet/domain'

/** Roles that may decide an approval; group members without one cannot, so they are not counted. */
export const APPROVER_ROLES = ['cab_member', 'change_manager', 'admin'] as const

const CHANGE_NUMBER = /^CHG\d{7,}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const policyInclude = { stages: { orderBy: { position: 'asc' } } } satisfies Prisma.ApprovalPolicyInclude
export type PolicyRow = Prisma.ApprovalPolicyGetPayload<{ include: typeof policyInclude }>

export const stageInclude = {
  decisions: { orderBy: { createdAt: 'asc' }, include: { user: { select: { id: true, name: true } } } },
} satisfies Prisma.ApprovalStageInclude
export type StageRow = Prisma.ApprovalStageGetPayload<{ include: typeof stageInclude }>

export function listPolicies(tx: DbOrTx): Promise<PolicyRow[]> {
  return tx.approvalPolicy.findMany({ include: policyInclude, orderBy: [{ priority: 'asc' }, { name: 'asc' }] })
}

export function findPolicy(tx: DbOrTx, id: string): Promise<PolicyRow | null> {
  return tx.approvalPolicy.findUnique({ where: { id }, include: policyInclude })
}

/**
 * Locks the change row until the transaction ends: every decision on a change runs one after the
 * other, so twenty approvers at once see each other's decisions and advance a stage exactly once.
 */
export async function lockChange(tx: Prisma.TransactionClient, idOrNumber: string): Promise<string | null> {
  if (CHANGE_NUMBER.test(idOrNumber)) {
    const [row] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM change_requests WHERE number = ${idOrNumber} FOR UPDATE`
    return row?.id ?? null
  }
  if (!UUID.test(idOrNumber)) return null
  const [row] = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM change_requests WHERE id = ${idOrNumber}::uuid FOR UPDATE`
  return row?.id ?? null
}

/** Active users with an approving role in any group of these kinds. */
export async function approversIn(tx: DbOrTx, kinds: readonly ApprovalGroupKind[]): Promise<string[]> {
  if (kinds.length === 0) return []
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT u.id
      FROM users u
      JOIN group_memberships m ON m.user_id = u.id
      JOIN groups g ON g.id = m.group_id
     WHERE g.kind::text = ANY(${[...kinds]}::text[])
       AND NOT u.disabled
       AND u.roles && ARRAY['cab_member', 'change_manager', 'admin']::"Role"[]
     ORDER BY u.id`
  return rows.map((row) => row.id)
}

export function stagesOfRound(tx: DbOrTx, changeId: string, round: number): Promise<StageRow[]> {
  return tx.approvalStage.findMany({
    where: { changeId, round },
    include: stageInclude,
    orderBy: { position: 'asc' },
  })
}

/** Users whose approve or reject counted on some stage of the round. */
export async function countedInRound(tx: DbOrTx, changeId: string, round: number) {
  return tx.approvalDecision.findMany({
    where: { changeId, round, decision: { not: 'request_info' } },
    select: { stageId: true, userId: true, decision: true },
  })
}

export async function namesOf(tx: DbOrTx, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const users = await tx.user.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } })
  return new Map(users.map((user) => [user.id, user.name]))
}
