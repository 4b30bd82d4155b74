// Use cases on post-implementation reviews: start, edit, complete (which lets the change close), and
// action items tracked to done. Each write checks the version it was given inside the transaction
// that writes, and records its audit event there.
import type { z } from 'zod'
import type {
  ActionItemList,
  ActionItemListQuery,
  ActionItemView,
  CompleteReviewBody,
  CreateActionItemBody,
  FieldIssue,
  ReminderList,
  ReviewList,
  ReviewListQuery,
  ReviewView,
  StartReviewBody,
  UpdateActionItemBody,
  UpdateReviewBody,
} from '@cabinet/contracts'
import type { Db, DbOrTx, Prisma, Tx } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import { AppError, forbidden, notFound, staleVersion } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import { reviewAuditSnapshot, toActionItemView, toReviewSummary, toReviewView } from './review-views'
import {
  actionItemInclude,
  findChangeForReview,
  findReviewOfChange,
  type ReviewRow,
  reviewInclude,
} from './reviews.repository'

export interface ReviewServiceDeps {
  db: Db
  dueDays: number
}

const DAY_MS = 86_400_000
/** Who may complete any review; the assigned reviewer may complete their own. */
const COMPLETER_ROLES = new Set(['change_manager', 'admin'])
/** A review can be started while the change is implemented or awaiting its review. */
const STARTABLE_STATES = new Set(['implement', 'review'])

function refused(reason: string, message: string, details: Record<string, unknown> = {}) {
  return new AppError('TRANSITION_REFUSED', message, { details: { reason, ...details } })
}

function invalid(issues: FieldIssue[]) {
  return new AppError('VALIDATION_FAILED', issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), {
    details: { issues },
  })
}

async function userMustExist(tx: DbOrTx, id: string | null | undefined, path: string) {
  if (!id) return
  const user = await tx.user.findUnique({ where: { id }, select: { id: true, disabled: true } })
  if (!user || user.disabled) throw invalid([{ path, message: 'no active user has this id' }])
}

