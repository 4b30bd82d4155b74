// The change request lifecycle (DESIGN.md, "States"): which event moves a change of a given type from
// a given state, who may send it, and the side effects the caller must carry out in the same transaction.
import { assertNever } from '../shared/assert-never'
import { type Actor, permissionRefusal } from './permissions'
import {
  CHANGE_EVENTS,
  CHANGE_PATHS,
  type ChangeEventType,
  type ChangeState,
  type ChangeType,
  type CloseCode,
  isCloseCode,
  type RiskLevel,
} from './vocabulary'

export type { Actor } from './permissions'

export interface ChangeSnapshot {
  type: ChangeType
  state: ChangeState
  requesterId: string
  implementerId: string | null
  riskLevel: RiskLevel
  /** The approval policy allows an emergency change to be implemented before ECAB approves it. */
  breakFixAllowed?: boolean
  /** A post-implementation review is required before closing (set after a require_review effect). */
  reviewRequired?: boolean
  reviewCompleted?: boolean
  /** Every approval stage is satisfied. `schedule` reads it; absent counts as not complete. */
  approvalsComplete?: boolean
  /** Approval stages were requested for this change: then only their completion authorizes it, never a manual `authorize`. */
  approvalsByStages?: boolean
}

export type ChangeEvent =
  | { type: 'submit' }
  | { type: 'request_authorization'; riskOverride?: { level: RiskLevel; reason: string } }
  | { type: 'authorize' }
  | { type: 'reject'; comment: string }
  | { type: 'schedule' }
  | { type: 'start_implementation' }
  | { type: 'complete_implementation' }
  | { type: 'close'; closeCode: CloseCode; notes?: string }
  | { type: 'cancel'; reason: string }

export interface TransitionContext {
  actor: Actor
  /** No rule reads the clock today; it is part of the signature so rules that will (deadlines) need no API change. */
  now: Date
}

export type ChangeEffect =
  | { kind: 'withdraw_pending_approvals' }
  | { kind: 'request_approvals' }
  | { kind: 'require_review'; reason: string }
  | { kind: 'record_close_code'; closeCode: CloseCode }
  | { kind: 'adjust_risk'; level: RiskLevel; reason: string }
  | { kind: 'notify'; event: string }
export type ChangeEffectKind = ChangeEffect['kind']

/** The `event` of every notify effect the machine emits: one per successful transition, named for what happened. */
export const CHANGE_NOTIFICATIONS = [
  'submitted',
  'authorization_requested',
  'authorized',
  'rejected',
  'scheduled',
  'implementation_started',
  'break_fix_started',
  'implementation_completed',
  'closed',
  'canceled',
] as const
export type ChangeNotification = (typeof CHANGE_NOTIFICATIONS)[number]

/** Why a transition was refused, each with the message a person sees. */
export const TRANSITION_REFUSALS = {
  NOT_ALLOWED_IN_STATE: 'This step is not possible for this type of change in its current state.',
  NOT_PERMITTED_FOR_ROLE: 'Your roles do not allow this step on this change.',
  SELF_APPROVAL: 'The requester or the implementer of a change cannot authorize or reject it (segregation of duties).',
  COMMENT_REQUIRED: 'A rejection needs a comment saying why.',
  REASON_REQUIRED: 'This step needs a written reason.',
  CLOSE_CODE_REQUIRED: 'Closing needs a close code: successful, successful_with_issues, failed or rolled_back.',
  REVIEW_OPEN: 'The post-implementation review must be completed before the change is closed.',
  APPROVALS_PENDING: 'The change cannot be scheduled before every approval stage is complete.',
  BREAK_FIX_NOT_ALLOWED: 'Implementing an emergency change before approval needs a policy that allows break-fix.',
} as const
export type TransitionRefusal = keyof typeof TRANSITION_REFUSALS
export const TRANSITION_REFUSAL_CODES = Object.keys(TRANSITION_REFUSALS) as TransitionRefusal[]

export type TransitionResult =
  | { ok: true; next: ChangeState; effects: ChangeEffect[] }
  | { ok: false; reason: TransitionRefusal; message: string }

type Allowed = Extract<TransitionResult, { ok: true }>
type Refused = Extract<TransitionResult, { ok: false }>

