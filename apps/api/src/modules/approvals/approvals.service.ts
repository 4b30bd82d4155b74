// CAB decisions on a change's approval stages, and the approvals view and preview of a change.
//
// Concurrency: a decision locks the change row (SELECT ... FOR UPDATE) before reading anything, so
// decisions on one change run one after the other; each sees every earlier one, a stage completes
// exactly once, and a decision that read an older version of the change gets 409 STALE_VERSION.
// A stage completing bumps the change's version; the last one authorizes the change through the
// transition service in the same transaction, and a rejection rejects it the same way.
import type { FastifyBaseLogger } from 'fastify'
import type { z } from 'zod'
import type { ApprovalDecisionBody, ApprovalPreview, ChangeApprovalsView, RiskLevel } from '@cabinet/contracts'
import type { Db, Prisma } from '@cabinet/db'
import {
  DECISION_REFUSALS,
  describeQuorum,
  eligibleApprovers,
  quorumReachable,
  requiredApprovals,
  selectPolicy,
  stageOutcome,
} from '@cabinet/domain'
import type { JobProducer } from '@cabinet/queue'
import { jobId } from '@cabinet/queue'
import { recordAudit } from '../../http/audit'
import { AppError, notFound, staleVersion } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import type { Clock } from '../../infra/clock'
import type { ConfigItemService } from '../catalog/config-items.service'
import type { CommittedTransition } from '../changes/change-hooks'
import type { ChangeTransitionService } from '../changes/change-transitions.service'
import type { ChangeService } from '../changes/changes.service'
import { factsOf, type OpenedStage, openStage } from './approval-rounds'
import { awaitsRetroactiveApproval, decideRetroactively } from './break-fix'
import {
  approversIn,
  countedInRound,
  listPolicies,
  lockChange,
  namesOf,
  stageInclude,
  stagesOfRound,
} from './approvals.repository'
import { countsFor, refusalFor, toDomainPolicy, toStageView } from './approvals.views'

type DecisionInput = z.infer<typeof ApprovalDecisionBody>

/** A password entered this recently lets a person decide on high and critical risk (issue 3 part 2). */
export const REAUTHENTICATION_WINDOW_MS = 5 * 60_000
const SENSITIVE_RISK: readonly RiskLevel[] = ['high', 'critical']

export interface ApprovalsServiceDeps {
  db: Db
  clock: Clock
  jobs: JobProducer
  logger: FastifyBaseLogger
  configItems: ConfigItemService
  changes: Pick<ChangeService, 'loadOrThrow'>
  transitions: Pick<ChangeTransitionService, 'applyInTransaction' | 'afterCommit'>
}

