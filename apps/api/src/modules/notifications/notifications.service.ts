// Admin use cases for webhooks: subscriptions (the secret shown once, stored sealed), the deliveries
// and their attempts, the dead-letter list and its replay. Also the after-commit enqueue every
// writer of deliveries (the change hook, the gate callbacks) shares.
import type { FastifyBaseLogger } from 'fastify'
import type {
  CreatedWebhook,
  CreateWebhookBody,
  UpdateWebhookBody,
  WebhookDeliveryPage,
  WebhookDeliveryQuery,
  WebhookDeliveryView,
  WebhookView,
} from '@cabinet/contracts'
import { CreateWebhookBody as CreateSchema, WebhookDeliveryQuery as QuerySchema } from '@cabinet/contracts'
import type { Db, Prisma } from '@cabinet/db'
import { type JobProducer, jobId } from '@cabinet/queue'
import type { z } from 'zod'
import { recordAudit } from '../../http/audit'
import { AppError, notFound, staleVersion } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import { DELIVERY_ATTEMPTS } from './notification-events'
import { newWebhookSecret, type SecretBox } from './secret-box'

type SubscriptionRow = Prisma.WebhookSubscriptionGetPayload<object>
const deliveryInclude = {
  subscription: { select: { name: true, url: true } },
  attempts: { orderBy: { attempt: 'asc' } },
} satisfies Prisma.WebhookDeliveryInclude
type DeliveryRow = Prisma.WebhookDeliveryGetPayload<{ include: typeof deliveryInclude }>

export function webhookView(row: SubscriptionRow): WebhookView {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    format: row.format,
    events: row.events,
    enabled: row.enabled,
    changeId: row.changeId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
  }
}

function deliveryView(row: DeliveryRow): WebhookDeliveryView {
  return {
    id: row.id,
    subscriptionId: row.subscriptionId,
    subscriptionName: row.subscription.name,
    url: row.subscription.url,
    event: row.event,
    changeId: row.changeId,
    status: row.status,
    attemptCount: row.attemptCount,
    attemptLimit: row.attemptLimit,
    lastError: row.lastError,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    attempts: row.attempts.map((attempt) => ({
      attempt: attempt.attempt,
      statusCode: attempt.statusCode,
      error: attempt.error,
      durationMs: attempt.durationMs,
      at: attempt.at.toISOString(),
    })),
  }
}

