// What the signed-in person's roles let them start in the console. The server decides every request;
// these only keep the console from offering what the server would refuse (an auditor is read-only).
import { type ChangeDetail, mayRaiseEmergency, type Role, type UserView } from '@cabinet/contracts'

/** The roles that may raise a change (the API's WRITE access on changes): everyone but an auditor. */
const CREATOR_ROLES: ReadonlySet<Role> = new Set(['requester', 'cab_member', 'change_manager', 'implementer', 'admin'])
/** Besides the requester, these may edit anyone's change while it is new. */
const EDITOR_ROLES: ReadonlySet<Role> = new Set(['change_manager', 'admin'])

export function canCreateChange(user: UserView | null | undefined): boolean {
  return user?.roles.some((role) => CREATOR_ROLES.has(role)) ?? false
}

/** On-call (implementers), change managers and admins raise emergency changes (the API's rule). */
export function canRaiseEmergency(user: UserView | null | undefined): boolean {
  return user ? mayRaiseEmergency(user.roles) : false
}

export function canEditChange(
  user: UserView | null | undefined,
  change: Pick<ChangeDetail, 'state' | 'requester'>,
): boolean {
  if (!user || change.state !== 'new' || !canCreateChange(user)) return false
  return user.id === change.requester.id || user.roles.some((role) => EDITOR_ROLES.has(role))
}
