// Post-implementation reviews: what a review records, its action items tracked to done, and the
// reminders the worker stores for overdue ones.
import { z } from 'zod'
import { ChangeRefParams } from './changes'
import { Id, requiredText, Timestamp, text, Version } from './common'
import { CloseCode } from './vocabulary'

/** Why a change has a review: emergency and break-fix changes, failed or rolled-back ones, a sample, or on request. */
export const ReviewReason = z.enum(['emergency', 'break_fix', 'failed', 'rolled_back', 'sampled', 'requested'])
export type ReviewReason = z.infer<typeof ReviewReason>
export const ReviewStatus = z.enum(['open', 'completed'])
export type ReviewStatus = z.infer<typeof ReviewStatus>
export const ActionItemStatus = z.enum(['open', 'done'])
export type ActionItemStatus = z.infer<typeof ActionItemStatus>
export const ReviewReminderKind = z.enum(['review_overdue', 'action_item_overdue'])
export type ReviewReminderKind = z.infer<typeof ReviewReminderKind>

const PersonRef = z.object({ id: Id, name: z.string(), email: z.string() })

export const ActionItemView = z.object({
  id: Id,
  reviewId: Id,
  title: z.string(),
  owner: PersonRef.nullable(),
  dueAt: Timestamp,
  status: ActionItemStatus,
  doneAt: Timestamp.nullable(),
  /** Open and past its due time. */
  overdue: z.boolean(),
  version: z.number().int(),
  createdAt: Timestamp,
})
export type ActionItemView = z.infer<typeof ActionItemView>

export const ReviewView = z.object({
  id: Id,
  change: z.object({
    id: Id,
    number: z.string(),
    title: z.string(),
    state: z.string(),
    closeCode: CloseCode.nullable(),
  }),
  reason: ReviewReason,
  status: ReviewStatus,
  reviewer: PersonRef.nullable(),
  dueAt: Timestamp,
  overdue: z.boolean(),
  outcome: CloseCode.nullable(),
  successCriteriaMet: z.boolean().nullable(),
  timeline: z.string(),
  rootCause: z.string(),
  lessonsLearned: z.string(),
  incidentsCaused: z.number().int(),
  incidentRefs: z.array(z.string()),
  completedAt: Timestamp.nullable(),
  completedBy: PersonRef.nullable(),
  actionItems: z.array(ActionItemView),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type ReviewView = z.infer<typeof ReviewView>

/** Starts a review a rule did not require (e.g. before closing a change as failed). */
export const StartReviewBody = z.object({
  reviewerId: Id.nullable().optional(),
  dueAt: Timestamp.optional(),
})
export type StartReviewBody = z.infer<typeof StartReviewBody>

export const UpdateReviewBody = z.object({
  version: Version,
  reviewerId: Id.nullable().optional(),
  dueAt: Timestamp.optional(),
  outcome: CloseCode.nullable().optional(),
  successCriteriaMet: z.boolean().nullable().optional(),
  timeline: text(10_000).optional(),
  rootCause: text(10_000).optional(),
  lessonsLearned: text(10_000).optional(),
  incidentsCaused: z.number().int().min(0).max(10_000).optional(),
  incidentRefs: z.array(requiredText(200)).max(100).optional(),
})
export type UpdateReviewBody = z.infer<typeof UpdateReviewBody>

export const CompleteReviewBody = z.object({ version: Version })
export type CompleteReviewBody = z.infer<typeof CompleteReviewBody>

export const CreateActionItemBody = z.object({
  title: requiredText(500),
  ownerId: Id.nullable(),
  dueAt: Timestamp,
})
export type CreateActionItemBody = z.infer<typeof CreateActionItemBody>

export const UpdateActionItemBody = z.object({
  version: Version,
  title: requiredText(500).optional(),
  ownerId: Id.nullable().optional(),
  dueAt: Timestamp.optional(),
  status: ActionItemStatus.optional(),
})
export type UpdateActionItemBody = z.infer<typeof UpdateActionItemBody>

export const ActionItemParams = ChangeRefParams.extend({ itemId: Id })

const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true')

export const ReviewListQuery = z.object({
  status: ReviewStatus.optional(),
  overdue: booleanQuery.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
export type ReviewListQuery = z.input<typeof ReviewListQuery>

export const ReviewSummary = ReviewView.omit({ actionItems: true }).extend({
  openActionItems: z.number().int(),
})
export type ReviewSummary = z.infer<typeof ReviewSummary>
export const ReviewList = z.object({ items: z.array(ReviewSummary) })
export type ReviewList = z.infer<typeof ReviewList>

export const ActionItemListQuery = z.object({
  status: ActionItemStatus.optional(),
  overdue: booleanQuery.optional(),
  mine: booleanQuery.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
export type ActionItemListQuery = z.input<typeof ActionItemListQuery>
export const ActionItemWithChange = ActionItemView.extend({
  change: z.object({ id: Id, number: z.string(), title: z.string() }),
})
export const ActionItemList = z.object({ items: z.array(ActionItemWithChange) })
export type ActionItemList = z.infer<typeof ActionItemList>

export const ReminderView = z.object({
  id: Id,
  kind: ReviewReminderKind,
  subjectId: Id,
  change: z.object({ id: Id, number: z.string() }),
  recipient: PersonRef.nullable(),
  day: z.string(),
  message: z.string(),
  createdAt: Timestamp,
})
export type ReminderView = z.infer<typeof ReminderView>
export const ReminderList = z.object({ items: z.array(ReminderView) })
export type ReminderList = z.infer<typeof ReminderList>
