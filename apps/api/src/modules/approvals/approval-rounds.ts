// A change's approval round: created from the first matching policy when authorization is requested
// (first stage open, the rest pending), stages opened one after the other, withdrawn on rejection
// or cancel. Runs inside the caller's transaction; the change hook and the decision use case share it.
import type { ApprovalStage, Prisma } from '@cabinet/db'
import { type ChangeFacts, eligibleApprovers, requiredApprovals, selectPolicy } from '@cabinet/domain'
import { recordAudit } from '../../http/audit'
import type { RequestContext } from '../../http/request-context'
import type { ConfigItemService } from '../catalog/config-items.service'
import type { ChangeRow } from '../changes/changes.repository'
import { approversIn, countedInRound, listPolicies } from './approvals.repository'
import { toDomainPolicy } from './approvals.views'

type Tx = Prisma.TransactionClient

export interface OpenedStage {
  id: string
  dueAt: Date
}

export async function factsOf(
  tx: Tx,
  configItems: ConfigItemService,
  change: Pick<ChangeRow, 'type' | 'category' | 'subcategory' | 'riskLevel' | 'items'>,
): Promise<ChangeFacts> {
  const impact = await configItems.impactOf(
    change.items.map((item) => ({ kind: item.kind, id: item.itemId })),
    tx,
  )
  return {
    type: change.type,
    category: change.category,
    subcategory: change.subcategory,
    riskLevel: change.riskLevel,
    services: impact.services.map((service) => ({ id: service.id, criticality: service.criticality })),
  }
}

/** Opens a pending stage now: fixes who may decide it, how many must approve, and its due time. */
export async function openStage(
  tx: Tx,
  stage: Pick<ApprovalStage, 'id' | 'changeId' | 'round' | 'groupKinds' | 'quorum' | 'quorumValue' | 'dueMinutes'>,
  parties: { requesterId: string; implementerId: string | null },
  now: Date,
): Promise<OpenedStage> {
  const members = await approversIn(tx, stage.groupKinds)
  const counted = (await countedInRound(tx, stage.changeId, stage.round)).map((decision) => decision.userId)
  const eligible = eligibleApprovers(members, parties, counted)
  const dueAt = new Date(now.getTime() + stage.dueMinutes * 60_000)
  await tx.approvalStage.update({
    where: { id: stage.id },
    data: {
      status: 'open',
      openedAt: now,
      dueAt,
      eligibleUserIds: eligible,
      required: requiredApprovals({ kind: stage.quorum, value: stage.quorumValue }, eligible.length),
    },
  })
  return { id: stage.id, dueAt }
}

/**
 * Starts a new round for a change whose authorization was just requested, from the first matching
 * policy: its stages copied, the first one open.
 */
export async function startRound(
  tx: Tx,
  ctx: RequestContext,
  configItems: ConfigItemService,
  change: ChangeRow,
): Promise<OpenedStage | null> {
  const policies = await listPolicies(tx)
  const facts = await factsOf(tx, configItems, change)
  const chosen = selectPolicy(
    policies.map((row) => ({ ...toDomainPolicy(row), row })),
    facts,
  )
  const round = change.approvalRound + 1
  // No matching policy means nothing to approve: the round is complete at once, and a CAB member's
  // authorize (or the change manager's schedule) moves the change on, as before policies existed.
  const nothingToApprove = !chosen || chosen.stages.length === 0
  await tx.changeRequest.update({
    where: { id: change.id },
    // The policy's break-fix permission is copied onto the change: the domain reads it from the snapshot.
    data: {
      approvalRound: round,
      approvalsComplete: nothingToApprove,
      breakFixAllowed: change.type === 'emergency' && chosen?.row.breakFixAllowed === true,
    },
  })
  // The transition's own audit event is the whole record of an empty round.
  if (nothingToApprove) return null
  await tx.approvalStage.createMany({
    data: chosen.row.stages.map((stage) => ({
      changeId: change.id,
      round,
      position: stage.position,
      name: stage.name,
      policyId: chosen.id,
      policyName: chosen.name,
      groupKinds: stage.groupKinds,
      quorum: stage.quorum,
      quorumValue: stage.quorumValue,
      dueMinutes: stage.dueMinutes,
      expiryAction: stage.expiryAction,
      status: 'pending' as const,
      eligibleUserIds: [],
    })),
  })
  const first = await tx.approvalStage.findFirstOrThrow({
    where: { changeId: change.id, round },
    orderBy: { position: 'asc' },
  })
  const opened = await openStage(tx, first, change, ctx.now)
  await recordAudit(tx, ctx, {
    action: 'approval.round_started',
    entityType: 'change',
    entityId: change.id,
    changeId: change.id,
    after: {
      round,
      policy: { id: chosen.id, name: chosen.name },
      stages: chosen.row.stages.map((stage) => stage.name),
    },
  })
  return opened
}

/** Withdraws what is still undecided in the current round; decided stages stay as the record. */
export async function withdrawRound(tx: Tx, change: Pick<ChangeRow, 'id' | 'approvalRound'>, now: Date) {
  await tx.approvalStage.updateMany({
    where: { changeId: change.id, round: change.approvalRound, status: { in: ['pending', 'open'] } },
    data: { status: 'withdrawn', completedAt: now },
  })
  await tx.changeRequest.update({ where: { id: change.id }, data: { approvalsComplete: false } })
}
