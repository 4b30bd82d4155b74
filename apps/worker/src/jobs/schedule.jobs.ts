// Keeps stored conflicts true as the schedule moves. The conflict engine is the API's schedule
// module (it needs only @cabinet/db), so the worker and the API's guard compute the same thing.
import { jobId } from '@cabinet/queue'
import { changesTouchedByRule, evaluateAndStore } from '../../../api/src/modules/schedule/conflict-store'
import { writeOccurrences } from '../../../api/src/modules/schedule/occurrences'
import type { DomainHandlers, HandlerDeps } from '../handler-types'

async function evaluateAll(changeIds: readonly string[], cause: string, { jobs }: HandlerDeps) {
  if (changeIds.length === 0) return
  await jobs.enqueueBulk(
    'schedule.evaluate-change',
    changeIds.map((changeId) => ({
      payload: { changeId },
      options: { jobId: jobId('schedule-eval', changeId, cause) },
    })),
  )
}

export const scheduleHandlers = {
  async 'schedule.evaluate-change'({ changeId }, { db, now }) {
    const evaluation = await evaluateAndStore(db, changeId, now())
    return { changeId, conflicts: evaluation?.conflicts.length ?? null }
  },

  /** The change itself now; then each change it overlaps, or overlapped before, since their conflicts name it. */
  async 'schedule.change-moved'({ changeId }, deps) {
    const evaluation = await evaluateAndStore(deps.db, changeId, deps.now())
    if (!evaluation) return { changeId, missing: true }
    await evaluateAll(evaluation.otherChangeIds, `moved-${changeId}-${deps.now().getTime()}`, deps)
    return { changeId, conflicts: evaluation.conflicts.length, others: evaluation.otherChangeIds.length }
  },

  async 'schedule.rule-changed'({ ruleId }, deps) {
    const changeIds = await changesTouchedByRule(deps.db, ruleId)
    await evaluateAll(changeIds, `rule-${ruleId}-${deps.now().getTime()}`, deps)
    return { ruleId, changes: changeIds.length }
  },

  /** Moves every rule's occurrences along with the rolling horizon, one rule per transaction. */
  async 'schedule.refresh-horizon'(_payload, { db, now }) {
    const rules = await db.scheduleRule.findMany({
      select: { id: true, start: true, timeZone: true, durationMinutes: true, rrule: true, exceptions: true },
    })
    let occurrences = 0
    for (const rule of rules) {
      occurrences += await db.$transaction((tx) => writeOccurrences(tx, rule, now()))
    }
    return { rules: rules.length, occurrences }
  },
} satisfies DomainHandlers<
  'schedule.evaluate-change' | 'schedule.change-moved' | 'schedule.rule-changed' | 'schedule.refresh-horizon'
>
