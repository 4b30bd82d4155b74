// HTTP for standard change templates: the catalog, its lifecycle, and changes made from a template.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import {
  BreakFixView,
  ChangeRefParams,
  ChangeTemplateList,
  ChangeTemplateView,
  CreateFromTemplateBody,
  IdParams,
  ProposeTemplateBody,
  RetireTemplateBody,
  TemplateChangeReply,
  TemplateDecisionBody,
  TemplateListQuery,
  TemplateVersionBody,
} from '@cabinet/contracts'
import type { Db } from '@cabinet/db'
import type { RouteAccess } from '../../http/access'
import { AppError } from '../../http/errors'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import type { TemplatesService } from './templates.service'
import { TEMPLATE_APPROVERS, TEMPLATE_PROPOSERS, TEMPLATE_RETIRERS, TEMPLATE_USERS } from './templates.views'

const READ: RouteAccess = { roles: 'any', scope: 'changes:read' }
const PROPOSE: RouteAccess = { roles: TEMPLATE_PROPOSERS, scope: 'changes:write' }
const APPROVE: RouteAccess = { roles: TEMPLATE_APPROVERS, scope: 'changes:write' }
const RETIRE: RouteAccess = { roles: TEMPLATE_RETIRERS, scope: 'changes:write' }
const USE: RouteAccess = { roles: TEMPLATE_USERS, scope: 'changes:write' }

export async function registerTemplateRoutes(
  app: FastifyInstance,
  { templates, clock, db }: { templates: TemplatesService; clock: Clock; db: Db },
) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const tags = ['templates']

  api.get(
    '/api/v1/templates',
    {
      config: { access: READ },
      schema: {
        operationId: 'listTemplates',
        tags,
        querystring: TemplateListQuery,
        response: responses({ 200: ChangeTemplateList }),
      },
    },
    async (request) => ({ items: await templates.list(contextOf(request, clock), request.query.status) }),
  )

  api.post(
    '/api/v1/templates',
    {
      config: { access: PROPOSE },
      schema: {
        operationId: 'proposeTemplate',
        tags,
        body: ProposeTemplateBody,
        response: responses({ 201: ChangeTemplateView }),
      },
    },
    async (request, reply) => reply.status(201).send(await templates.propose(contextOf(request, clock), request.body)),
  )

  api.get(
    '/api/v1/templates/:id',
    {
      config: { access: READ },
      schema: { operationId: 'getTemplate', tags, params: IdParams, response: responses({ 200: ChangeTemplateView }) },
    },
    async (request) => templates.get(contextOf(request, clock), request.params.id),
  )

  api.post(
    '/api/v1/templates/:id/versions',
    {
      config: { access: PROPOSE },
      schema: {
        operationId: 'proposeTemplateVersion',
        tags,
        params: IdParams,
        body: TemplateVersionBody,
        response: responses({ 201: ChangeTemplateView }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await templates.addVersion(contextOf(request, clock), request.params.id, request.body)),
  )

  api.post(
    '/api/v1/templates/:id/approve',
    {
      config: { access: APPROVE },
      schema: {
        operationId: 'approveTemplate',
        tags,
        params: IdParams,
        body: TemplateDecisionBody,
        response: responses({ 200: ChangeTemplateView }),
      },
    },
    async (request) => templates.approve(contextOf(request, clock), request.params.id, request.body.version),
  )

  api.post(
    '/api/v1/templates/:id/retire',
    {
      config: { access: RETIRE },
      schema: {
        operationId: 'retireTemplate',
        tags,
        params: IdParams,
        body: RetireTemplateBody,
        response: responses({ 200: ChangeTemplateView }),
      },
    },
    async (request) => templates.retire(contextOf(request, clock), request.params.id, request.body),
  )

  api.post(
    '/api/v1/templates/:id/changes',
    {
      config: { access: USE },
      schema: {
        operationId: 'createChangeFromTemplate',
        tags,
        params: IdParams,
        body: CreateFromTemplateBody,
        response: responses({ 201: TemplateChangeReply }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await templates.createChange(contextOf(request, clock), request.params.id, request.body)),
  )

  // Emergency changes: the retroactive approval of a break-fix, for the banner on the change page.
  api.get(
    '/api/v1/changes/:id/break-fix',
    {
      config: { access: READ },
      schema: {
        operationId: 'getChangeBreakFix',
        tags: ['changes'],
        params: ChangeRefParams,
        response: responses({ 200: BreakFixView }),
      },
    },
    async (request) => {
      const ref = request.params.id
      const change = await db.changeRequest.findFirst({
        where: /^CHG\d+$/.test(ref) ? { number: ref } : { id: ref },
        select: { breakFix: true },
      })
      if (!change) throw new AppError('CHANGE_NOT_FOUND', `change ${ref} was not found`)
      const row = change.breakFix
      if (!row) return { breakFix: null }
      const status = row.approvedAt
        ? 'approved'
        : row.rejectedAt
          ? 'rejected'
          : row.dueAt.getTime() <= clock.now().getTime()
            ? 'overdue'
            : 'awaiting'
      return {
        breakFix: {
          startedAt: row.startedAt.toISOString(),
          dueAt: row.dueAt.toISOString(),
          approvedAt: row.approvedAt?.toISOString() ?? null,
          rejectedAt: row.rejectedAt?.toISOString() ?? null,
          escalatedAt: row.escalatedAt?.toISOString() ?? null,
          status,
        },
      } as const
    },
  )
}
