// Who may take each step of a change: role grants, identity grants (own change, named implementer)
// and segregation of duties. Pure over the actor and the change snapshot; no state rules here.
import { assertNever } from '../shared/assert-never'
import type { ChangeEventType, Role } from './vocabulary'

export interface Actor {
  id: string
  roles: readonly Role[]
}

/** The parts of a change that decide who may act on it. */
export interface ChangeParties {
  requesterId: string
  implementerId: string | null
}

export type PermissionRefusal = 'NOT_PERMITTED_FOR_ROLE' | 'SELF_APPROVAL'

export function hasAnyRole(actor: Actor, roles: readonly Role[]): boolean {
  return actor.roles.some((role) => roles.includes(role))
}

// Identity grants need at least one working role: an auditor-only account stays read-only even when
// its id happens to be on a change (e.g. a former requester who moved to audit).
function canAct(actor: Actor): boolean {
  return actor.roles.some((role) => role !== 'auditor')
}

const MANAGERS: readonly Role[] = ['change_manager', 'admin']
const APPROVERS: readonly Role[] = ['cab_member', 'change_manager', 'admin']
const IMPLEMENTERS: readonly Role[] = ['implementer', 'change_manager', 'admin']

export function isOwnRequester(change: ChangeParties, actor: Actor): boolean {
  return canAct(actor) && actor.id === change.requesterId
}

export function isNamedImplementer(change: ChangeParties, actor: Actor): boolean {
  return canAct(actor) && change.implementerId !== null && actor.id === change.implementerId
}

/** Segregation of duties: whoever asked for or carries out a change never decides on it, whatever their roles. */
export function isSelfApproval(change: ChangeParties, actor: Actor): boolean {
  return actor.id === change.requesterId || (change.implementerId !== null && actor.id === change.implementerId)
}

/** Null when the actor may take the step; otherwise why not. Roles are checked before segregation of
 *  duties so that someone without any approving role hears "not permitted", not "self approval". */
export function permissionRefusal(
  event: ChangeEventType,
  change: ChangeParties,
  actor: Actor,
): PermissionRefusal | null {
  switch (event) {
    // The requester owns the request: they submit it, may give up on it, and confirm the outcome.
    case 'submit':
    case 'cancel':
    case 'close':
      return hasAnyRole(actor, MANAGERS) || isOwnRequester(change, actor) ? null : 'NOT_PERMITTED_FOR_ROLE'
    // Assessment and scheduling are the change manager's process steps (DESIGN.md, "Who uses it").
    case 'request_authorization':
    case 'schedule':
      return hasAnyRole(actor, MANAGERS) ? null : 'NOT_PERMITTED_FOR_ROLE'
    case 'authorize':
    case 'reject':
      if (!hasAnyRole(actor, APPROVERS)) return 'NOT_PERMITTED_FOR_ROLE'
      return isSelfApproval(change, actor) ? 'SELF_APPROVAL' : null
    case 'start_implementation':
    case 'complete_implementation':
      return hasAnyRole(actor, IMPLEMENTERS) || isNamedImplementer(change, actor) ? null : 'NOT_PERMITTED_FOR_ROLE'
    default:
      return assertNever(event, 'change event')
  }
}
