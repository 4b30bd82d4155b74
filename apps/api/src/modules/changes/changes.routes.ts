// HTTP for requests for change: validate with the contracts, authorise, call the use case, reply.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import {
  ChangeDetail,
  ChangeListQuery,
  ChangePage,
  ChangeRefParams,
  CreateChangeBody,
  RiskAssessmentView,
  RiskPreviewBody,
  Timeline,
  TransitionBody,
  UpdateChangeBody,
} from '@cabinet/contracts'
import type { RouteAccess } from '../../http/access'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import type { createChangeTransitionService } from './change-transitions.service'
import type { ChangeService } from './changes.service'

export interface ChangeRoutesDeps {
  changes: ChangeService
  transitions: ReturnType<typeof createChangeTransitionService>
  clock: Clock
}

const READ: RouteAccess = { roles: 'any', scope: 'changes:read' }
/** Anyone but an auditor may raise a change; the state machine decides who may move it. */
const WRITE: RouteAccess = {
  roles: ['requester', 'cab_member', 'change_manager', 'implementer', 'admin'],
  scope: 'changes:write',
}

export async function registerChangeRoutes(app: FastifyInstance, { changes, transitions, clock }: ChangeRoutesDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/changes',
    {
      config: { access: READ },
      schema: {
        operationId: 'listChanges',
        tags: ['changes'],
        querystring: ChangeListQuery,
        response: responses({ 200: ChangePage }),
      },
    },
    async (request) => changes.list(contextOf(request, clock), request.query),
  )

  api.post(
    '/api/v1/changes',
    {
      config: { access: WRITE },
      schema: {
        operationId: 'createChange',
        tags: ['changes'],
        body: CreateChangeBody,
        response: responses({ 201: ChangeDetail }),
      },
    },
    async (request, reply) => reply.status(201).send(await changes.create(contextOf(request, clock), request.body)),
  )

  api.get(
    '/api/v1/changes/:id',
    {
      config: { access: READ },
      schema: {
        operationId: 'getChange',
        tags: ['changes'],
        params: ChangeRefParams,
        response: responses({ 200: ChangeDetail }),
      },
    },
    async (request) => changes.get(contextOf(request, clock), request.params.id),
  )

  api.patch(
    '/api/v1/changes/:id',
    {
      config: { access: WRITE },
      schema: {
        operationId: 'updateChange',
        tags: ['changes'],
        params: ChangeRefParams,
        body: UpdateChangeBody,
        response: responses({ 200: ChangeDetail }),
      },
    },
    async (request) => changes.update(contextOf(request, clock), request.params.id, request.body),
  )

  api.post(
    '/api/v1/changes/:id/transitions',
    {
      config: { access: { roles: 'any', scope: 'changes:write' } },
      schema: {
        operationId: 'transitionChange',
        tags: ['changes'],
        params: ChangeRefParams,
        body: TransitionBody,
        response: responses({ 200: ChangeDetail }),
      },
    },
    async (request) => transitions.apply(contextOf(request, clock), request.params.id, request.body),
  )

  api.get(
    '/api/v1/changes/:id/timeline',
    {
      config: { access: READ },
      schema: {
        operationId: 'getChangeTimeline',
        tags: ['changes'],
        params: ChangeRefParams,
        response: responses({ 200: Timeline }),
      },
    },
    async (request) => changes.timeline(request.params.id),
  )

  api.post(
    '/api/v1/risk/preview',
    {
      config: { access: READ },
      schema: {
        operationId: 'previewRisk',
        tags: ['changes'],
        body: RiskPreviewBody,
        response: responses({ 200: RiskAssessmentView }),
      },
    },
    async (request) =>
      changes.previewRisk(contextOf(request, clock), {
        category: request.body.category,
        subcategory: request.body.subcategory,
        plannedStart: new Date(request.body.plannedStart),
        affectedItems: request.body.affectedItems,
        rollbackPlan: request.body.rollbackPlan,
        riskQuestionnaire: request.body.riskQuestionnaire,
        targetDriverVersion: request.body.targetDriverVersion,
      }),
  )
}
