// The reviews module's part in a change's lifecycle: when a change enters review, the review it needs
// is created in the same transaction (emergency changes, and a configured sample of the rest); a
// change closed as failed or rolled back must have a completed review first. The domain itself refuses
// `close` while a required review is open (REVIEW_OPEN); this hook adds the close codes it cannot see.
import { createHash } from 'node:crypto'
import type { CloseCode, ReviewReason } from '@cabinet/contracts'
import type { Prisma } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import { AppError } from '../../http/errors'
import type { ChangeHook } from '../changes/change-hooks'
import { reviewAuditSnapshot } from './review-views'

const DAY_MS = 86_400_000
/** Close codes that need a completed post-implementation review (issue 6, part 4). */
export const REVIEWED_CLOSE_CODES: ReadonlySet<CloseCode> = new Set(['failed', 'rolled_back'])

/**
 * Whether a change falls in the review sample: a stable function of its id, so the decision never
 * changes between calls and the share converges on `percent` over many changes.
 */
export function inReviewSample(changeId: string, percent: number): boolean {
  if (percent <= 0) return false
  if (percent >= 100) return true
  const bucket = createHash('sha256').update(changeId).digest().readUInt32BE(0) % 100
  return bucket < percent
}

/** Whether the change was implemented before approval: its implementation started from `authorize`. */
async function wasBreakFix(tx: Prisma.TransactionClient, changeId: string): Promise<boolean> {
  const started = await tx.auditEvent.findFirst({
    where: { changeId, action: 'change.start_implementation' },
    orderBy: { seq: 'desc' },
    select: { before: true },
  })
  const before = started?.before
  return typeof before === 'object' && before !== null && !Array.isArray(before) && before.state === 'authorize'
}

export function createReviewHook(options: { samplePercent: number; dueDays: number }): ChangeHook {
  return {
    name: 'reviews',

    async guard({ tx, change, body }) {
      if (body.event !== 'close' || !REVIEWED_CLOSE_CODES.has(body.closeCode)) return
      const review = await tx.changeReview.findUnique({ where: { changeId: change.id }, select: { status: true } })
      if (review?.status === 'completed') return
      const what = review
        ? `complete its post-implementation review first`
        : `start its post-implementation review (POST /api/v1/changes/${change.number}/review) and complete it first`
      throw new AppError('TRANSITION_REFUSED', `close as ${body.closeCode} refused for ${change.number}: ${what}`, {
        details: { reason: review ? 'REVIEW_OPEN' : 'REVIEW_REQUIRED', state: change.state, event: body.event },
      })
    },

    async apply({ tx, ctx, updated, next }) {
      if (next !== 'review') return
      let reason: ReviewReason | null = null
      if (updated.type === 'emergency') reason = (await wasBreakFix(tx, updated.id)) ? 'break_fix' : 'emergency'
      else if (updated.reviewRequired) reason = 'requested'
      else if (inReviewSample(updated.id, options.samplePercent)) reason = 'sampled'
      if (!reason) return
      // A review started by hand during implementation is the one this change needs: keep it.
      if (await tx.changeReview.findUnique({ where: { changeId: updated.id }, select: { id: true } })) return
      const review = await tx.changeReview.create({
        data: {
          changeId: updated.id,
          reason,
          reviewerId: null,
          dueAt: new Date(ctx.now.getTime() + options.dueDays * DAY_MS),
          incidentRefs: [],
          createdAt: ctx.now,
        },
      })
      // Sampled changes were not required before; the transition already moved the version.
      if (!updated.reviewRequired) {
        await tx.changeRequest.update({ where: { id: updated.id }, data: { reviewRequired: true } })
      }
      await recordAudit(tx, ctx, {
        action: 'review.create',
        entityType: 'review',
        entityId: review.id,
        changeId: updated.id,
        after: reviewAuditSnapshot(review),
      })
    },
  }
}