const allow = (next: ChangeState, effects: ChangeEffect[]): Allowed => ({ ok: true, next, effects })
const refuse = (reason: TransitionRefusal, message: string = TRANSITION_REFUSALS[reason]): Refused => ({
  ok: false,
  reason,
  message,
})
const notify = (event: ChangeNotification): ChangeEffect => ({ kind: 'notify', event })
const notHere = (change: ChangeSnapshot, event: ChangeEventType): Refused =>
  refuse('NOT_ALLOWED_IN_STATE', `A ${change.type} change in state '${change.state}' cannot take the step '${event}'.`)

const isBlank = (text: string | undefined | null): boolean => typeof text !== 'string' || text.trim() === ''

/** Cancel is possible before review (DESIGN.md); review, closed and canceled are past the point of no return. */
const CANCELABLE_STATES: readonly ChangeState[] = ['new', 'assess', 'authorize', 'scheduled', 'implement']

// Pending approvals exist while a change is assessed or awaits authorization, and in an emergency change
// implemented by break-fix (its approval is retroactive, so it is still open during implement).
// Withdrawing when none is pending is a no-op for the caller, so an emergency change in implement always asks.
function approvalsMayBePending(change: ChangeSnapshot): boolean {
  return (
    change.state === 'assess' ||
    change.state === 'authorize' ||
    (change.type === 'emergency' && change.state === 'implement')
  )
}

// Canceled is on no path: nothing leaves it. A state a type never passes through (a standard change in
// assess) means the stored row is inconsistent; refusing everything keeps it still until someone repairs it.
function isOnPath(change: ChangeSnapshot): boolean {
  return (CHANGE_PATHS[change.type] as readonly ChangeState[]).includes(change.state)
}

/** Where the event leads from this state, ignoring who sends it and what the payload says. */
function route(change: ChangeSnapshot, event: ChangeEvent): TransitionResult {
  if (!isOnPath(change)) return notHere(change, event.type)
  const { state } = change
  switch (event.type) {
    case 'submit':
      if (state !== 'new') return notHere(change, event.type)
      switch (change.type) {
        case 'normal':
          return allow('assess', [notify('submitted')])
        // Standard changes are pre-approved by their template, so they skip assessment and authorization.
        case 'standard':
          return allow('scheduled', [notify('submitted')])
        // Emergency changes go straight to the ECAB, and always get a post-implementation review
        // because they skipped the normal scrutiny.
        case 'emergency':
          return allow('authorize', [
            { kind: 'request_approvals' },
            { kind: 'require_review', reason: 'emergency change' },
            notify('submitted'),
          ])
        default:
          return assertNever(change.type, 'change type')
      }
    case 'request_authorization': {
      // Only normal changes pass through assess (the path check above rules out the others).
      if (state !== 'assess') return notHere(change, event.type)
      // The risk adjustment comes first: approval routing picks its stages from the risk level.
      const override = event.riskOverride
      const adjust: ChangeEffect[] = override
        ? [{ kind: 'adjust_risk', level: override.level, reason: override.reason.trim() }]
        : []
      return allow('authorize', [...adjust, { kind: 'request_approvals' }, notify('authorization_requested')])
    }
    case 'authorize':
      if (state !== 'authorize') return notHere(change, event.type)
      // An authorized emergency change is needed now, so it goes straight to implementation.
      return allow(change.type === 'emergency' ? 'implement' : 'scheduled', [notify('authorized')])
    case 'reject':
      if (state !== 'assess' && state !== 'authorize') return notHere(change, event.type)
      return allow('new', [{ kind: 'withdraw_pending_approvals' }, notify('rejected')])
    case 'schedule':
      // For a normal change whose approvals completed without the final `authorize` (e.g. stages closed
      // by quorum); the change manager then schedules it. Emergency changes are never scheduled.
      if (state !== 'authorize' || change.type !== 'normal') return notHere(change, event.type)
      return allow('scheduled', [notify('scheduled')])
    case 'start_implementation':
      if (state === 'scheduled') return allow('implement', [notify('implementation_started')])
      if (state === 'authorize' && change.type === 'emergency') {
        if (change.breakFixAllowed !== true) return refuse('BREAK_FIX_NOT_ALLOWED')
        // Break-fix: implemented before approval, so the approval becomes retroactive and a review is due.
        return allow('implement', [
          { kind: 'require_review', reason: 'break-fix: implemented before approval' },
          notify('break_fix_started'),
        ])
      }
      return notHere(change, event.type)
    case 'complete_implementation':
      if (state !== 'implement') return notHere(change, event.type)
      return allow('review', [notify('implementation_completed')])
    case 'close':
      if (state !== 'review') return notHere(change, event.type)
      // failed and rolled_back add nothing here: the review that makes them visible is required upstream.
      return allow('closed', [{ kind: 'record_close_code', closeCode: event.closeCode }, notify('closed')])
    case 'cancel': {
      if (!CANCELABLE_STATES.includes(state)) return notHere(change, event.type)
      const withdraw: ChangeEffect[] = approvalsMayBePending(change) ? [{ kind: 'withdraw_pending_approvals' }] : []
      return allow('canceled', [...withdraw, notify('canceled')])
    }
    default:
      return assertNever(event, 'change event')
  }
}

