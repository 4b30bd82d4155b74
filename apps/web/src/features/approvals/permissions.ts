// Who the console offers the CAB screens to: the roles the API lets read the queue and the policies.
import type { UserView } from '@cabinet/contracts'

export function canUseCab(user: UserView | null | undefined): boolean {
  return user?.roles.some((role) => role === 'cab_member' || role === 'change_manager' || role === 'admin') ?? false
}
