// HTTP for the schedule: freezes and windows (admins and change managers write), conflicts of a
// change and a live preview, the scheduling assistant, the calendar and the iCalendar feed.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  CalendarFeedCreated,
  CalendarFeedParams,
  CalendarFeedStatus,
  CalendarQuery,
  CalendarView,
  ChangeConflicts,
  ChangeRefParams,
  ConflictPreview,
  ConflictPreviewBody,
  IdParams,
  ScheduleOptionsBody,
  ScheduleRuleBody,
  ScheduleRuleKind,
  ScheduleRuleList,
  ScheduleRulePatch,
  ScheduleRuleView,
  SuggestedSlots,
  SuggestSlotsBody,
  Version,
} from '@cabinet/contracts'
import type { RouteAccess } from '../../http/access'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import type { CalendarService } from './calendar.service'
import type { createConflictsService } from './conflicts.service'
import type { RulesService } from './rules.service'

const READ: RouteAccess = { roles: 'any', scope: 'changes:read' }
const CHANGE_WRITE: RouteAccess = {
  roles: ['requester', 'cab_member', 'change_manager', 'implementer', 'admin'],
  scope: 'changes:write',
}
/** Freezes and windows bind everyone's changes: only change managers and admins define them. */
const RULE_WRITE: RouteAccess = { roles: ['change_manager', 'admin'], scope: 'changes:write' }
/** Anyone signed in with a session may have a feed; its token is the only credential the feed takes. */
const SELF: RouteAccess = { roles: 'any' }

export interface ScheduleRoutesDeps {
  rules: RulesService
  conflicts: ReturnType<typeof createConflictsService>
  calendar: CalendarService
  clock: Clock
}

const baseUrlOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`

export async function registerScheduleRoutes(app: FastifyInstance, deps: ScheduleRoutesDeps) {
  const { rules, conflicts, calendar, clock } = deps
  const api = app.withTypeProvider<ZodTypeProvider>()

  for (const kind of ScheduleRuleKind.options) {
    const base = `/api/v1/schedule/${kind === 'freeze' ? 'freezes' : 'windows'}`
    const noun = kind === 'freeze' ? 'Freeze' : 'Window'
    api.get(
      base,
      {
        config: { access: READ },
        schema: { operationId: `list${noun}s`, tags: ['schedule'], response: responses({ 200: ScheduleRuleList }) },
      },
      async (request) => ({ items: await rules.list(contextOf(request, clock), kind) }),
    )
    api.post(
      base,
      {
        config: { access: RULE_WRITE },
        schema: {
          operationId: `create${noun}`,
          tags: ['schedule'],
          body: ScheduleRuleBody,
          response: responses({ 201: ScheduleRuleView }),
        },
      },
      async (request, reply) =>
        reply.status(201).send(await rules.create(contextOf(request, clock), kind, request.body)),
    )
    api.get(
      `${base}/:id`,
      {
        config: { access: READ },
        schema: {
          operationId: `get${noun}`,
          tags: ['schedule'],
          params: IdParams,
          response: responses({ 200: ScheduleRuleView }),
        },
      },
      async (request) => rules.get(contextOf(request, clock), kind, request.params.id),
    )
    api.patch(
      `${base}/:id`,
      {
        config: { access: RULE_WRITE },
        schema: {
          operationId: `update${noun}`,
          tags: ['schedule'],
          params: IdParams,
          body: ScheduleRulePatch,
          response: responses({ 200: ScheduleRuleView }),
        },
      },
      async (request) => rules.update(contextOf(request, clock), kind, request.params.id, request.body),
    )
    api.delete(
      `${base}/:id`,
      {
        config: { access: RULE_WRITE },
        schema: {
          operationId: `delete${noun}`,
          tags: ['schedule'],
          params: IdParams,
          querystring: z.object({ version: z.coerce.number().pipe(Version) }),
          response: responses({ 204: z.null() }),
        },
      },
      async (request, reply) => {
        await rules.remove(contextOf(request, clock), kind, request.params.id, request.query.version)
        return reply.status(204).send(null)
      },
    )
  }

  api.get(
    '/api/v1/changes/:id/conflicts',
    {
      config: { access: READ },
      schema: {
        operationId: 'getChangeConflicts',
        tags: ['schedule'],
        params: ChangeRefParams,
        response: responses({ 200: ChangeConflicts }),
      },
    },
    async (request) => conflicts.forChange(request.params.id),
  )

  api.put(
    '/api/v1/changes/:id/schedule-options',
    {
      config: { access: CHANGE_WRITE },
      schema: {
        operationId: 'setChangeScheduleOptions',
        tags: ['schedule'],
        params: IdParams,
        body: ScheduleOptionsBody,
        response: responses({ 204: z.null() }),
      },
    },
    async (request, reply) => {
      await conflicts.setCompatible(
        contextOf(request, clock),
        request.params.id,
        request.body.compatible,
        request.body.version,
      )
      return reply.status(204).send(null)
    },
  )

  api.post(
    '/api/v1/schedule/conflicts/preview',
    {
      config: { access: READ },
      schema: {
        operationId: 'previewConflicts',
        tags: ['schedule'],
        body: ConflictPreviewBody,
        response: responses({ 200: ConflictPreview }),
      },
    },
    async (request) => conflicts.preview(request.body),
  )

  api.post(
    '/api/v1/schedule/suggest',
    {
      config: { access: READ },
      schema: {
        operationId: 'suggestSlots',
        tags: ['schedule'],
        body: SuggestSlotsBody,
        response: responses({ 200: SuggestedSlots }),
      },
    },
    async (request) => conflicts.suggest(contextOf(request, clock), request.body),
  )

  api.get(
    '/api/v1/calendar',
    {
      config: { access: READ },
      schema: {
        operationId: 'getCalendar',
        tags: ['schedule'],
        querystring: CalendarQuery,
        response: responses({ 200: CalendarView }),
      },
    },
    async (request) => calendar.range(new Date(request.query.from), new Date(request.query.to)),
  )

  api.get(
    '/api/v1/calendar/feed',
    {
      config: { access: SELF },
      schema: { operationId: 'getCalendarFeed', tags: ['schedule'], response: responses({ 200: CalendarFeedStatus }) },
    },
    async (request) => calendar.feedStatus(contextOf(request, clock)),
  )
  api.post(
    '/api/v1/calendar/feed',
    {
      config: { access: SELF },
      schema: {
        operationId: 'issueCalendarFeed',
        tags: ['schedule'],
        response: responses({ 201: CalendarFeedCreated }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await calendar.issueFeed(contextOf(request, clock), baseUrlOf(request))),
  )
  api.delete(
    '/api/v1/calendar/feed',
    {
      config: { access: SELF },
      schema: { operationId: 'revokeCalendarFeed', tags: ['schedule'], response: responses({ 204: z.null() }) },
    },
    async (request, reply) => {
      await calendar.revokeFeed(contextOf(request, clock))
      return reply.status(204).send(null)
    },
  )
  // No session: calendar clients cannot sign in. The unguessable token in the path is the credential,
  // checked by the service (401 when it is not a live one).
  api.get(
    '/api/v1/calendar/feeds/:token',
    {
      config: { access: { public: true } },
      schema: { operationId: 'calendarFeed', tags: ['schedule'], params: CalendarFeedParams },
    },
    async (request, reply) => {
      const body = await calendar.feed(request.params.token, clock.now(), baseUrlOf(request))
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('cache-control', 'private, max-age=300')
        .send(body)
    },
  )
}
