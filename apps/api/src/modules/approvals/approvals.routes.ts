// HTTP for CAB approvals: policies (admins), a change's approvals, the preview, decisions and the queue.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  ApprovalDecisionBody,
  ApprovalParams,
  ApprovalPolicyBody,
  ApprovalPolicyList,
  ApprovalPolicyPatch,
  ApprovalPolicyView,
  ApprovalPreview,
  CabQueue,
  CabQueueQuery,
  ChangeApprovalsView,
  ChangeRefParams,
  IdParams,
} from '@cabinet/contracts'
import type { Db } from '@cabinet/db'
import type { RouteAccess } from '../../http/access'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import type { ApprovalsService } from './approvals.service'
import { cabQueue } from './cab-queue'
import type { PoliciesService } from './policies.service'

const READ: RouteAccess = { roles: 'any', scope: 'changes:read' }
/** Group membership decides who may decide a stage; these roles are the floor (as for `authorize`). */
const DECIDE: RouteAccess = { roles: ['cab_member', 'change_manager', 'admin'], scope: 'changes:write' }
const QUEUE: RouteAccess = { roles: ['cab_member', 'change_manager', 'admin'], scope: 'changes:read' }
const POLICY_READ: RouteAccess = { roles: ['cab_member', 'change_manager', 'admin', 'auditor'], scope: 'changes:read' }
const POLICY_WRITE: RouteAccess = { roles: ['admin'], scope: 'changes:write' }

export async function registerApprovalRoutes(
  app: FastifyInstance,
  deps: { db: Db; approvals: ApprovalsService; policies: PoliciesService; clock: Clock },
) {
  const { db, approvals, policies, clock } = deps
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/approval-policies',
    {
      config: { access: POLICY_READ },
      schema: {
        operationId: 'listApprovalPolicies',
        tags: ['approvals'],
        response: responses({ 200: ApprovalPolicyList }),
      },
    },
    async () => ({ items: await policies.list() }),
  )

  api.post(
    '/api/v1/approval-policies',
    {
      config: { access: POLICY_WRITE },
      schema: {
        operationId: 'createApprovalPolicy',
        tags: ['approvals'],
        body: ApprovalPolicyBody,
        response: responses({ 201: ApprovalPolicyView }),
      },
    },
    async (request, reply) => reply.status(201).send(await policies.create(contextOf(request, clock), request.body)),
  )

  api.get(
    '/api/v1/approval-policies/:id',
    {
      config: { access: POLICY_READ },
      schema: {
        operationId: 'getApprovalPolicy',
        tags: ['approvals'],
        params: IdParams,
        response: responses({ 200: ApprovalPolicyView }),
      },
    },
    async (request) => policies.get(request.params.id),
  )

  api.patch(
    '/api/v1/approval-policies/:id',
    {
      config: { access: POLICY_WRITE },
      schema: {
        operationId: 'updateApprovalPolicy',
        tags: ['approvals'],
        params: IdParams,
        body: ApprovalPolicyPatch,
        response: responses({ 200: ApprovalPolicyView }),
      },
    },
    async (request) => policies.update(contextOf(request, clock), request.params.id, request.body),
  )

  api.delete(
    '/api/v1/approval-policies/:id',
    {
      config: { access: POLICY_WRITE },
      schema: {
        operationId: 'deleteApprovalPolicy',
        tags: ['approvals'],
        params: IdParams,
        response: responses({ 204: z.null() }),
      },
    },
    async (request, reply) => {
      await policies.remove(contextOf(request, clock), request.params.id)
      return reply.status(204).send(null)
    },
  )

  api.get(
    '/api/v1/changes/:id/approvals',
    {
      config: { access: READ },
      schema: {
        operationId: 'getChangeApprovals',
        tags: ['approvals'],
        params: ChangeRefParams,
        response: responses({ 200: ChangeApprovalsView }),
      },
    },
    async (request) => approvals.approvalsOf(contextOf(request, clock), request.params.id),
  )

  api.get(
    '/api/v1/changes/:id/approvals/preview',
    {
      config: { access: READ },
      schema: {
        operationId: 'previewChangeApprovals',
        tags: ['approvals'],
        params: ChangeRefParams,
        response: responses({ 200: ApprovalPreview }),
      },
    },
    async (request) => approvals.preview(request.params.id),
  )

  api.post(
    '/api/v1/changes/:id/approvals/:approvalId/decision',
    {
      config: { access: DECIDE },
      schema: {
        operationId: 'decideApproval',
        tags: ['approvals'],
        params: ApprovalParams,
        body: ApprovalDecisionBody,
        response: responses({ 200: ChangeApprovalsView }),
      },
    },
    async (request) =>
      approvals.decide(contextOf(request, clock), request.params.id, request.params.approvalId, request.body),
  )

  api.get(
    '/api/v1/cab/queue',
    {
      config: { access: QUEUE },
      schema: {
        operationId: 'getCabQueue',
        tags: ['approvals'],
        querystring: CabQueueQuery,
        response: responses({ 200: CabQueue }),
      },
    },
    async (request) => cabQueue(db, contextOf(request, clock), request.query),
  )
}
