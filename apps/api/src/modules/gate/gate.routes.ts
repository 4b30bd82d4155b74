// HTTP for the pipeline gate: read the decision, register a callback for its changes. Both take an
// API token (a pipeline has no session): changes:read to read, changes:write to register.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { ChangeRefParams, CreateGateCallbackBody, GateCallbackView, GateView } from '@cabinet/contracts'
import type { RouteAccess } from '../../http/access'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import type { GateService } from './gate.service'

const READ: RouteAccess = { roles: 'any', scope: 'changes:read' }
const WRITE: RouteAccess = {
  roles: ['requester', 'implementer', 'change_manager', 'cab_member', 'admin'],
  scope: 'changes:write',
}
const TAGS = ['gate']

export async function registerGateRoutes(app: FastifyInstance, { gate, clock }: { gate: GateService; clock: Clock }) {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/changes/:id/gate',
    {
      config: { access: READ },
      schema: { operationId: 'getGate', tags: TAGS, params: ChangeRefParams, response: responses({ 200: GateView }) },
    },
    async (request) => gate.get(contextOf(request, clock), request.params.id),
  )

  api.post(
    '/api/v1/changes/:id/gate/callbacks',
    {
      config: { access: WRITE },
      schema: {
        operationId: 'registerGateCallback',
        tags: TAGS,
        params: ChangeRefParams,
        body: CreateGateCallbackBody,
        response: responses({ 201: GateCallbackView }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await gate.addCallback(contextOf(request, clock), request.params.id, request.body.url)),
  )
}
