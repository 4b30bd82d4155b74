// Turns review rows into the contracts' views: timestamps as ISO strings, overdue derived from the clock.
import type { ActionItemView, ReviewReason, ReviewSummary, ReviewView } from '@cabinet/contracts'
import type { ActionItemRow, ReviewRow } from './reviews.repository'

export function toActionItemView(item: Omit<ActionItemRow, 'updatedAt'>, now: Date): ActionItemView {
  return {
    id: item.id,
    reviewId: item.reviewId,
    title: item.title,
    owner: item.owner,
    dueAt: item.dueAt.toISOString(),
    status: item.status,
    doneAt: item.doneAt?.toISOString() ?? null,
    overdue: item.status === 'open' && item.dueAt < now,
    version: item.version,
    createdAt: item.createdAt.toISOString(),
  }
}

type ReviewFields = Omit<ReviewRow, 'actionItems'>

function reviewFields(review: ReviewFields, now: Date): Omit<ReviewView, 'actionItems'> {
  return {
    id: review.id,
    change: review.change,
    reason: review.reason as ReviewReason,
    status: review.status,
    reviewer: review.reviewer,
    dueAt: review.dueAt.toISOString(),
    overdue: review.status === 'open' && review.dueAt < now,
    outcome: review.outcome,
    successCriteriaMet: review.successCriteriaMet,
    timeline: review.timeline,
    rootCause: review.rootCause,
    lessonsLearned: review.lessonsLearned,
    incidentsCaused: review.incidentsCaused,
    incidentRefs: review.incidentRefs,
    completedAt: review.completedAt?.toISOString() ?? null,
    completedBy: review.completedBy,
    version: review.version,
    createdAt: review.createdAt.toISOString(),
    updatedAt: review.updatedAt.toISOString(),
  }
}

export function toReviewView(review: ReviewRow, now: Date): ReviewView {
  return { ...reviewFields(review, now), actionItems: review.actionItems.map((item) => toActionItemView(item, now)) }
}

export function toReviewSummary(review: ReviewFields & { _count: { actionItems: number } }, now: Date): ReviewSummary {
  return { ...reviewFields(review, now), openActionItems: review._count.actionItems }
}

/** What an audit event records of a review: the decision fields, not the long texts' history. */
export function reviewAuditSnapshot(review: Omit<ReviewFields, 'change' | 'reviewer' | 'completedBy'>) {
  return {
    changeId: review.changeId,
    reason: review.reason,
    status: review.status,
    reviewerId: review.reviewerId,
    dueAt: review.dueAt,
    outcome: review.outcome,
    successCriteriaMet: review.successCriteriaMet,
    rootCause: review.rootCause,
    lessonsLearned: review.lessonsLearned,
    incidentsCaused: review.incidentsCaused,
    incidentRefs: review.incidentRefs,
    version: review.version,
  }
}
