// Turns approval rows into contract views and domain values.
import type { ApprovalPolicyView, ApprovalStageView, PolicyConditions } from '@cabinet/contracts'
import {
  type ApprovalPolicyDefinition,
  type ChangeParties,
  type DecisionRefusal,
  DECISION_REFUSALS,
  decisionRefusal,
  describeQuorum,
} from '@cabinet/domain'
import type { PolicyRow, StageRow } from './approvals.repository'

const iso = (date: Date | null) => date?.toISOString() ?? null

/** Stored conditions were validated on write; missing keys (older rows) read as "matches anything". */
export function conditionsOf(stored: unknown): PolicyConditions {
  const raw = (stored ?? {}) as Partial<PolicyConditions>
  return {
    types: raw.types ?? [],
    categories: raw.categories ?? [],
    subcategories: raw.subcategories ?? [],
    riskLevels: raw.riskLevels ?? [],
    serviceIds: raw.serviceIds ?? [],
    minServiceCriticality: raw.minServiceCriticality ?? null,
  }
}

export function toPolicyView(policy: PolicyRow): ApprovalPolicyView {
  return {
    id: policy.id,
    name: policy.name,
    description: policy.description,
    priority: policy.priority,
    enabled: policy.enabled,
    breakFixAllowed: policy.breakFixAllowed,
    retroactiveWithinMinutes: policy.retroactiveWithinMinutes,
    conditions: conditionsOf(policy.conditions),
    stages: policy.stages.map((stage) => ({
      position: stage.position,
      name: stage.name,
      groupKinds: stage.groupKinds,
      quorum: { kind: stage.quorum, value: stage.quorumValue },
      dueMinutes: stage.dueMinutes,
      expiryAction: stage.expiryAction,
    })),
    version: policy.version,
    createdAt: policy.createdAt.toISOString(),
    updatedAt: policy.updatedAt.toISOString(),
  }
}

export function toDomainPolicy(policy: PolicyRow): ApprovalPolicyDefinition {
  return {
    id: policy.id,
    name: policy.name,
    priority: policy.priority,
    enabled: policy.enabled,
    conditions: conditionsOf(policy.conditions),
    stages: policy.stages.map((stage) => ({
      name: stage.name,
      groupKinds: stage.groupKinds,
      quorum: { kind: stage.quorum, value: stage.quorumValue },
      dueMinutes: stage.dueMinutes,
      expiryAction: stage.expiryAction,
    })),
  }
}

export const countsFor = (stage: {
  decisions: readonly { decision: StageRow['decisions'][number]['decision'] }[]
}) => ({
  approvals: stage.decisions.filter((d) => d.decision === 'approve').length,
  rejections: stage.decisions.filter((d) => d.decision === 'reject').length,
})

export interface StageViewContext {
  viewerId: string
  change: ChangeParties
  /** Every counted decision of the round, to tell the viewer why they may not decide. */
  counted: readonly { stageId: string; userId: string }[]
  /** Whether the change is in a state where open stages take decisions. */
  deciding: boolean
  names: Map<string, string>
}

export function refusalFor(stage: StageRow, ctx: Omit<StageViewContext, 'names'>): DecisionRefusal | null {
  return decisionRefusal(ctx.viewerId, {
    change: ctx.change,
    eligibleUserIds: stage.eligibleUserIds,
    decidedOnStage: ctx.counted.filter((c) => c.stageId === stage.id).map((c) => c.userId),
    decidedOnOtherStages: ctx.counted.filter((c) => c.stageId !== stage.id).map((c) => c.userId),
  })
}

export function toStageView(stage: StageRow, ctx: StageViewContext): ApprovalStageView {
  const quorum = { kind: stage.quorum, value: stage.quorumValue }
  const open = stage.status === 'open' && ctx.deciding
  const refusal = open ? refusalFor(stage, ctx) : null
  return {
    id: stage.id,
    round: stage.round,
    position: stage.position,
    name: stage.name,
    policyName: stage.policyName,
    groupKinds: stage.groupKinds,
    quorum,
    quorumText: describeQuorum(quorum),
    status: stage.status,
    required: stage.required,
    approvals: countsFor(stage).approvals,
    eligible: stage.eligibleUserIds.map((id) => ({ id, name: ctx.names.get(id) ?? 'unknown' })),
    expiryAction: stage.expiryAction,
    openedAt: iso(stage.openedAt),
    dueAt: iso(stage.dueAt),
    completedAt: iso(stage.completedAt),
    infoRequestedAt: iso(stage.infoRequestedAt),
    escalatedAt: iso(stage.escalatedAt),
    decisions: stage.decisions.map((d) => ({
      id: d.id,
      user: { id: d.user.id, name: d.user.name },
      decision: d.decision,
      comment: d.comment,
      at: d.createdAt.toISOString(),
    })),
    canDecide: open && refusal === null,
    refusal: refusal ? DECISION_REFUSALS[refusal] : null,
  }
}
