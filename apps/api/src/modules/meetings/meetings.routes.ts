// HTTP for CAB meetings: change managers schedule and run them; CAB members and auditors read them.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  CabMeetingBody,
  CabMeetingList,
  CabMeetingListQuery,
  CabMeetingPatch,
  CabMeetingView,
  IdParams,
  MeetingAttendanceBody,
  MeetingCandidates,
  MeetingDecisionBody,
  MeetingDecisionResult,
  MeetingItemParams,
  MeetingStartBody,
  VersionBody,
} from '@cabinet/contracts'
import type { RouteAccess } from '../../http/access'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import { renderMinutes } from './minutes'
import type { MeetingsService } from './meetings.service'

const READ: RouteAccess = { roles: ['cab_member', 'change_manager', 'admin', 'auditor'], scope: 'changes:read' }
/** The chair runs the meeting; the members' own decisions are checked by the approvals module. */
const RUN: RouteAccess = { roles: ['change_manager', 'admin'], scope: 'changes:write' }

export async function registerMeetingRoutes(app: FastifyInstance, deps: { meetings: MeetingsService; clock: Clock }) {
  const { meetings, clock } = deps
  const api = app.withTypeProvider<ZodTypeProvider>()
  const tags = ['meetings']

  api.get(
    '/api/v1/cab/meetings',
    {
      config: { access: READ },
      schema: {
        operationId: 'listCabMeetings',
        tags,
        querystring: CabMeetingListQuery,
        response: responses({ 200: CabMeetingList }),
      },
    },
    async (request) => meetings.list(request.query),
  )

  api.get(
    '/api/v1/cab/meeting-candidates',
    {
      config: { access: READ },
      schema: { operationId: 'listCabMeetingCandidates', tags, response: responses({ 200: MeetingCandidates }) },
    },
    async () => meetings.candidates(),
  )

  api.post(
    '/api/v1/cab/meetings',
    {
      config: { access: RUN },
      schema: {
        operationId: 'scheduleCabMeeting',
        tags,
        body: CabMeetingBody,
        response: responses({ 201: CabMeetingView }),
      },
    },
    async (request, reply) => reply.status(201).send(await meetings.schedule(contextOf(request, clock), request.body)),
  )

  api.get(
    '/api/v1/cab/meetings/:id',
    {
      config: { access: READ },
      schema: { operationId: 'getCabMeeting', tags, params: IdParams, response: responses({ 200: CabMeetingView }) },
    },
    async (request) => meetings.get(request.params.id),
  )

  api.patch(
    '/api/v1/cab/meetings/:id',
    {
      config: { access: RUN },
      schema: {
        operationId: 'updateCabMeeting',
        tags,
        params: IdParams,
        body: CabMeetingPatch,
        response: responses({ 200: CabMeetingView }),
      },
    },
    async (request) => meetings.update(contextOf(request, clock), request.params.id, request.body),
  )

  api.post(
    '/api/v1/cab/meetings/:id/agenda/refresh',
    {
      config: { access: RUN },
      schema: {
        operationId: 'refreshCabMeetingAgenda',
        tags,
        params: IdParams,
        body: VersionBody,
        response: responses({ 200: CabMeetingView }),
      },
    },
    async (request) => meetings.refreshAgenda(contextOf(request, clock), request.params.id, request.body.version),
  )

  api.post(
    '/api/v1/cab/meetings/:id/start',
    {
      config: { access: RUN },
      schema: {
        operationId: 'startCabMeeting',
        tags,
        params: IdParams,
        body: MeetingStartBody,
        response: responses({ 200: CabMeetingView }),
      },
    },
    async (request) => meetings.start(contextOf(request, clock), request.params.id, request.body),
  )

  api.put(
    '/api/v1/cab/meetings/:id/attendance',
    {
      config: { access: RUN },
      schema: {
        operationId: 'recordCabMeetingAttendance',
        tags,
        params: IdParams,
        body: MeetingAttendanceBody,
        response: responses({ 200: CabMeetingView }),
      },
    },
    async (request) => meetings.recordAttendance(contextOf(request, clock), request.params.id, request.body),
  )

  api.post(
    '/api/v1/cab/meetings/:id/items/:itemId/decisions',
    {
      config: { access: RUN },
      schema: {
        operationId: 'recordCabMeetingDecision',
        tags,
        params: MeetingItemParams,
        body: MeetingDecisionBody,
        response: responses({ 200: MeetingDecisionResult }),
      },
    },
    async (request) =>
      meetings.decide(contextOf(request, clock), request.params.id, request.params.itemId, request.body),
  )

  api.post(
    '/api/v1/cab/meetings/:id/close',
    {
      config: { access: RUN },
      schema: {
        operationId: 'closeCabMeeting',
        tags,
        params: IdParams,
        body: VersionBody,
        response: responses({ 200: CabMeetingView }),
      },
    },
    async (request) => meetings.close(contextOf(request, clock), request.params.id, request.body.version),
  )

  api.get(
    '/api/v1/cab/meetings/:id/minutes.md',
    {
      config: { access: READ },
      schema: { operationId: 'cabMeetingMinutes', tags, params: IdParams, response: responses({ 200: z.string() }) },
    },
    async (request, reply) => {
      const meeting = await meetings.get(request.params.id)
      return reply
        .header('content-type', 'text/markdown; charset=utf-8')
        .header('content-disposition', `attachment; filename="cab-meeting-${meeting.startsAt.slice(0, 10)}.md"`)
        .send(renderMinutes(meeting, clock.now()))
    },
  )
}
