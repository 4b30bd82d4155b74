// Webhook deliveries: one POST per job, retried by the handler itself (see notifications/deliver.ts).
import type { DomainHandlers } from '../handler-types'
import { deliverWebhook } from '../notifications/deliver'

export const notificationsHandlers: DomainHandlers<'notifications.deliver'> = {
  'notifications.deliver': (payload, deps) => deliverWebhook(payload, deps),
}
