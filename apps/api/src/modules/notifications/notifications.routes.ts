// HTTP for webhook subscriptions, their deliveries, and the dead-letter replay. Admins only: a
// subscription decides where change data leaves Cabinet.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  CreatedWebhook,
  CreateWebhookBody,
  UpdateWebhookBody,
  WebhookDeliveryPage,
  WebhookDeliveryQuery,
  WebhookDeliveryView,
  WebhookList,
  WebhookParams,
  WebhookView,
} from '@cabinet/contracts'
import type { RouteAccess } from '../../http/access'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import type { NotificationsService } from './notifications.service'

const ADMIN: RouteAccess = { roles: ['admin'] }
const TAGS = ['webhooks']

export async function registerNotificationRoutes(
  app: FastifyInstance,
  { notifications, clock }: { notifications: NotificationsService; clock: Clock },
) {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/webhooks',
    {
      config: { access: ADMIN },
      schema: { operationId: 'listWebhooks', tags: TAGS, response: responses({ 200: WebhookList }) },
    },
    async () => ({ items: await notifications.list() }),
  )

  api.post(
    '/api/v1/webhooks',
    {
      config: { access: ADMIN },
      schema: {
        operationId: 'createWebhook',
        tags: TAGS,
        body: CreateWebhookBody,
        response: responses({ 201: CreatedWebhook }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await notifications.create(contextOf(request, clock), request.body)),
  )

  api.patch(
    '/api/v1/webhooks/:id',
    {
      config: { access: ADMIN },
      schema: {
        operationId: 'updateWebhook',
        tags: TAGS,
        params: WebhookParams,
        body: UpdateWebhookBody,
        response: responses({ 200: WebhookView }),
      },
    },
    async (request) => notifications.update(contextOf(request, clock), request.params.id, request.body),
  )

  api.delete(
    '/api/v1/webhooks/:id',
    {
      config: { access: ADMIN },
      schema: {
        operationId: 'deleteWebhook',
        tags: TAGS,
        params: WebhookParams,
        response: responses({ 204: z.null() }),
      },
    },
    async (request, reply) => {
      await notifications.remove(contextOf(request, clock), request.params.id)
      return reply.status(204).send(null)
    },
  )

  api.get(
    '/api/v1/webhooks/deliveries',
    {
      config: { access: ADMIN },
      schema: {
        operationId: 'listWebhookDeliveries',
        tags: TAGS,
        querystring: WebhookDeliveryQuery,
        response: responses({ 200: WebhookDeliveryPage }),
      },
    },
    async (request) => notifications.deliveries(request.query),
  )

  api.post(
    '/api/v1/webhooks/deliveries/:id/replay',
    {
      config: { access: ADMIN },
      schema: {
        operationId: 'replayWebhookDelivery',
        tags: TAGS,
        params: WebhookParams,
        response: responses({ 200: WebhookDeliveryView }),
      },
    },
    async (request) => notifications.replay(contextOf(request, clock), request.params.id),
  )
}
