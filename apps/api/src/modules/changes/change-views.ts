// Turns stored rows into the contract views the console and CLI read. Nothing else shapes output.
import type {
  AuditEventView,
  ChangeDetail,
  ChangeSubcategory,
  ChangeSummary,
  ConfigItemOption,
  RiskAssessmentView,
  RiskQuestionnaire,
} from '@cabinet/contracts'
import type { AuditEvent, RiskAssessment } from '@cabinet/db'
import { type Actor, availableEvents, type ChangeSnapshot } from '@cabinet/domain'
import type { ChangeRow, ChangeSummaryRow } from './changes.repository'

export function snapshotOf(change: ChangeRow | (ChangeSummaryRow & Pick<ChangeRow, 'implementerId'>)): ChangeSnapshot {
  return {
    type: change.type,
    state: change.state,
    requesterId: change.requesterId,
    implementerId: change.implementerId,
    riskLevel: change.riskLevel,
    breakFixAllowed: change.breakFixAllowed,
    reviewRequired: change.reviewRequired,
    reviewCompleted: change.reviewCompleted,
    // Set by the approvals module when the last stage of the current round is approved.
    approvalsComplete: change.approvalsComplete,
    // From the first request for authorization on, approval rounds decide (an empty round completes at once).
    approvalsByStages: change.approvalRound > 0,
  }
}

export function toChangeSummary(change: ChangeSummaryRow): ChangeSummary {
  return {
    id: change.id,
    number: change.number,
    type: change.type,
    category: change.category,
    subcategory: change.subcategory as ChangeSubcategory | null,
    title: change.title,
    state: change.state,
    riskLevel: change.riskLevel,
    riskScore: change.riskScore,
    plannedStart: change.plannedStart.toISOString(),
    plannedEnd: change.plannedEnd.toISOString(),
    requester: change.requester,
    affectedItemCount: change._count.items,
    updatedAt: change.updatedAt.toISOString(),
  }
}

export function toRiskView(assessment: RiskAssessment, overrideByName: string | null): RiskAssessmentView {
  return {
    probability: assessment.probability,
    impact: assessment.impact,
    score: assessment.score,
    level: assessment.level,
    computedLevel: assessment.computedLevel,
    reasons: assessment.reasons as RiskAssessmentView['reasons'],
    override:
      assessment.overrideLevel && assessment.overrideReason
        ? { level: assessment.overrideLevel, reason: assessment.overrideReason, by: overrideByName ?? 'unknown' }
        : null,
  }
}

export function toChangeDetail(
  change: ChangeRow,
  affectedItems: ConfigItemOption[],
  viewer: Actor,
  overrideByName: string | null,
): ChangeDetail {
  const assessment = change.riskAssessments[0]
  if (!assessment) throw new Error(`change ${change.number} has no risk assessment`)
  return {
    ...toChangeSummary(change),
    description: change.description,
    justification: change.justification,
    implementer: change.implementer,
    implementationPlan: change.implementationPlan,
    testEvidence: change.testEvidence,
    rollbackPlan: change.rollbackPlan,
    riskQuestionnaire: change.riskQuestionnaire as RiskQuestionnaire,
    targetDriverVersion: change.targetDriverVersion,
    affectedItems,
    risk: toRiskView(assessment, overrideByName),
    closeCode: change.closeCode,
    reviewRequired: change.reviewRequired,
    availableEvents: availableEvents(snapshotOf(change), viewer),
    version: change.version,
    createdAt: change.createdAt.toISOString(),
  }
}

export function toAuditEventView(event: AuditEvent): AuditEventView {
  return {
    id: event.id,
    seq: Number(event.seq),
    at: event.at.toISOString(),
    actor: { id: event.actorId, name: event.actorName },
    action: event.action,
    entityType: event.entityType,
    entityId: event.entityId,
    before: event.before ?? null,
    after: event.after ?? null,
    requestId: event.requestId,
    hash: event.hash,
  }
}
