// When a stage is decided: approvals needed from the people eligible when it opened, and the
// outcome of the decisions counted so far. One rejection decides the stage (and the change).
import type { Quorum } from './policy'

/**
 * Approvals a stage needs given how many people may decide it. `all` and `percent` are relative to
 * the eligible approvers; `count` is absolute, so it may exceed them (the stage then cannot complete
 * and its due time escalates it; the preview warns). Never less than one: an empty group approves nothing.
 */
export function requiredApprovals(quorum: Quorum, eligible: number): number {
  switch (quorum.kind) {
    case 'any':
      return 1
    case 'all':
      return Math.max(1, eligible)
    case 'count':
      return Math.max(1, quorum.value ?? 1)
    case 'percent':
      return Math.max(1, Math.ceil((eligible * (quorum.value ?? 100)) / 100))
    default: {
      const unknown: never = quorum.kind
      throw new Error(`unknown quorum ${String(unknown)}`)
    }
  }
}

export type StageOutcome = 'open' | 'approved' | 'rejected'

export function stageOutcome(tally: { required: number; approvals: number; rejections: number }): StageOutcome {
  if (tally.rejections > 0) return 'rejected'
  return tally.approvals >= tally.required ? 'approved' : 'open'
}

/** Whether the stage can still complete with the people who have not decided yet. */
export function quorumReachable(required: number, eligible: number): boolean {
  return eligible >= required
}

/** Human text for a quorum, as the console and the preview show it. */
export function describeQuorum(quorum: Quorum): string {
  switch (quorum.kind) {
    case 'any':
      return 'any one member'
    case 'all':
      return 'every member'
    case 'count':
      return `${quorum.value ?? 1} members`
    case 'percent':
      return `${quorum.value ?? 100}% of members`
    default: {
      const unknown: never = quorum.kind
      return String(unknown)
    }
  }
}
