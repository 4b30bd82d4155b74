// The schedule's part in a change's lifecycle. Guard: a change enters `scheduled` or `implement`
// only without blocking conflicts, recomputed inside the transition's transaction (never trusted
// from the stored ones, which the worker may not have refreshed yet). An emergency change may pass
// a freeze with a written justification from someone the freeze allows to override it; that is
// recorded, audited and flags the change for review. After commit, the worker re-evaluates.
import type { ChangeType } from '@cabinet/contracts'
import type { Tx } from '@cabinet/db'
import type { JobProducer } from '@cabinet/queue'
import { jobId } from '@cabinet/queue'
import { recordAudit } from '../../http/audit'
import { AppError } from '../../http/errors'
import type { ChangeHook, TransitionHookInput } from '../changes/change-hooks'
import { conflictViews } from './conflicts.service'
import type { FoundConflict } from './conflict-engine'
import { conflictsOf, loadSubject } from './conflict-store'

const DETAIL_ITEMS = 50

function overrideOf(input: TransitionHookInput): string | null {
  const body = input.body
  if (
    (body.event === 'authorize' || body.event === 'schedule' || body.event === 'start_implementation') &&
    body.freezeOverride
  ) {
    return body.freezeOverride.justification
  }
  return null
}

/** Transitions that commit a change to its time: into scheduled, or into implement. */
function isGuarded(input: TransitionHookInput): boolean {
  return input.next === 'scheduled' || (input.next === 'implement' && input.change.state !== 'implement')
}

/** What blocks, by type: a freeze always (emergency: unless overridden); windows and same-item overlaps for planned changes. */
function blockers(type: ChangeType, conflicts: FoundConflict[]): FoundConflict[] {
  return conflicts.filter((conflict) => {
    if (!conflict.blocking) return false
    if (type === 'emergency') return conflict.kind === 'freeze'
    return true
  })
}

export function createScheduleHook(deps: { jobs: JobProducer }): ChangeHook {
  const freezesOverridden = new WeakMap<Tx, { justification: string; ruleIds: string[]; items: number }>()

  async function refuse(tx: Tx, number: string, blocking: FoundConflict[], reason: string): Promise<never> {
    const views = await conflictViews(tx, blocking)
    throw new AppError(
      'TRANSITION_REFUSED',
      `${number} cannot be scheduled: ${views.map((v) => v.message).join('; ')}`,
      {
        details: {
          reason,
          conflicts: views.map((view) => ({ ...view, items: view.items.slice(0, DETAIL_ITEMS) })),
        },
      },
    )
  }

  return {
    name: 'schedule',
    async guard(input) {
      const override = overrideOf(input)
      if (override !== null && input.change.type !== 'emergency') {
        throw new AppError('VALIDATION_FAILED', 'freezeOverride: only an emergency change may override a freeze', {
          details: { issues: [{ path: 'freezeOverride', message: 'only an emergency change may override a freeze' }] },
        })
      }
      if (!isGuarded(input)) return
      const subject = await loadSubject(input.tx, input.change.id)
      if (!subject) return
      const conflicts = await conflictsOf(input.tx, subject)
      const blocking = blockers(input.change.type, conflicts)
      const freezes = blocking.filter((conflict) => conflict.kind === 'freeze')
      const others = blocking.filter((conflict) => conflict.kind !== 'freeze')
      if (others.length > 0) await refuse(input.tx, input.change.number, blocking, 'SCHEDULE_CONFLICT')
      if (freezes.length === 0) return
      if (override === null) {
        await refuse(
          input.tx,
          input.change.number,
          freezes,
          input.change.type === 'emergency' ? 'FREEZE_OVERRIDE_REQUIRED' : 'SCHEDULE_CONFLICT',
        )
      }
      const ruleIds = freezes.flatMap((conflict) => (conflict.ruleId ? [conflict.ruleId] : []))
      const rules = await input.tx.scheduleRule.findMany({ where: { id: { in: ruleIds } } })
      const denied = rules.filter((rule) => !input.ctx.actor.roles.some((role) => rule.overrideRoles.includes(role)))
      if (denied.length > 0) {
        throw new AppError(
          'FORBIDDEN',
          `overriding freeze ${denied.map((rule) => `'${rule.name}'`).join(', ')} needs one of the roles: ${[
            ...new Set(denied.flatMap((rule) => rule.overrideRoles)),
          ].join(', ')}`,
        )
      }
      freezesOverridden.set(input.tx, {
        justification: override as string,
        ruleIds,
        items: freezes.reduce((sum, conflict) => sum + conflict.items.length, 0),
      })
    },
    async apply(input) {
      const override = freezesOverridden.get(input.tx)
      if (!override) return
      freezesOverridden.delete(input.tx)
      await input.tx.changeSchedule.update({
        where: { changeId: input.change.id },
        data: { freezeOverride: override.justification, onHold: false, holdReason: null },
      })
      // Overriding a freeze is exactly what a post-implementation review is for.
      await input.tx.changeRequest.update({ where: { id: input.change.id }, data: { reviewRequired: true } })
      await recordAudit(input.tx, input.ctx, {
        action: 'change.freeze_overridden',
        entityType: 'change',
        entityId: input.change.id,
        changeId: input.change.id,
        after: {
          number: input.change.number,
          justification: override.justification,
          freezes: override.ruleIds,
          items: override.items,
        },
      })
    },
    async afterTransition(transition) {
      await deps.jobs.enqueue(
        'schedule.change-moved',
        { changeId: transition.changeId },
        { jobId: jobId('schedule-moved', transition.changeId, transition.event, Date.now()) },
      )
    },
    async afterWrite(change) {
      await deps.jobs.enqueue(
        'schedule.change-moved',
        { changeId: change.changeId },
        { jobId: jobId('schedule-moved', change.changeId, Date.now()) },
      )
    },
  }
}
