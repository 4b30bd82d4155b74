// Webhooks decide where change data leaves Cabinet: the API admits admins only.
import type { UserView } from '@cabinet/contracts'

export function canManageWebhooks(user: UserView | null | undefined): boolean {
  return user?.roles.includes('admin') ?? false
}