/** Text the event must carry. Payload shapes are validated upstream; blank text is a rule, so it lives here. */
function payloadRefusal(event: ChangeEvent): TransitionRefusal | null {
  switch (event.type) {
    case 'reject':
      return isBlank(event.comment) ? 'COMMENT_REQUIRED' : null
    case 'cancel':
      return isBlank(event.reason) ? 'REASON_REQUIRED' : null
    case 'request_authorization':
      return event.riskOverride && isBlank(event.riskOverride.reason) ? 'REASON_REQUIRED' : null
    case 'close':
      return isCloseCode(event.closeCode) ? null : 'CLOSE_CODE_REQUIRED'
    case 'submit':
    case 'authorize':
    case 'schedule':
    case 'start_implementation':
    case 'complete_implementation':
      return null
    default:
      return assertNever(event, 'change event')
  }
}

/** Conditions outside the state itself that must hold before the step. */
function guardRefusal(change: ChangeSnapshot, event: ChangeEvent): TransitionRefusal | null {
  if (event.type === 'close' && change.reviewRequired === true && change.reviewCompleted !== true) return 'REVIEW_OPEN'
  if (event.type === 'schedule' && change.approvalsComplete !== true) return 'APPROVALS_PENDING'
  if (event.type === 'authorize' && change.approvalsByStages === true && change.approvalsComplete !== true)
    return 'APPROVALS_PENDING'
  return null
}

// Checks run from the most to the least fundamental: a step that does not exist in this state is
// reported as such before asking who sends it, then what it carries, then what else must hold.
function decide(change: ChangeSnapshot, event: ChangeEvent, actor: Actor): TransitionResult {
  const routed = route(change, event)
  if (!routed.ok) return routed
  const denied = permissionRefusal(event.type, change, actor)
  if (denied) return refuse(denied)
  const invalid = payloadRefusal(event)
  if (invalid) return refuse(invalid)
  const blocked = guardRefusal(change, event)
  if (blocked) return refuse(blocked)
  return routed
}

/** Applies one event to a change: the next state and the effects to carry out, or why not. */
export function transition(change: ChangeSnapshot, event: ChangeEvent, ctx: TransitionContext): TransitionResult {
  return decide(change, event, ctx.actor)
}

/** A valid payload for each event, so availability depends only on the change and the actor. */
export function representativeEvent(type: ChangeEventType): ChangeEvent {
  switch (type) {
    case 'submit':
    case 'authorize':
    case 'schedule':
    case 'start_implementation':
    case 'complete_implementation':
    case 'request_authorization':
      return { type }
    case 'reject':
      return { type, comment: 'representative comment' }
    case 'close':
      return { type, closeCode: 'successful' }
    case 'cancel':
      return { type, reason: 'representative reason' }
    default:
      return assertNever(type, 'change event')
  }
}

/** The events this actor could send now, in CHANGE_EVENTS order: the console shows one button each. */
export function availableEvents(change: ChangeSnapshot, actor: Actor): ChangeEventType[] {
  return CHANGE_EVENTS.filter((type) => decide(change, representativeEvent(type), actor).ok)
}