export function createNotificationsService(deps: {
  db: Db
  jobs: JobProducer
  logger: FastifyBaseLogger
  secrets: SecretBox
}) {
  const { db, jobs, logger, secrets } = deps

  /** After commit: a job for the next attempt of each delivery; the job id makes a repeat harmless. */
  async function enqueue(deliveries: readonly { id: string; attemptCount: number }[]): Promise<void> {
    for (const delivery of deliveries) {
      const attempt = delivery.attemptCount + 1
      try {
        await jobs.enqueue(
          'notifications.deliver',
          { deliveryId: delivery.id, attempt },
          { jobId: jobId('webhook', delivery.id, String(attempt)) },
        )
      } catch (error) {
        // Committed already: the delivery stays pending and shows in the list; a replay or the next
        // enqueue of this change's deliveries sends it.
        logger.error({ err: error, deliveryId: delivery.id }, 'enqueueing a webhook delivery failed')
      }
    }
  }

  /** Enqueues the first attempt of every delivery of a change not yet tried. */
  async function enqueueNewFor(changeId: string): Promise<void> {
    const fresh = await db.webhookDelivery.findMany({
      where: { changeId, status: 'pending', attemptCount: 0 },
      select: { id: true, attemptCount: true },
    })
    await enqueue(fresh)
  }

  async function list(): Promise<WebhookView[]> {
    const rows = await db.webhookSubscription.findMany({ where: { changeId: null }, orderBy: { createdAt: 'asc' } })
    return rows.map(webhookView)
  }

  async function create(ctx: RequestContext, input: CreateWebhookBody): Promise<CreatedWebhook> {
    const body = CreateSchema.parse(input)
    const secret = newWebhookSecret()
    const secretCipher = secrets.seal(secret)
    const row = await db.$transaction(async (tx) => {
      const created = await tx.webhookSubscription.create({
        data: { ...body, secretCipher, createdById: ctx.actor.id },
      })
      // The secret is never part of the audit record: only that one was made.
      await recordAudit(tx, ctx, {
        action: 'webhook.created',
        entityType: 'webhook_subscription',
        entityId: created.id,
        after: { name: created.name, url: created.url, format: created.format, events: created.events },
      })
      return created
    })
    return { ...webhookView(row), secret }
  }

  async function update(ctx: RequestContext, id: string, body: UpdateWebhookBody): Promise<WebhookView> {
    return db.$transaction(async (tx) => {
      const current = await tx.webhookSubscription.findFirst({ where: { id, changeId: null } })
      if (!current) throw notFound('webhook', id)
      const { version, ...changes } = body
      const updated = await tx.webhookSubscription.updateMany({
        where: { id, version },
        data: { ...changes, version: { increment: 1 } },
      })
      if (updated.count !== 1) throw staleVersion(`webhook ${current.name}`)
      const row = await tx.webhookSubscription.findUniqueOrThrow({ where: { id } })
      await recordAudit(tx, ctx, {
        action: 'webhook.updated',
        entityType: 'webhook_subscription',
        entityId: id,
        before: { name: current.name, url: current.url, events: current.events, enabled: current.enabled },
        after: { name: row.name, url: row.url, events: row.events, enabled: row.enabled },
      })
      return webhookView(row)
    })
  }

  async function remove(ctx: RequestContext, id: string): Promise<void> {
    await db.$transaction(async (tx) => {
      const current = await tx.webhookSubscription.findFirst({ where: { id, changeId: null } })
      if (!current) throw notFound('webhook', id)
      await tx.webhookSubscription.delete({ where: { id } })
      await recordAudit(tx, ctx, {
        action: 'webhook.deleted',
        entityType: 'webhook_subscription',
        entityId: id,
        before: { name: current.name, url: current.url, events: current.events },
      })
    })
  }

  async function deliveries(input: WebhookDeliveryQuery): Promise<WebhookDeliveryPage> {
    const query: z.output<typeof QuerySchema> = QuerySchema.parse(input)
    const rows = await db.webhookDelivery.findMany({
      where: {
        ...(query.status ? { status: query.status } : {}),
        ...(query.subscriptionId ? { subscriptionId: query.subscriptionId } : {}),
      },
      include: deliveryInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    })
    const page = rows.slice(0, query.limit)
    return {
      items: page.map(deliveryView),
      nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    }
  }

  /** Gives a dead delivery a fresh set of attempts and sends the first of them now. */
  async function replay(ctx: RequestContext, id: string): Promise<WebhookDeliveryView> {
    const replayed = await db.$transaction(async (tx) => {
      const current = await tx.webhookDelivery.findUnique({ where: { id } })
      if (!current) throw notFound('webhook delivery', id)
      if (current.status !== 'dead')
        throw new AppError(
          'TRANSITION_REFUSED',
          `only a dead delivery can be replayed; this one is ${current.status}`,
          {
            details: { reason: 'NOT_DEAD', status: current.status },
          },
        )
      const moved = await tx.webhookDelivery.updateMany({
        where: { id, status: 'dead', attemptCount: current.attemptCount },
        data: { status: 'pending', attemptLimit: current.attemptCount + DELIVERY_ATTEMPTS, nextAttemptAt: ctx.now },
      })
      if (moved.count !== 1) throw staleVersion(`webhook delivery ${id}`)
      await recordAudit(tx, ctx, {
        action: 'webhook.delivery_replayed',
        entityType: 'webhook_delivery',
        entityId: id,
        changeId: current.changeId,
        after: { event: current.event, attemptsSoFar: current.attemptCount },
      })
      return current
    })
    await enqueue([replayed])
    const row = await db.webhookDelivery.findUniqueOrThrow({ where: { id }, include: deliveryInclude })
    return deliveryView(row)
  }

  return { list, create, update, remove, deliveries, replay, enqueue, enqueueNewFor }
}

export type NotificationsService = ReturnType<typeof createNotificationsService>
