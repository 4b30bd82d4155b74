// Who the console offers the audit trail to: the roles the API's audit routes admit.
import type { Role, UserView } from '@cabinet/contracts'

const AUDIT_ROLES: ReadonlySet<Role> = new Set(['auditor', 'admin'])

export function canReadAudit(user: UserView | null | undefined): boolean {
  return user?.roles.some((role) => AUDIT_ROLES.has(role)) ?? false
}
