// The pipeline gate's rule: may a pipeline deploy this change now? Pure, so it is table-tested; the
// service feeds it the change row, the blocking conflicts and the clock.
import type { ChangeState, GateView } from '@cabinet/contracts'

export interface GateFacts {
  id: string
  number: string
  state: ChangeState
  plannedStart: Date
  plannedEnd: Date
  approvalRound: number
  approvalsComplete: boolean
  /** Set at the first submit and kept: a change in `new` with it was sent back (rejected). */
  submittedAt: Date | null
}

/** `heldBecause`: the schedule's refusal when the approved change was put on hold (from its audit trail). */
export function decideGate(change: GateFacts, blockingConflicts: number, now: Date, heldBecause?: string): GateView {
  const base = {
    changeId: change.id,
    number: change.number,
    state: change.state,
    plannedStart: change.plannedStart.toISOString(),
    plannedEnd: change.plannedEnd.toISOString(),
    blockingConflicts,
    checkedAt: now.toISOString(),
  }
  const prevented = (reason: string): GateView => ({ ...base, decision: 'prevented', reason, waitingFor: null })
  const awaiting = (waitingFor: NonNullable<GateView['waitingFor']>, reason: string): GateView => ({
    ...base,
    decision: 'awaiting',
    reason,
    waitingFor,
  })
  switch (change.state) {
    case 'canceled':
      return prevented(`${change.number} was canceled`)
    case 'closed':
      return prevented(`${change.number} is closed`)
    case 'review':
      return prevented(`${change.number} was already implemented and is in review`)
    case 'new':
      // A change back in `new` after it was submitted was rejected (by the change manager or the CAB).
      return change.submittedAt !== null || change.approvalRound > 0
        ? prevented(`${change.number} was rejected: edit and submit it again`)
        : awaiting('submission', `${change.number} has not been submitted`)
    case 'assess':
      return awaiting('assessment', `${change.number} waits for the change manager's assessment`)
    case 'authorize':
      // Every stage approved but the step to `scheduled` refused (a schedule conflict): on hold.
      return change.approvalsComplete
        ? prevented(
            `${change.number} is approved but on hold: ${heldBecause ?? 'its authorization was refused by the schedule'}; the change manager must move or reschedule it`,
          )
        : awaiting('approvals', `${change.number} waits for CAB approval`)
    case 'scheduled':
    case 'implement': {
      if (now.getTime() > change.plannedEnd.getTime())
        return prevented(`the window of ${change.number} ended at ${base.plannedEnd}`)
      if (blockingConflicts > 0)
        return awaiting('conflict', `${change.number} has ${blockingConflicts} blocking schedule conflict(s)`)
      if (now.getTime() < change.plannedStart.getTime())
        return awaiting('window', `the window of ${change.number} opens at ${base.plannedStart}`)
      return {
        ...base,
        decision: 'allowed',
        reason: `${change.number} is ${change.state} and inside its window`,
        waitingFor: null,
      }
    }
  }
}
