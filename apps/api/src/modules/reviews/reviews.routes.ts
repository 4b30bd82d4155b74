// HTTP for post-implementation reviews: a change's review and its action items, and the lists the
// console's review page shows (open reviews, overdue action items, reminders).
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  ActionItemList,
  ActionItemListQuery,
  ActionItemParams,
  ActionItemView,
  ChangeRefParams,
  CompleteReviewBody,
  CreateActionItemBody,
  ReminderList,
  ReviewList,
  ReviewListQuery,
  ReviewView,
  StartReviewBody,
  UpdateActionItemBody,
  UpdateReviewBody,
} from '@cabinet/contracts'
import type { RouteAccess } from '../../http/access'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import type { ReviewService } from './reviews.service'

const READ: RouteAccess = { roles: 'any', scope: 'changes:read' }
/** Everyone but an auditor takes part in reviews; completing one is checked in the use case. */
const WRITE: RouteAccess = {
  roles: ['requester', 'cab_member', 'change_manager', 'implementer', 'admin'],
  scope: 'changes:write',
}
const TAGS = ['reviews']

export async function registerReviewRoutes(
  app: FastifyInstance,
  { reviews, clock }: { reviews: ReviewService; clock: Clock },
) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const one = '/api/v1/changes/:id/review'

  api.get(
    one,
    {
      config: { access: READ },
      schema: {
        operationId: 'getReview',
        tags: TAGS,
        params: ChangeRefParams,
        response: responses({ 200: ReviewView }),
      },
    },
    async (request) => reviews.get(contextOf(request, clock), request.params.id),
  )

  api.post(
    one,
    {
      config: { access: WRITE },
      schema: {
        operationId: 'startReview',
        tags: TAGS,
        params: ChangeRefParams,
        body: StartReviewBody,
        response: responses({ 201: ReviewView }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await reviews.start(contextOf(request, clock), request.params.id, request.body)),
  )

  api.patch(
    one,
    {
      config: { access: WRITE },
      schema: {
        operationId: 'updateReview',
        tags: TAGS,
        params: ChangeRefParams,
        body: UpdateReviewBody,
        response: responses({ 200: ReviewView }),
      },
    },
    async (request) => reviews.update(contextOf(request, clock), request.params.id, request.body),
  )

  api.post(
    `${one}/complete`,
    {
      config: { access: WRITE },
      schema: {
        operationId: 'completeReview',
        tags: TAGS,
        params: ChangeRefParams,
        body: CompleteReviewBody,
        response: responses({ 200: ReviewView }),
      },
    },
    async (request) => reviews.complete(contextOf(request, clock), request.params.id, request.body),
  )

  api.post(
    `${one}/action-items`,
    {
      config: { access: WRITE },
      schema: {
        operationId: 'createActionItem',
        tags: TAGS,
        params: ChangeRefParams,
        body: CreateActionItemBody,
        response: responses({ 201: ActionItemView }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await reviews.addActionItem(contextOf(request, clock), request.params.id, request.body)),
  )

  api.patch(
    `${one}/action-items/:itemId`,
    {
      config: { access: WRITE },
      schema: {
        operationId: 'updateActionItem',
        tags: TAGS,
        params: ActionItemParams,
        body: UpdateActionItemBody,
        response: responses({ 200: ActionItemView }),
      },
    },
    async (request) =>
      reviews.updateActionItem(contextOf(request, clock), request.params.id, request.params.itemId, request.body),
  )

  api.get(
    '/api/v1/reviews',
    {
      config: { access: READ },
      schema: {
        operationId: 'listReviews',
        tags: TAGS,
        querystring: ReviewListQuery,
        response: responses({ 200: ReviewList }),
      },
    },
    async (request) => reviews.list(contextOf(request, clock), request.query),
  )

  api.get(
    '/api/v1/reviews/action-items',
    {
      config: { access: READ },
      schema: {
        operationId: 'listActionItems',
        tags: TAGS,
        querystring: ActionItemListQuery,
        response: responses({ 200: ActionItemList }),
      },
    },
    async (request) => reviews.listActionItems(contextOf(request, clock), request.query),
  )

  api.get(
    '/api/v1/reviews/reminders',
    {
      config: { access: READ },
      schema: {
        operationId: 'listReviewReminders',
        tags: TAGS,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: responses({ 200: ReminderList }),
      },
    },
    async (request) => reviews.listReminders(request.query.limit),
  )
}
