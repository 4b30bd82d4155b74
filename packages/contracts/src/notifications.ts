// Webhook notifications: admins subscribe a URL to event types; each event becomes one delivery per
// matching subscription, POSTed by the worker with retries, signed with the subscription's secret.
import { z } from 'zod'
import { Id, IdParams, PageQuery, pageOf, Timestamp } from './common'
import { ChangeState, RiskLevel } from './vocabulary'

export const WEBHOOK_EVENTS = [
  'submitted',
  'approval_requested',
  'approved',
  'rejected',
  'scheduled',
  'implementing',
  'completed',
  'failed',
  'emergency_raised',
] as const
export const WebhookEvent = z.enum(WEBHOOK_EVENTS)
export type WebhookEvent = z.infer<typeof WebhookEvent>
/** The event a pipeline's gate callback receives: the change's gate decision changed. */
export const GATE_CHANGED_EVENT = 'gate_changed'

export const WebhookFormat = z.enum(['generic', 'slack'])
export type WebhookFormat = z.infer<typeof WebhookFormat>
export const WebhookDeliveryStatus = z.enum(['pending', 'delivered', 'dead'])
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatus>

/** Signature and timestamp headers on every delivery (docs/notifications.md shows how to verify them). */
export const WEBHOOK_SIGNATURE_HEADER = 'x-cabinet-signature'
export const WEBHOOK_TIMESTAMP_HEADER = 'x-cabinet-timestamp'
export const WEBHOOK_DELIVERY_HEADER = 'x-cabinet-delivery'
export const WEBHOOK_EVENT_HEADER = 'x-cabinet-event'

export const WebhookUrl = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2000)

export const CreateWebhookBody = z.object({
  name: z.string().trim().min(1).max(120),
  url: WebhookUrl,
  format: WebhookFormat.default('generic'),
  events: z.array(WebhookEvent).min(1).max(WEBHOOK_EVENTS.length),
  enabled: z.boolean().default(true),
})
export type CreateWebhookBody = z.input<typeof CreateWebhookBody>

export const UpdateWebhookBody = z.object({
  version: z.number().int().min(1),
  name: z.string().trim().min(1).max(120).optional(),
  url: WebhookUrl.optional(),
  format: WebhookFormat.optional(),
  events: z.array(WebhookEvent).min(1).max(WEBHOOK_EVENTS.length).optional(),
  enabled: z.boolean().optional(),
})
export type UpdateWebhookBody = z.input<typeof UpdateWebhookBody>

export const WebhookView = z.object({
  id: Id,
  name: z.string(),
  url: z.string(),
  format: WebhookFormat,
  events: z.array(z.string()),
  enabled: z.boolean(),
  /** Set for a pipeline's gate callback: the change it follows. */
  changeId: Id.nullable(),
  version: z.number().int(),
  createdAt: Timestamp,
})
export type WebhookView = z.infer<typeof WebhookView>

/** The reply to a create: the only time the signing secret is shown. */
export const CreatedWebhook = WebhookView.extend({ secret: z.string() })
export type CreatedWebhook = z.infer<typeof CreatedWebhook>

export const WebhookList = z.object({ items: z.array(WebhookView) })
export type WebhookList = z.infer<typeof WebhookList>

export const WebhookAttemptView = z.object({
  attempt: z.number().int(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
  at: Timestamp,
})

export const WebhookDeliveryView = z.object({
  id: Id,
  subscriptionId: Id,
  subscriptionName: z.string(),
  url: z.string(),
  event: z.string(),
  changeId: Id.nullable(),
  status: WebhookDeliveryStatus,
  attemptCount: z.number().int(),
  attemptLimit: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: Timestamp.nullable(),
  deliveredAt: Timestamp.nullable(),
  createdAt: Timestamp,
  attempts: z.array(WebhookAttemptView),
})
export type WebhookDeliveryView = z.infer<typeof WebhookDeliveryView>

export const WebhookDeliveryQuery = PageQuery.extend({
  status: WebhookDeliveryStatus.optional(),
  subscriptionId: Id.optional(),
})
export type WebhookDeliveryQuery = z.input<typeof WebhookDeliveryQuery>
export const WebhookDeliveryPage = pageOf(WebhookDeliveryView)
export type WebhookDeliveryPage = z.infer<typeof WebhookDeliveryPage>

export const WebhookParams = IdParams

/** The generic JSON body a receiver gets (Slack subscriptions get `{ text, blocks }` rendered from it). */
export const WebhookPayload = z.object({
  id: Id,
  event: z.string(),
  occurredAt: Timestamp,
  actor: z.object({ id: Id.nullable(), name: z.string() }),
  change: z
    .object({
      id: Id,
      number: z.string(),
      title: z.string(),
      type: z.string(),
      state: ChangeState,
      riskLevel: RiskLevel,
      plannedStart: Timestamp,
      plannedEnd: Timestamp,
    })
    .nullable(),
  /** Gate callbacks only: the decision as GET /changes/{id}/gate answers it. */
  gate: z.record(z.string(), z.unknown()).optional(),
})
export type WebhookPayload = z.infer<typeof WebhookPayload>
