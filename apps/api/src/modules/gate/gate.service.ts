// The gate of a change as a pipeline sees it, and the callbacks that push it: a callback is a
// webhook subscription bound to one change, sent a signed `gate_changed` delivery whenever the
// decision a transition leads to differs from the last one sent.
import { GATE_CHANGED_EVENT, type GateCallbackView, type GateView } from '@cabinet/contracts'
import type { Db, DbOrTx, Prisma } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import { AppError } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import { changeSummary, writeDeliveries } from '../notifications/notification-events'
import { newWebhookSecret, type SecretBox } from '../notifications/secret-box'
import type { ChangeRow } from '../changes/changes.repository'
import { decideGate, type GateFacts } from './gate-decision'

const CHANGE_NUMBER = /^CHG\d{7,}$/
const gateSelect = {
  id: true,
  number: true,
  state: true,
  plannedStart: true,
  plannedEnd: true,
  approvalRound: true,
  approvalsComplete: true,
  submittedAt: true,
} satisfies Prisma.ChangeRequestSelect

async function blockingConflictsOf(tx: DbOrTx, changeId: string): Promise<number> {
  return tx.scheduleConflict.count({ where: { changeId, blocking: true } })
}

/** Why the schedule refused to authorize an approved change: the approvals module audits it. */
async function heldReasonOf(tx: DbOrTx, change: GateFacts): Promise<string | undefined> {
  if (change.state !== 'authorize' || !change.approvalsComplete) return undefined
  const held = await tx.auditEvent.findFirst({
    where: { changeId: change.id, action: 'approval.authorization_held' },
    orderBy: { seq: 'desc' },
    select: { after: true },
  })
  const reason = (held?.after as { reason?: unknown } | null)?.reason
  return typeof reason === 'string' ? reason : undefined
}

export async function gateOf(tx: DbOrTx, change: GateFacts, now: Date): Promise<GateView> {
  return decideGate(change, await blockingConflictsOf(tx, change.id), now, await heldReasonOf(tx, change))
}

/** In a transition's transaction: a delivery to each callback of the change whose decision moved. */
export async function writeGateCallbacks(tx: Prisma.TransactionClient, ctx: RequestContext, updated: ChangeRow) {
  const callbacks = await tx.webhookSubscription.findMany({
    where: { changeId: updated.id, enabled: true },
    select: { id: true, lastGateDecision: true },
  })
  if (callbacks.length === 0) return
  const gate = await gateOf(tx, updated, ctx.now)
  const moved = callbacks.filter((callback) => callback.lastGateDecision !== gate.decision).map((c) => c.id)
  if (moved.length === 0) return
  await tx.webhookSubscription.updateMany({ where: { id: { in: moved } }, data: { lastGateDecision: gate.decision } })
  await writeDeliveries(tx, moved, {
    event: GATE_CHANGED_EVENT,
    occurredAt: ctx.now.toISOString(),
    actor: { id: ctx.actor.id, name: ctx.actor.name },
    change: changeSummary(updated),
    gate,
  })
}

export function createGateService(deps: { db: Db; secrets: SecretBox }) {
  const { db, secrets } = deps

  async function load(tx: DbOrTx, idOrNumber: string) {
    const where = CHANGE_NUMBER.test(idOrNumber) ? { number: idOrNumber } : { id: idOrNumber }
    const change = await tx.changeRequest.findUnique({ where, select: gateSelect })
    if (!change) throw new AppError('CHANGE_NOT_FOUND', `change ${idOrNumber} was not found`)
    return change
  }

  async function get(ctx: RequestContext, idOrNumber: string): Promise<GateView> {
    return gateOf(db, await load(db, idOrNumber), ctx.now)
  }

  async function addCallback(ctx: RequestContext, idOrNumber: string, url: string): Promise<GateCallbackView> {
    const secret = newWebhookSecret()
    const secretCipher = secrets.seal(secret)
    return db.$transaction(async (tx) => {
      const change = await load(tx, idOrNumber)
      const gate = await gateOf(tx, change, ctx.now)
      const row = await tx.webhookSubscription.create({
        data: {
          name: `gate callback for ${change.number}`,
          url,
          events: [GATE_CHANGED_EVENT],
          secretCipher,
          changeId: change.id,
          lastGateDecision: gate.decision,
          createdById: ctx.actor.id,
        },
      })
      await recordAudit(tx, ctx, {
        action: 'gate.callback_registered',
        entityType: 'webhook_subscription',
        entityId: row.id,
        changeId: change.id,
        after: { url },
      })
      return { id: row.id, changeId: change.id, url, secret, gate }
    })
  }

  return { get, addCallback }
}

export type GateService = ReturnType<typeof createGateService>
