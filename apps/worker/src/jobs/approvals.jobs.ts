// Approval due times. A stage still open at its due time is escalated to the change managers (a
// stored notification and an audit event) or, where its policy says so, rejected, which returns
// the change to `new` like a CAB rejection. Each run locks the change row and re-reads the stage,
// so a decision racing the job wins or loses cleanly, and a second run finds nothing left to do.
import type { Db } from '@cabinet/db'
import { appendAuditEvent } from '@cabinet/db'
import { type Actor, transition } from '@cabinet/domain'
import type { DomainHandlers } from '../handler-types'

const AUDIT_ACTOR = { id: null, name: 'Cabinet (approval due time)' }
/** The domain decides whether a rejection is possible; the due-time rule rejects on the CAB's behalf. */
const DUE_TIME_ACTOR: Actor = { id: 'system:approval-due-time', roles: ['cab_member'] }
const SWEEP_BATCH = 200

export type DueOutcome =
  | 'escalated'
  | 'rejected'
  | 'missing'
  | 'not_open'
  | 'not_due'
  | 'paused'
  | 'already_escalated'
  | 'refused'

export async function actOnDueStage(db: Db, stageId: string, now: Date): Promise<DueOutcome> {
  return db.$transaction(async (tx) => {
    const located = await tx.approvalStage.findUnique({ where: { id: stageId }, select: { changeId: true } })
    if (!located) return 'missing'
    // The same lock a decision takes: whichever comes second sees what the first did.
    await tx.$queryRaw`SELECT id FROM change_requests WHERE id = ${located.changeId}::uuid FOR UPDATE`
    const stage = await tx.approvalStage.findUniqueOrThrow({ where: { id: stageId } })
    const change = await tx.changeRequest.findUniqueOrThrow({ where: { id: stage.changeId } })
    if (stage.status !== 'open' || stage.round !== change.approvalRound || change.state !== 'authorize')
      return 'not_open'
    // A request for information pauses the stage: its due time waits for the next decision.
    if (stage.infoRequestedAt) return 'paused'
    if (!stage.dueAt || stage.dueAt.getTime() > now.getTime()) return 'not_due'

    if (stage.expiryAction === 'escalate') {
      if (stage.escalatedAt) return 'already_escalated'
      await tx.approvalStage.update({ where: { id: stageId }, data: { escalatedAt: now } })
      await tx.notification.createMany({
        data: [
          {
            kind: 'approval.escalated',
            changeId: change.id,
            recipientRole: 'change_manager',
            title: `${change.number}: approval stage '${stage.name}' is overdue`,
            body: `Due ${stage.dueAt.toISOString()}; still waiting for ${stage.required ?? 1} approval(s).`,
            dedupeKey: `approval-escalated:${stageId}`,
          },
        ],
        skipDuplicates: true,
      })
      await appendAuditEvent(tx, {
        actor: AUDIT_ACTOR,
        action: 'approval.escalated',
        entityType: 'approval_stage',
        entityId: stageId,
        changeId: change.id,
        after: { stage: stage.name, round: stage.round, dueAt: stage.dueAt, notified: 'change_manager' },
        at: now,
      })
      return 'escalated'
    }

    const comment = `Approval stage '${stage.name}' was not decided by its due time (${stage.dueAt.toISOString()}).`
    const decision = transition(
      {
        type: change.type,
        state: change.state,
        requesterId: change.requesterId,
        implementerId: change.implementerId,
        riskLevel: change.riskLevel,
        breakFixAllowed: change.breakFixAllowed,
        reviewRequired: change.reviewRequired,
        reviewCompleted: change.reviewCompleted,
        approvalsComplete: change.approvalsComplete,
      },
      { type: 'reject', comment },
      { actor: DUE_TIME_ACTOR, now },
    )
    if (!decision.ok) return 'refused'
    await tx.approvalStage.update({ where: { id: stageId }, data: { status: 'rejected', completedAt: now } })
    await tx.approvalStage.updateMany({
      where: { changeId: change.id, round: stage.round, status: { in: ['pending', 'open'] } },
      data: { status: 'withdrawn', completedAt: now },
    })
    const written = await tx.changeRequest.updateMany({
      where: { id: change.id, version: change.version },
      data: { state: decision.next, approvalsComplete: false, version: { increment: 1 } },
    })
    if (written.count !== 1) throw new Error(`change ${change.number} changed under its row lock`)
    await tx.notification.createMany({
      data: [
        {
          kind: 'approval.expired',
          changeId: change.id,
          recipientUserId: change.requesterId,
          title: `${change.number} was rejected: an approval stage ran out of time`,
          body: comment,
          dedupeKey: `approval-expired:${stageId}`,
        },
      ],
      skipDuplicates: true,
    })
    await appendAuditEvent(tx, {
      actor: AUDIT_ACTOR,
      action: 'change.reject',
      entityType: 'change',
      entityId: change.id,
      changeId: change.id,
      before: { state: change.state, version: change.version },
      after: {
        state: decision.next,
        version: change.version + 1,
        comment,
        stage: stage.name,
        reason: 'approval_expired',
      },
      at: now,
    })
    return 'rejected'
  })
}

export const approvalsHandlers = {
  async 'approvals.stage-due'({ stageId }, { db, now }) {
    return { outcome: await actOnDueStage(db, stageId, now()) }
  },

  async 'approvals.sweep-due'(_payload, { db, now, logger }) {
    const at = now()
    const due = await db.approvalStage.findMany({
      where: {
        status: 'open',
        dueAt: { lte: at },
        infoRequestedAt: null,
        OR: [{ escalatedAt: null }, { expiryAction: 'reject' }],
      },
      select: { id: true },
      orderBy: { dueAt: 'asc' },
      take: SWEEP_BATCH,
    })
    const outcomes: Record<string, number> = {}
    for (const stage of due) {
      const outcome = await actOnDueStage(db, stage.id, at)
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
    }
    if (due.length > 0) logger.info({ outcomes }, 'approval due-time sweep')
    return { checked: due.length, outcomes }
  },
} satisfies DomainHandlers<'approvals.stage-due' | 'approvals.sweep-due'>
