// Webhook deliveries: one POST per job, retried by the handler itself (see notifications/deliver.ts),
// and the sweep that re-enqueues what a lost job or a stopped worker left behind.
import type { DomainHandlers } from '../handler-types'
import { deliverWebhook } from '../notifications/deliver'
import { sweepDeliveries } from '../notifications/sweep'

export const notificationsHandlers: DomainHandlers<'notifications.deliver' | 'notifications.sweep'> = {
  'notifications.deliver': (payload, deps) => deliverWebhook(payload, deps),
  'notifications.sweep': (_payload, deps) => sweepDeliveries(deps),
}
