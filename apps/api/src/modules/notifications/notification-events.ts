// Which webhook events a committed transition raises, and the outbox rows they become: one delivery
// per enabled subscription to the event, written in the transition's transaction so an event is
// never lost (nor sent for a transition that rolled back). The worker POSTs them after commit.
import { randomUUID } from 'node:crypto'
import { JOBS, type WebhookEvent, type WebhookPayload } from '@cabinet/contracts'
import type { Prisma } from '@cabinet/db'
import type { TransitionHookInput } from '../changes/change-hooks'
import type { ChangeRow } from '../changes/changes.repository'

type Tx = Prisma.TransactionClient

const FAILED_CLOSE_CODES = new Set(['failed', 'rolled_back'])

export function eventsOf(input: Pick<TransitionHookInput, 'change' | 'body' | 'next' | 'effects'>): WebhookEvent[] {
  const { change, body, next, effects } = input
  const events: WebhookEvent[] = []
  if (body.event === 'submit') {
    events.push('submitted')
    if (change.type === 'emergency') events.push('emergency_raised')
  }
  if (effects.some((effect) => effect.kind === 'request_approvals')) events.push('approval_requested')
  if (body.event === 'authorize') events.push('approved')
  if (body.event === 'reject') events.push('rejected')
  if (next === 'scheduled' && change.state !== 'scheduled') events.push('scheduled')
  if (next === 'implement' && change.state !== 'implement') events.push('implementing')
  if (body.event === 'complete_implementation') events.push('completed')
  if (body.event === 'close' && FAILED_CLOSE_CODES.has(body.closeCode)) events.push('failed')
  return events
}

export function changeSummary(change: ChangeRow): NonNullable<WebhookPayload['change']> {
  return {
    id: change.id,
    number: change.number,
    title: change.title,
    type: change.type,
    state: change.state,
    riskLevel: change.riskLevel,
    plannedStart: change.plannedStart.toISOString(),
    plannedEnd: change.plannedEnd.toISOString(),
  }
}

export const DELIVERY_ATTEMPTS = JOBS['notifications.deliver'].attempts

/** Writes one pending delivery per subscription; returns their ids. */
export async function writeDeliveries(
  tx: Tx,
  subscriptionIds: readonly string[],
  content: Omit<WebhookPayload, 'id'>,
): Promise<string[]> {
  const rows = subscriptionIds.map((subscriptionId) => {
    const id = randomUUID()
    const payload: WebhookPayload = { id, ...content }
    return {
      id,
      subscriptionId,
      event: content.event,
      changeId: content.change?.id ?? null,
      payload: payload as Prisma.InputJsonValue,
      attemptLimit: DELIVERY_ATTEMPTS,
    }
  })
  if (rows.length > 0) await tx.webhookDelivery.createMany({ data: rows })
  return rows.map((row) => row.id)
}

/** Writes the deliveries for a transition's events to every enabled admin subscription to them. */
export async function writeTransitionEvents(
  tx: Tx,
  input: TransitionHookInput & { updated: ChangeRow },
): Promise<number> {
  const events = eventsOf(input)
  if (events.length === 0) return 0
  const subscriptions = await tx.webhookSubscription.findMany({
    where: { enabled: true, changeId: null, events: { hasSome: events } },
    select: { id: true, events: true },
  })
  let written = 0
  for (const event of events) {
    const ids = subscriptions.filter((subscription) => subscription.events.includes(event)).map((s) => s.id)
    written += (
      await writeDeliveries(tx, ids, {
        event,
        occurredAt: input.ctx.now.toISOString(),
        actor: { id: input.ctx.actor.id, name: input.ctx.actor.name },
        change: changeSummary(input.updated),
      })
    ).length
  }
  return written
}