export function createReviewService({ db, dueDays }: ReviewServiceDeps) {
  async function changeOrThrow(tx: DbOrTx, idOrNumber: string) {
    const change = await findChangeForReview(tx, idOrNumber)
    if (!change) throw new AppError('CHANGE_NOT_FOUND', `change ${idOrNumber} was not found`)
    return change
  }

  async function reviewOrThrow(tx: DbOrTx, idOrNumber: string): Promise<ReviewRow> {
    const change = await changeOrThrow(tx, idOrNumber)
    const review = await findReviewOfChange(tx, change.id)
    if (!review) throw notFound('the post-implementation review of change', change.number)
    return review
  }

  function mustBeOpen(review: ReviewRow) {
    if (review.status !== 'open') {
      throw refused('REVIEW_COMPLETED', `the review of ${review.change.number} is completed and can no longer change`)
    }
  }

  async function reload(tx: Tx, changeId: string, ctx: RequestContext): Promise<ReviewView> {
    const review = await findReviewOfChange(tx, changeId)
    if (!review) throw new Error(`review of change ${changeId} vanished inside its transaction`)
    return toReviewView(review, ctx.now)
  }

  return {
    async get(ctx: RequestContext, idOrNumber: string): Promise<ReviewView> {
      return toReviewView(await reviewOrThrow(db, idOrNumber), ctx.now)
    },

    /** Starts a review nobody required yet: once started, the change cannot close until it is completed. */
    async start(ctx: RequestContext, idOrNumber: string, body: StartReviewBody): Promise<ReviewView> {
      return db.$transaction(async (tx) => {
        const change = await changeOrThrow(tx, idOrNumber)
        if (!STARTABLE_STATES.has(change.state)) {
          throw refused(
            'CHANGE_NOT_REVIEWABLE',
            `a review starts while a change is implemented or in review; ${change.number} is ${change.state}`,
            {
              state: change.state,
            },
          )
        }
        if (await tx.changeReview.findUnique({ where: { changeId: change.id }, select: { id: true } })) {
          throw new AppError('ALREADY_EXISTS', `${change.number} already has a post-implementation review`)
        }
        await userMustExist(tx, body.reviewerId, 'reviewerId')
        const created = await tx.changeReview.create({
          data: {
            changeId: change.id,
            reason: 'requested',
            reviewerId: body.reviewerId ?? null,
            dueAt: body.dueAt ? new Date(body.dueAt) : new Date(ctx.now.getTime() + dueDays * DAY_MS),
            incidentRefs: [],
            createdAt: ctx.now,
          },
        })
        // The change now needs this review before it closes; its version moves so a stale close fails.
        await tx.changeRequest.update({
          where: { id: change.id },
          data: { reviewRequired: true, reviewCompleted: false, version: { increment: 1 } },
        })
        await recordAudit(tx, ctx, {
          action: 'review.start',
          entityType: 'review',
          entityId: created.id,
          changeId: change.id,
          after: reviewAuditSnapshot(created),
        })
        return reload(tx, change.id, ctx)
      })
    },

    async update(ctx: RequestContext, idOrNumber: string, body: UpdateReviewBody): Promise<ReviewView> {
      return db.$transaction(async (tx) => {
        const review = await reviewOrThrow(tx, idOrNumber)
        mustBeOpen(review)
        if (review.version !== body.version) throw staleVersion(`the review of ${review.change.number}`)
        await userMustExist(tx, body.reviewerId, 'reviewerId')
        const data: Prisma.ChangeReviewUncheckedUpdateManyInput = { version: { increment: 1 } }
        if (body.reviewerId !== undefined) data.reviewerId = body.reviewerId
        if (body.dueAt !== undefined) data.dueAt = new Date(body.dueAt)
        if (body.outcome !== undefined) data.outcome = body.outcome
        if (body.successCriteriaMet !== undefined) data.successCriteriaMet = body.successCriteriaMet
        if (body.timeline !== undefined) data.timeline = body.timeline
        if (body.rootCause !== undefined) data.rootCause = body.rootCause
        if (body.lessonsLearned !== undefined) data.lessonsLearned = body.lessonsLearned
        if (body.incidentsCaused !== undefined) data.incidentsCaused = body.incidentsCaused
        if (body.incidentRefs !== undefined) data.incidentRefs = body.incidentRefs
        const written = await tx.changeReview.updateMany({ where: { id: review.id, version: body.version }, data })
        if (written.count !== 1) throw staleVersion(`the review of ${review.change.number}`)
        const updated = await reload(tx, review.changeId, ctx)
        await recordAudit(tx, ctx, {
          action: 'review.update',
          entityType: 'review',
          entityId: review.id,
          changeId: review.changeId,
          before: reviewAuditSnapshot(review),
          after: reviewAuditSnapshot(await tx.changeReview.findUniqueOrThrow({ where: { id: review.id } })),
        })
        return updated
      })
    },

    /** Completes the review and marks the change's review completed, which lets `close` through. */
    async complete(ctx: RequestContext, idOrNumber: string, body: CompleteReviewBody): Promise<ReviewView> {
      return db.$transaction(async (tx) => {
        const review = await reviewOrThrow(tx, idOrNumber)
        mustBeOpen(review)
        if (review.version !== body.version) throw staleVersion(`the review of ${review.change.number}`)
        const mayComplete =
          review.reviewerId === ctx.actor.id || ctx.actor.roles.some((role) => COMPLETER_ROLES.has(role))
        if (!mayComplete) throw forbidden('only the assigned reviewer, a change manager or an admin completes a review')
        const issues: FieldIssue[] = []
        if (!review.outcome) issues.push({ path: 'outcome', message: 'record the outcome before completing' })
        if (review.lessonsLearned.trim() === '') issues.push({ path: 'lessonsLearned', message: 'must not be empty' })
        const troubled = review.outcome !== null && review.outcome !== 'successful'
        if (troubled && review.rootCause.trim() === '') {
          issues.push({ path: 'rootCause', message: 'a change that did not fully succeed needs its root cause' })
        }
        if (issues.length > 0) throw invalid(issues)
        const written = await tx.changeReview.updateMany({
          where: { id: review.id, version: body.version, status: 'open' },
          data: { status: 'completed', completedAt: ctx.now, completedById: ctx.actor.id, version: { increment: 1 } },
        })
        if (written.count !== 1) throw staleVersion(`the review of ${review.change.number}`)
        await tx.changeRequest.update({
          where: { id: review.changeId },
          data: { reviewRequired: true, reviewCompleted: true, version: { increment: 1 } },
        })
        const completed = await tx.changeReview.findUniqueOrThrow({ where: { id: review.id } })
        await recordAudit(tx, ctx, {
          action: 'review.complete',
          entityType: 'review',
          entityId: review.id,
          changeId: review.changeId,
          before: reviewAuditSnapshot(review),
          after: reviewAuditSnapshot(completed),
        })
        return reload(tx, review.changeId, ctx)
      })
    },

    async addActionItem(ctx: RequestContext, idOrNumber: string, body: CreateActionItemBody): Promise<ActionItemView> {
      return db.$transaction(async (tx) => {
        const review = await reviewOrThrow(tx, idOrNumber)
        await userMustExist(tx, body.ownerId, 'ownerId')
        const item = await tx.reviewActionItem.create({
          data: {
            reviewId: review.id,
            title: body.title,
            ownerId: body.ownerId,
            dueAt: new Date(body.dueAt),
            createdAt: ctx.now,
          },
          include: actionItemInclude,
        })
        await recordAudit(tx, ctx, {
          action: 'review.action_item.create',
          entityType: 'review_action_item',
          entityId: item.id,
          changeId: review.changeId,
          after: {
            reviewId: review.id,
            title: item.title,
            ownerId: item.ownerId,
            dueAt: item.dueAt,
            status: item.status,
          },
        })
        return toActionItemView(item, ctx.now)
      })
    },

    async updateActionItem(
      ctx: RequestContext,
      idOrNumber: string,
      itemId: string,
      body: UpdateActionItemBody,
    ): Promise<ActionItemView> {
      return db.$transaction(async (tx) => {
        const review = await reviewOrThrow(tx, idOrNumber)
        const item = review.actionItems.find((candidate) => candidate.id === itemId)
        if (!item) throw notFound(`action item of ${review.change.number}`, itemId)
        if (item.version !== body.version) throw staleVersion(`action item ${item.title}`)
        await userMustExist(tx, body.ownerId, 'ownerId')
        const data: Prisma.ReviewActionItemUncheckedUpdateManyInput = { version: { increment: 1 } }
        if (body.title !== undefined) data.title = body.title
        if (body.ownerId !== undefined) data.ownerId = body.ownerId
        if (body.dueAt !== undefined) data.dueAt = new Date(body.dueAt)
        if (body.status !== undefined && body.status !== item.status) {
          data.status = body.status
          data.doneAt = body.status === 'done' ? ctx.now : null
        }
        const written = await tx.reviewActionItem.updateMany({ where: { id: item.id, version: body.version }, data })
        if (written.count !== 1) throw staleVersion(`action item ${item.title}`)
        const updated = await tx.reviewActionItem.findUniqueOrThrow({
          where: { id: item.id },
          include: actionItemInclude,
        })
        const snapshot = (row: typeof item) => ({
          title: row.title,
          ownerId: row.ownerId,
          dueAt: row.dueAt,
          status: row.status,
        })
        await recordAudit(tx, ctx, {
          action: 'review.action_item.update',
          entityType: 'review_action_item',
          entityId: item.id,
          changeId: review.changeId,
          before: snapshot(item),
          after: snapshot(updated),
        })
        return toActionItemView(updated, ctx.now)
      })
    },

    async list(ctx: RequestContext, query: z.output<typeof ReviewListQuery>): Promise<ReviewList> {
      const where: Prisma.ChangeReviewWhereInput = {}
      if (query.status) where.status = query.status
      if (query.overdue === true) Object.assign(where, { status: 'open', dueAt: { lt: ctx.now } })
      const rows = await db.changeReview.findMany({
        where,
        include: {
          change: reviewInclude.change,
          reviewer: reviewInclude.reviewer,
          completedBy: reviewInclude.completedBy,
          _count: { select: { actionItems: { where: { status: 'open' } } } },
        },
        orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
        take: query.limit,
      })
      return { items: rows.map((row) => toReviewSummary(row, ctx.now)) }
    },

    async listActionItems(ctx: RequestContext, query: z.output<typeof ActionItemListQuery>): Promise<ActionItemList> {
      const where: Prisma.ReviewActionItemWhereInput = {}
      if (query.status) where.status = query.status
      if (query.overdue === true) Object.assign(where, { status: 'open', dueAt: { lt: ctx.now } })
      if (query.mine === true) where.ownerId = ctx.actor.id
      const rows = await db.reviewActionItem.findMany({
        where,
        include: {
          ...actionItemInclude,
          review: { select: { change: { select: { id: true, number: true, title: true } } } },
        },
        orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
        take: query.limit,
      })
      return { items: rows.map((row) => ({ ...toActionItemView(row, ctx.now), change: row.review.change })) }
    },

    async listReminders(limit: number): Promise<ReminderList> {
      const rows = await db.reviewReminder.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit })
      const [changes, people] = await Promise.all([
        db.changeRequest.findMany({
          where: { id: { in: [...new Set(rows.map((row) => row.changeId))] } },
          select: { id: true, number: true },
        }),
        db.user.findMany({
          where: { id: { in: [...new Set(rows.flatMap((row) => (row.recipientId ? [row.recipientId] : [])))] } },
          select: { id: true, name: true, email: true },
        }),
      ])
      const changeById = new Map(changes.map((change) => [change.id, change]))
      const personById = new Map(people.map((user) => [user.id, user]))
      return {
        items: rows.map((row) => ({
          id: row.id,
          kind: row.kind,
          subjectId: row.subjectId,
          change: changeById.get(row.changeId) ?? { id: row.changeId, number: '' },
          recipient: row.recipientId ? (personById.get(row.recipientId) ?? null) : null,
          day: row.day.toISOString().slice(0, 10),
          message: row.message,
          createdAt: row.createdAt.toISOString(),
        })),
      }
    },
  }
}

export type ReviewService = ReturnType<typeof createReviewService>
