// Who may decide a stage: segregation of duties over the change's parties and the round's history.
import type { ChangeParties } from '../change/permissions'

export const DECISION_REFUSALS = {
  SELF_APPROVAL: 'The requester or the implementer of a change cannot decide on its approvals (segregation of duties).',
  NOT_ELIGIBLE: 'You are not an eligible approver for this stage: not a member of its groups when it opened.',
  ALREADY_COUNTED_IN_ROUND:
    'Your decision already counted for another stage of this change: one person counts for at most one stage.',
  ALREADY_DECIDED: 'You have already decided on this stage.',
} as const
export type DecisionRefusal = keyof typeof DECISION_REFUSALS

export interface DecisionContext {
  change: ChangeParties
  /** Fixed when the stage opened. */
  eligibleUserIds: readonly string[]
  /** Users whose approve or reject counted on this stage. */
  decidedOnStage: readonly string[]
  /** Users whose approve or reject counted on any other stage of the same round. */
  decidedOnOtherStages: readonly string[]
}

/** Null when this person may approve or reject the stage; request_info is checked the same way. */
export function decisionRefusal(userId: string, context: DecisionContext): DecisionRefusal | null {
  if (userId === context.change.requesterId || userId === context.change.implementerId) return 'SELF_APPROVAL'
  if (context.decidedOnStage.includes(userId)) return 'ALREADY_DECIDED'
  if (context.decidedOnOtherStages.includes(userId)) return 'ALREADY_COUNTED_IN_ROUND'
  if (!context.eligibleUserIds.includes(userId)) return 'NOT_ELIGIBLE'
  return null
}

/** Who may decide a stage that opens now: members of its groups, less the change's parties and anyone already counted. */
export function eligibleApprovers(
  memberIds: readonly string[],
  change: ChangeParties,
  countedInRound: readonly string[],
): string[] {
  const excluded = new Set([
    change.requesterId,
    ...(change.implementerId ? [change.implementerId] : []),
    ...countedInRound,
  ])
  return [...new Set(memberIds)].filter((id) => !excluded.has(id)).sort()
}
