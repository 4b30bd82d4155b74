// Appends an audit event for the caller of a request: who, which request and when come from the
// request context, so a use case names only what happened.
import { type AuditEventInput, appendAuditEvent, type Tx } from '@cabinet/db'
import type { RequestContext } from './request-context'

export type AuditRecord = Omit<AuditEventInput, 'actor' | 'requestId' | 'at'>

export function recordAudit(tx: Tx, ctx: RequestContext, record: AuditRecord) {
  return appendAuditEvent(tx, { ...record, actor: ctx.actor, requestId: ctx.requestId, at: ctx.now })
}
