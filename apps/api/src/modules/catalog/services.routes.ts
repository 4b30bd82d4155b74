// HTTP for business services: list, read, create, edit (with the version last read), delete.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { IdParams, ServiceBody, ServiceList, ServicePatch, ServiceView } from '@cabinet/contracts'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import { READ_ACCESS, WRITE_ACCESS } from './catalog.checks'
import type { ServicesService } from './services.service'

export async function registerServiceRoutes(app: FastifyInstance, deps: { services: ServicesService; clock: Clock }) {
  const { services, clock } = deps
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/services',
    {
      config: { access: READ_ACCESS },
      schema: { operationId: 'listServices', tags: ['catalog'], response: responses({ 200: ServiceList }) },
    },
    async () => ({ items: await services.list() }),
  )

  api.post(
    '/api/v1/services',
    {
      config: { access: WRITE_ACCESS },
      schema: {
        operationId: 'createService',
        tags: ['catalog'],
        body: ServiceBody,
        response: responses({ 201: ServiceView }),
      },
    },
    async (request, reply) => reply.status(201).send(await services.create(contextOf(request, clock), request.body)),
  )

  api.get(
    '/api/v1/services/:id',
    {
      config: { access: READ_ACCESS },
      schema: {
        operationId: 'getService',
        tags: ['catalog'],
        params: IdParams,
        response: responses({ 200: ServiceView }),
      },
    },
    async (request) => services.get(request.params.id),
  )

  api.patch(
    '/api/v1/services/:id',
    {
      config: { access: WRITE_ACCESS },
      schema: {
        operationId: 'updateService',
        tags: ['catalog'],
        params: IdParams,
        body: ServicePatch,
        response: responses({ 200: ServiceView }),
      },
    },
    async (request) => services.update(contextOf(request, clock), request.params.id, request.body),
  )

  api.delete(
    '/api/v1/services/:id',
    {
      config: { access: WRITE_ACCESS },
      schema: {
        operationId: 'deleteService',
        tags: ['catalog'],
        params: IdParams,
        response: responses({ 204: z.null() }),
      },
    },
    async (request, reply) => {
      await services.remove(contextOf(request, clock), request.params.id)
      return reply.status(204).send(null)
    },
  )
}
