// How approvals take part in a change's lifecycle (changes/change-hooks.ts): a request for
// authorization starts a round, a rejection or cancel withdraws what is undecided. That only the
// stages' completion authorizes a change is the domain's rule (approvalsByStages in the snapshot).
import type { Db } from '@cabinet/db'
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