export function createApprovalsService(deps: ApprovalsServiceDeps) {
  const { db, clock, jobs, logger, configItems, changes, transitions } = deps

  /** After commit: one delayed job per opened stage, id approval-due-<stageId>, so a retry adds none. */
  async function scheduleDue(opened: readonly OpenedStage[]): Promise<void> {
    const now = clock.now().getTime()
    for (const stage of opened) {
      try {
        await jobs.enqueue(
          'approvals.stage-due',
          { stageId: stage.id },
          { jobId: jobId('approval-due', stage.id), delayMs: Math.max(0, stage.dueAt.getTime() - now) },
        )
      } catch (error) {
        // Committed already: the recurring sweep acts on the due stage when its job is missing.
        logger.error({ err: error, stageId: stage.id }, 'enqueueing an approval due-time job failed')
      }
    }
  }

  function assertReauthenticated(ctx: RequestContext, riskLevel: RiskLevel) {
    if (!SENSITIVE_RISK.includes(riskLevel)) return
    const at = ctx.reauthenticatedAt
    if (at && ctx.now.getTime() - at.getTime() <= REAUTHENTICATION_WINDOW_MS) return
    throw new AppError(
      'REAUTHENTICATION_REQUIRED',
      `decisions on ${riskLevel} risk changes need your password within the last 5 minutes: re-authenticate and try again`,
      { details: { reason: 'REAUTHENTICATION_REQUIRED', riskLevel, windowSeconds: REAUTHENTICATION_WINDOW_MS / 1000 } },
    )
  }

  async function decide(
    ctx: RequestContext,
    idOrNumber: string,
    stageId: string,
    body: DecisionInput,
  ): Promise<ChangeApprovalsView> {
    const outcome = await db.$transaction(async (tx) => {
      const changeId = await lockChange(tx, idOrNumber)
      if (!changeId) throw new AppError('CHANGE_NOT_FOUND', `change ${idOrNumber} was not found`)
      const change = await changes.loadOrThrow(tx, changeId)
      const stage = await tx.approvalStage.findFirst({ where: { id: stageId, changeId }, include: stageInclude })
      if (!stage) throw notFound('approval', stageId)
      if (change.version !== body.version) throw staleVersion(`change ${change.number}`)
      // A break-fix emergency change is decided retroactively, while (or after) it is implemented.
      const retroactive = awaitsRetroactiveApproval(change)
      if (
        stage.status !== 'open' ||
        stage.round !== change.approvalRound ||
        !(change.state === 'authorize' || retroactive)
      ) {
        throw new AppError(
          'APPROVAL_NOT_OPEN',
          `approval stage '${stage.name}' of ${change.number} is ${stage.status}`,
          {
            details: { status: stage.status, state: change.state },
          },
        )
      }
      const counted = await countedInRound(tx, changeId, stage.round)
      const refusal = refusalFor(stage, { viewerId: ctx.actor.id, change, counted, deciding: true })
      if (refusal) throw new AppError('FORBIDDEN', DECISION_REFUSALS[refusal], { details: { reason: refusal } })
      assertReauthenticated(ctx, change.riskLevel)

      const decision = await tx.approvalDecision.create({
        data: {
          stageId,
          changeId,
          round: stage.round,
          userId: ctx.actor.id,
          decision: body.decision,
          comment: body.comment,
          createdAt: ctx.now,
        },
      })
      const audit = (action: string, after: Record<string, unknown>) =>
        recordAudit(tx, ctx, {
          action,
          entityType: 'approval_stage',
          entityId: stageId,
          changeId,
          after: { stage: stage.name, round: stage.round, ...after },
        })

      if (body.decision === 'request_info') {
        await tx.approvalStage.update({ where: { id: stageId }, data: { infoRequestedAt: ctx.now } })
        await tx.notification.create({
          data: {
            kind: 'approval.info_requested',
            changeId,
            recipientUserId: change.requesterId,
            title: `${change.number}: ${ctx.actor.name} asks for more information`,
            body: body.comment,
            dedupeKey: `approval-info:${decision.id}`,
          },
        })
        await audit('approval.info_requested', { comment: body.comment })
        return { committed: null, opened: [] as OpenedStage[] }
      }

      const { approvals, rejections } = countsFor({ decisions: [...stage.decisions, decision] })
      const result = stageOutcome({ required: stage.required ?? 1, approvals, rejections })
      if (result === 'open') {
        await tx.approvalStage.update({ where: { id: stageId }, data: { infoRequestedAt: null } })
        await audit('approval.approved', { approvals, required: stage.required })
        return { committed: null, opened: [] }
      }

      await tx.approvalStage.update({
        where: { id: stageId },
        data: { status: result, completedAt: ctx.now, infoRequestedAt: null },
      })
      if (retroactive) {
        const opened = await decideRetroactively(tx, ctx, { change, stage, result, comment: body.comment })
        return { committed: null, opened }
      }
      if (result === 'rejected') {
        await audit('approval.rejected', { comment: body.comment })
        // The domain's reject returns the change to `new`; the approvals hook withdraws the rest.
        const committed = await transitions.applyInTransaction(tx, ctx, changeId, {
          event: 'reject',
          comment: body.comment,
          version: change.version,
        })
        return { committed, opened: [] }
      }

      await audit('approval.stage_completed', { approvals, required: stage.required })
      const next = await tx.approvalStage.findFirst({
        where: { changeId, round: stage.round, position: { gt: stage.position }, status: 'pending' },
        orderBy: { position: 'asc' },
      })
      if (next) {
        const opened = await openStage(tx, next, change, ctx.now)
        const bumped = await tx.changeRequest.updateMany({
          where: { id: changeId, version: change.version },
          data: { version: { increment: 1 } },
        })
        if (bumped.count !== 1) throw staleVersion(`change ${change.number}`)
        return { committed: null, opened: [opened] }
      }
      // The last stage: authorization follows from the approvals, through the one transition path.
      await tx.changeRequest.update({ where: { id: changeId }, data: { approvalsComplete: true } })
      return { committed: await authorizeOrHold(tx, ctx, change), opened: [] }
    })
    if (outcome.committed) await transitions.afterCommit(outcome.committed)
    await scheduleDue(outcome.opened)
    return approvalsOf(ctx, idOrNumber)
  }

  /**
   * Authorizes a change whose last stage was just approved. Another module may refuse the step (the
   * schedule refuses a change that conflicts): the approvals then stand, the change stays in
   * `authorize` with every stage complete, and the change manager schedules it once the conflict is
   * resolved (the domain's `schedule` event). A savepoint undoes whatever the refused step began.
   */
  async function authorizeOrHold(
    tx: Prisma.TransactionClient,
    ctx: RequestContext,
    change: { id: string; number: string; version: number },
  ): Promise<CommittedTransition | null> {
    await tx.$executeRaw`SAVEPOINT approvals_authorize`
    try {
      const committed = await transitions.applyInTransaction(tx, ctx, change.id, {
        event: 'authorize',
        version: change.version,
      })
      await tx.$executeRaw`RELEASE SAVEPOINT approvals_authorize`
      return committed
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'TRANSITION_REFUSED') throw error
      await tx.$executeRaw`ROLLBACK TO SAVEPOINT approvals_authorize`
      const bumped = await tx.changeRequest.updateMany({
        where: { id: change.id, version: change.version },
        data: { version: { increment: 1 } },
      })
      if (bumped.count !== 1) throw staleVersion(`change ${change.number}`)
      await recordAudit(tx, ctx, {
        action: 'approval.authorization_held',
        entityType: 'change',
        entityId: change.id,
        changeId: change.id,
        after: { reason: error.message, details: error.details ?? null },
      })
      return null
    }
  }

  async function approvalsOf(ctx: RequestContext, idOrNumber: string): Promise<ChangeApprovalsView> {
    const change = await changes.loadOrThrow(db, idOrNumber)
    const stages = await stagesOfRound(db, change.id, change.approvalRound)
    const counted = await countedInRound(db, change.id, change.approvalRound)
    const names = await namesOf(db, [...new Set(stages.flatMap((stage) => stage.eligibleUserIds))])
    const viewContext = {
      viewerId: ctx.actor.id,
      change,
      counted,
      deciding: change.state === 'authorize' || awaitsRetroactiveApproval(change),
      names,
    }
    return {
      changeId: change.id,
      number: change.number,
      state: change.state,
      riskLevel: change.riskLevel,
      version: change.version,
      round: change.approvalRound,
      approvalsComplete: change.approvalsComplete,
      reauthenticationRequired: SENSITIVE_RISK.includes(change.riskLevel),
      stages: stages.map((stage) => toStageView(stage, viewContext)),
    }
  }

  /** What a request for authorization would create now, without writing anything. */
  async function preview(idOrNumber: string): Promise<ApprovalPreview> {
    return db.$transaction(async (tx) => {
      const change = await changes.loadOrThrow(tx, idOrNumber)
      const policies = await listPolicies(tx)
      const chosen = selectPolicy(
        policies.map((row) => toDomainPolicy(row)),
        await factsOf(tx, configItems, change),
      )
      if (!chosen) return { policy: null, stages: [] }
      const stages = []
      for (const [index, stage] of chosen.stages.entries()) {
        // Counted-in-earlier-stages exclusions are not known yet, so this is the most that may decide.
        const eligible = eligibleApprovers(await approversIn(tx, stage.groupKinds), change, []).length
        const quorum = { kind: stage.quorum.kind, value: stage.quorum.value ?? null }
        const required = requiredApprovals(quorum, eligible)
        stages.push({
          position: index + 1,
          name: stage.name,
          groupKinds: [...stage.groupKinds],
          quorum,
          quorumText: describeQuorum(quorum),
          dueMinutes: stage.dueMinutes,
          expiryAction: stage.expiryAction,
          eligibleCount: eligible,
          required,
          reachable: quorumReachable(required, eligible),
        })
      }
      return { policy: { id: chosen.id, name: chosen.name }, stages }
    })
  }

  return { decide, approvalsOf, preview, scheduleDue }
}

export type ApprovalsService = ReturnType<typeof createApprovalsService>
