// Break-fix emergency changes (issue 3 part 5): where the policy allows it, an emergency change is
// implemented before the ECAB approves it. Its approval then becomes retroactive and is due within the
// policy's retroactiveWithinMinutes; a delayed job (emergency.retroactive-due, id retroactive-due-<changeId>)
// escalates it to the change managers if it is still undecided then. ECAB members decide the same
// open stage as before; the decision records the outcome instead of moving the change, which is
// already past authorization.
import type { FastifyBaseLogger } from 'fastify'
import type { ApprovalStage, Db, Prisma } from '@cabinet/db'
import type { JobProducer } from '@cabinet/queue'
import { jobId } from '@cabinet/queue'
import { recordAudit } from '../../http/audit'
import { staleVersion } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import type { Clock } from '../../infra/clock'
import type { ChangeHook } from '../changes/change-hooks'
import type { ChangeRow } from '../changes/changes.repository'
import { type OpenedStage, openStage } from './approval-rounds'

type Tx = Prisma.TransactionClient

/** When a policy names no window (or none matched): a day, as the issue suggests. */
export const DEFAULT_RETROACTIVE_MINUTES = 24 * 60

/** An emergency change implemented before its approval completed: its stages are decided after the fact. */
export function awaitsRetroactiveApproval(
  change: Pick<ChangeRow, 'type' | 'state' | 'approvalsComplete' | 'breakFixAllowed'>,
): boolean {
  return (
    change.type === 'emergency' &&
    change.breakFixAllowed &&
    !change.approvalsComplete &&
    (change.state === 'implement' || change.state === 'review')
  )
}

/** How long the policy that routed this round gives for the retroactive approval. */
async function retroactiveMinutes(tx: Tx, change: Pick<ChangeRow, 'id' | 'approvalRound'>): Promise<number> {
  const stage = await tx.approvalStage.findFirst({
    where: { changeId: change.id, round: change.approvalRound, policyId: { not: null } },
    select: { policy: { select: { retroactiveWithinMinutes: true } } },
  })
  return stage?.policy?.retroactiveWithinMinutes ?? DEFAULT_RETROACTIVE_MINUTES
}

export function createBreakFixHook(deps: {
  jobs: JobProducer
  clock: Clock
  logger: FastifyBaseLogger
  db: Db
}): ChangeHook {
  const { jobs, clock, logger, db } = deps
  return {
    name: 'break-fix',
    async apply({ tx, ctx, updated, effects }) {
      if (!effects.some((effect) => effect.kind === 'notify' && effect.event === 'break_fix_started')) return
      const minutes = await retroactiveMinutes(tx, updated)
      const dueAt = new Date(ctx.now.getTime() + minutes * 60_000)
      await tx.emergencyBreakFix.create({ data: { changeId: updated.id, startedAt: ctx.now, dueAt } })
      await recordAudit(tx, ctx, {
        action: 'emergency.break_fix_started',
        entityType: 'change',
        entityId: updated.id,
        changeId: updated.id,
        after: { retroactiveApprovalDueAt: dueAt.toISOString(), withinMinutes: minutes },
      })
    },
    async afterTransition(committed) {
      if (!committed.effects.some((effect) => effect.kind === 'notify' && effect.event === 'break_fix_started')) return
      const row = await db.emergencyBreakFix.findUnique({ where: { changeId: committed.changeId } })
      if (!row) return
      try {
        await jobs.enqueue(
          'emergency.retroactive-due',
          { changeId: committed.changeId },
          {
            jobId: jobId('retroactive-due', committed.changeId),
            delayMs: Math.max(0, row.dueAt.getTime() - clock.now().getTime()),
          },
        )
      } catch (error) {
        // Committed already: the recurring sweep escalates overdue break-fixes whose job is missing.
        logger.error({ err: error, changeId: committed.changeId }, 'enqueueing the retroactive approval job failed')
      }
    },
  }
}

/**
 * Records a retroactive decision that completed or failed a stage (or left it open): approval of the
 * last stage completes the change's approvals; a rejection is recorded and sent to the change
 * managers (the change is already implemented, so nothing is undone here: its review takes it up).
 */
export async function decideRetroactively(
  tx: Tx,
  ctx: RequestContext,
  input: {
    change: ChangeRow
    stage: Pick<ApprovalStage, 'id' | 'name' | 'round' | 'position'>
    result: 'open' | 'approved' | 'rejected'
    comment: string | null | undefined
  },
): Promise<OpenedStage[]> {
  const { change, stage, result } = input
  const audit = (action: string, after: Record<string, unknown>) =>
    recordAudit(tx, ctx, {
      action,
      entityType: 'approval_stage',
      entityId: stage.id,
      changeId: change.id,
      after: { stage: stage.name, round: stage.round, retroactive: true, ...after },
    })
  if (result === 'open') {
    await audit('approval.approved', {})
    return []
  }
  await tx.approvalStage.update({ where: { id: stage.id }, data: { status: result, completedAt: ctx.now } })
  const bump = async () => {
    const bumped = await tx.changeRequest.updateMany({
      where: { id: change.id, version: change.version },
      data: { version: { increment: 1 } },
    })
    if (bumped.count !== 1) throw staleVersion(`change ${change.number}`)
  }
  if (result === 'rejected') {
    await tx.approvalStage.updateMany({
      where: { changeId: change.id, round: stage.round, status: { in: ['pending', 'open'] } },
      data: { status: 'withdrawn', completedAt: ctx.now },
    })
    await tx.emergencyBreakFix.updateMany({ where: { changeId: change.id }, data: { rejectedAt: ctx.now } })
    await tx.notification.create({
      data: {
        kind: 'emergency.retroactive_rejected',
        changeId: change.id,
        recipientRole: 'change_manager',
        title: `${change.number}: the ECAB rejected a break-fix already implemented`,
        body: input.comment ?? '',
        dedupeKey: `retroactive-rejected:${change.id}:${stage.round}`,
      },
    })
    await bump()
    await audit('approval.retroactive_rejected', { comment: input.comment ?? null })
    return []
  }
  const next = await tx.approvalStage.findFirst({
    where: { changeId: change.id, round: stage.round, position: { gt: stage.position }, status: 'pending' },
    orderBy: { position: 'asc' },
  })
  if (next) {
    const opened = await openStage(tx, next, change, ctx.now)
    await bump()
    await audit('approval.stage_completed', {})
    return [opened]
  }
  await tx.changeRequest.updateMany({ where: { id: change.id }, data: { approvalsComplete: true } })
  await tx.emergencyBreakFix.updateMany({ where: { changeId: change.id }, data: { approvedAt: ctx.now } })
  await bump()
  await audit('approval.retroactive_approved', {})
  return []
}
