// The pipeline gate: may a pipeline deploy this change now? A CI job polls GET /changes/{id}/gate
// (or `cabinet gate wait`), or registers a callback URL that receives the decision when it changes.
import { z } from 'zod'
import { Id, Timestamp } from './common'
import { WebhookUrl } from './notifications'
import { ChangeState } from './vocabulary'

export const GateDecision = z.enum(['allowed', 'awaiting', 'prevented'])
export type GateDecision = z.infer<typeof GateDecision>

export const GateView = z.object({
  changeId: Id,
  number: z.string(),
  decision: GateDecision,
  /** One sentence a pipeline log can print as is. */
  reason: z.string(),
  state: ChangeState,
  /** What an awaiting change waits for: submission, approvals, the window, a conflict. */
  waitingFor: z.enum(['submission', 'assessment', 'approvals', 'scheduling', 'window', 'conflict']).nullable(),
  plannedStart: Timestamp,
  plannedEnd: Timestamp,
  blockingConflicts: z.number().int(),
  checkedAt: Timestamp,
})
export type GateView = z.infer<typeof GateView>

export const CreateGateCallbackBody = z.object({ url: WebhookUrl })
export type CreateGateCallbackBody = z.input<typeof CreateGateCallbackBody>

/** A registered callback, with the secret its deliveries are signed with (shown once). */
export const GateCallbackView = z.object({
  id: Id,
  changeId: Id,
  url: z.string(),
  secret: z.string(),
  gate: GateView,
})
export type GateCallbackView = z.infer<typeof GateCallbackView>
