// Moves a change through its lifecycle: the domain decides, this use case persists the decision,
// its effects and its audit event in one transaction, guarded by the version the caller read.
import type { FastifyBaseLogger } from 'fastify'
import type { ChangeDetail, TransitionBody } from '@cabinet/contracts'
import type { Db, Prisma } from '@cabinet/db'
import { type ChangeEffect, type ChangeEvent, transition } from '@cabinet/domain'
import { recordAudit } from '../../http/audit'
import { AppError, staleVersion } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import { type ChangeHooks, type CommittedTransition, runAfterCommit } from './change-hooks'
import { snapshotOf } from './change-views'
import { changeAuditSnapshot, type ChangeService } from './changes.service'

export interface ChangeTransitionDeps {
  db: Db
  changes: Pick<ChangeService, 'loadOrThrow' | 'detail'>
  hooks: ChangeHooks
  logger: FastifyBaseLogger
}

function toDomainEvent(body: TransitionBody): ChangeEvent {
  switch (body.event) {
    case 'request_authorization':
      return body.riskOverride ? { type: body.event, riskOverride: body.riskOverride } : { type: body.event }
    case 'reject':
      return { type: body.event, comment: body.comment }
    case 'close':
      return body.notes === undefined
        ? { type: body.event, closeCode: body.closeCode }
        : { type: body.event, closeCode: body.closeCode, notes: body.notes }
    case 'cancel':
      return { type: body.event, reason: body.reason }
    default:
      return { type: body.event }
  }
}

export function createChangeTransitionService({ db, changes, hooks, logger }: ChangeTransitionDeps) {
  /**
   * The transition inside a transaction the caller owns: the approvals module authorizes or rejects a
   * change in the transaction that records the deciding approval, through this one path. The caller
   * runs afterCommit(result) once its transaction has committed.
   */
  async function applyInTransaction(
    tx: Prisma.TransactionClient,
    ctx: RequestContext,
    idOrNumber: string,
    body: TransitionBody,
  ): Promise<CommittedTransition> {
    {
      const current = await changes.loadOrThrow(tx, idOrNumber)
      if (current.version !== body.version) throw staleVersion(`change ${current.number}`)
      const decision = transition(snapshotOf(current), toDomainEvent(body), { actor: ctx.actor, now: ctx.now })
      if (!decision.ok) {
        throw new AppError('TRANSITION_REFUSED', `${body.event} refused for ${current.number}: ${decision.message}`, {
          details: { reason: decision.reason, state: current.state, event: body.event },
        })
      }
      const hookInput = { tx, ctx, change: current, body, next: decision.next, effects: decision.effects }
      for (const hook of hooks.list()) await hook.guard?.(hookInput)

      const data: Prisma.ChangeRequestUpdateManyMutationInput = { state: decision.next, version: { increment: 1 } }
      if (body.event === 'submit') data.submittedAt = ctx.now
      if (decision.next === 'review') data.implementedAt = ctx.now
      if (decision.next === 'closed' || decision.next === 'canceled') data.closedAt = ctx.now
      if (body.event === 'cancel') data.cancelReason = body.reason
      if (body.event === 'close') data.closeNotes = body.notes ?? null
      for (const effect of decision.effects) applyEffect(effect, data)

      // The version guard makes the write conditional on what was read: a concurrent transition
      // that committed first leaves this one with nothing to update.
      const written = await tx.changeRequest.updateMany({ where: { id: current.id, version: body.version }, data })
      if (written.count !== 1) throw staleVersion(`change ${current.number}`)

      const override = decision.effects.find((effect) => effect.kind === 'adjust_risk')
      if (override) {
        const latest = current.riskAssessments[0]
        if (!latest) throw new Error(`change ${current.number} has no risk assessment`)
        await tx.riskAssessment.create({
          data: {
            changeId: current.id,
            revision: latest.revision + 1,
            probability: latest.probability,
            impact: latest.impact,
            score: latest.score,
            level: override.level,
            computedLevel: latest.computedLevel,
            reasons: latest.reasons as Prisma.InputJsonValue,
            inputs: latest.inputs as Prisma.InputJsonValue,
            overrideLevel: override.level,
            overrideReason: override.reason,
            overrideById: ctx.actor.id,
            createdAt: ctx.now,
          },
        })
      }
      const updated = await changes.loadOrThrow(tx, current.id)
      for (const hook of hooks.list()) await hook.apply?.({ ...hookInput, updated })
      await recordAudit(tx, ctx, {
        action: `change.${body.event}`,
        entityType: 'change',
        entityId: current.id,
        changeId: current.id,
        before: changeAuditSnapshot(current, current.items.length),
        after: {
          ...changeAuditSnapshot(updated, updated.items.length),
          ...(body.event === 'reject' ? { comment: body.comment } : {}),
          ...(body.event === 'cancel' ? { reason: body.reason } : {}),
          ...(body.event === 'close' ? { closeCode: body.closeCode, notes: body.notes ?? null } : {}),
          ...(override ? { riskOverride: { level: override.level, reason: override.reason } } : {}),
        },
      })
      return {
        changeId: current.id,
        number: current.number,
        from: current.state,
        next: decision.next,
        event: body.event,
        effects: decision.effects,
      }
    }
  }

  async function afterCommit(committed: CommittedTransition): Promise<void> {
    await runAfterCommit(hooks, logger, (hook) => hook.afterTransition?.(committed))
  }

  async function apply(ctx: RequestContext, idOrNumber: string, body: TransitionBody): Promise<ChangeDetail> {
    const committed = await db.$transaction((tx) => applyInTransaction(tx, ctx, idOrNumber, body))
    await afterCommit(committed)
    return changes.detail(db, await changes.loadOrThrow(db, committed.changeId), ctx)
  }

  function applyEffect(effect: ChangeEffect, data: Prisma.ChangeRequestUpdateManyMutationInput) {
    switch (effect.kind) {
      case 'require_review':
        data.reviewRequired = true
        return
      case 'record_close_code':
        data.closeCode = effect.closeCode
        return
      case 'adjust_risk':
        data.riskLevel = effect.level
        return
      // Approvals and notifications arrive with the CAB issue; the effects are recorded in the
      // audit event's state change today and need no row of their own yet.
      case 'withdraw_pending_approvals':
      case 'request_approvals':
      case 'notify':
        return
      default: {
        const unknown: never = effect
        throw new Error(`unhandled change effect ${JSON.stringify(unknown)}`)
      }
    }
  }

  return { apply, applyInTransaction, afterCommit }
}

export type ChangeTransitionService = ReturnType<typeof createChangeTransitionService>
