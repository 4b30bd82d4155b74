// How approvals take part in a change's lifecycle (changes/change-hooks.ts): a request for
// authorization starts a round, a rejection or cancel withdraws what is undecided, and once a
// policy has created stages only their completion authorizes the change.
import type { Db } from '@cabinet/db'
import { AppError } from '../../http/errors'
import type { ConfigItemService } from '../catalog/config-items.service'
import type { ChangeHook } from '../changes/change-hooks'
import { startRound, withdrawRound } from './approval-rounds'
import type { ApprovalsService } from './approvals.service'

export function createApprovalsHook(deps: {
  db: Db
  configItems: ConfigItemService
  approvals: Pick<ApprovalsService, 'scheduleDue'>
}): ChangeHook {
  const { db, configItems, approvals } = deps
  return {
    name: 'approvals',
    async guard({ tx, change, body }) {
      if (body.event !== 'authorize' || change.approvalsComplete || change.approvalRound === 0) return
      const stages = await tx.approvalStage.count({ where: { changeId: change.id, round: change.approvalRound } })
      // A round without stages (no policy matched) leaves authorization to a CAB member by hand.
      if (stages === 0) return
      throw new AppError(
        'TRANSITION_REFUSED',
        `authorize refused for ${change.number}: its approval stages authorize it when the last one is approved`,
        { details: { reason: 'APPROVALS_PENDING', state: change.state, event: body.event } },
      )
    },
    async apply({ tx, ctx, updated, effects }) {
      if (effects.some((effect) => effect.kind === 'withdraw_pending_approvals'))
        await withdrawRound(tx, updated, ctx.now)
      if (effects.some((effect) => effect.kind === 'request_approvals')) await startRound(tx, ctx, configItems, updated)
    },
    async afterTransition(committed) {
      if (!committed.effects.some((effect) => effect.kind === 'request_approvals')) return
      const open = await db.approvalStage.findMany({
        where: { changeId: committed.changeId, status: 'open', dueAt: { not: null } },
        select: { id: true, dueAt: true },
      })
      await approvals.scheduleDue(open.map((stage) => ({ id: stage.id, dueAt: stage.dueAt as Date })))
    },
  }
}
