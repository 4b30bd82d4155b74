// Reminds owners of overdue post-implementation reviews and action items. Each sweep records at most
// one reminder per item per UTC day: the unique (kind, subject, day) key makes a second run a no-op.
// Delivery (webhook, mail) arrives with notifications; until then the console lists the reminders.
import type { DomainHandlers } from '../handler-types'

export const reviewsHandlers = {
  async 'reviews.remind-overdue'(_payload, { db, now }) {
    const at = now()
    const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()))
    const [reviews, actionItems] = await Promise.all([
      db.changeReview.findMany({
        where: { status: 'open', dueAt: { lt: at } },
        select: {
          id: true,
          changeId: true,
          reviewerId: true,
          dueAt: true,
          change: { select: { number: true, requesterId: true } },
        },
      }),
      db.reviewActionItem.findMany({
        where: { status: 'open', dueAt: { lt: at } },
        select: {
          id: true,
          title: true,
          ownerId: true,
          dueAt: true,
          review: { select: { changeId: true, change: { select: { number: true } } } },
        },
      }),
    ])
    const rows = [
      ...reviews.map((review) => ({
        kind: 'review_overdue' as const,
        subjectId: review.id,
        changeId: review.changeId,
        // Nobody assigned yet: the requester hears about it, since the change cannot close without it.
        recipientId: review.reviewerId ?? review.change.requesterId,
        day,
        message: `The post-implementation review of ${review.change.number} was due ${review.dueAt.toISOString()}.`,
      })),
      ...actionItems.map((item) => ({
        kind: 'action_item_overdue' as const,
        subjectId: item.id,
        changeId: item.review.changeId,
        recipientId: item.ownerId,
        day,
        message: `Action item "${item.title}" from the review of ${item.review.change.number} was due ${item.dueAt.toISOString()}.`,
      })),
    ]
    // skipDuplicates turns the unique key into "already reminded today" without a read-then-write race.
    const { count } = await db.reviewReminder.createMany({ data: rows, skipDuplicates: true })
    return { overdue: rows.length, reminded: count }
  },
} satisfies DomainHandlers<'reviews.remind-overdue'>
