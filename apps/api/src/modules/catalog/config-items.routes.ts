// HTTP for configuration items as one set (the affected-items picker) and the dependencies between them.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  ConfigItemResolveBody,
  ConfigItemResolveResult,
  ConfigItemSearchQuery,
  ConfigItemSearchResult,
  DependencyBody,
  DependencyList,
  DependencyListQuery,
  DependencyView,
  IdParams,
} from '@cabinet/contracts'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import { READ_ACCESS, WRITE_ACCESS } from './catalog.checks'
import type { ConfigItemService } from './config-items.service'
import type { DependenciesService } from './dependencies.service'

export interface ConfigItemRoutesDeps {
  configItems: ConfigItemService
  dependencies: DependenciesService
  clock: Clock
}

export async function registerConfigItemRoutes(app: FastifyInstance, deps: ConfigItemRoutesDeps) {
  const { configItems, dependencies, clock } = deps
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/config-items/search',
    {
      config: { access: READ_ACCESS },
      schema: {
        operationId: 'searchConfigItems',
        tags: ['catalog'],
        querystring: ConfigItemSearchQuery,
        response: responses({ 200: ConfigItemSearchResult }),
      },
    },
    async (request) => configItems.search(request.query),
  )

  // A read that takes a body (up to 5,000 references do not fit in a query string).
  api.post(
    '/api/v1/config-items/resolve',
    {
      config: { access: READ_ACCESS },
      schema: {
        operationId: 'resolveConfigItems',
        tags: ['catalog'],
        body: ConfigItemResolveBody,
        response: responses({ 200: ConfigItemResolveResult }),
      },
    },
    async (request) => ({ items: await configItems.resolve(request.body.items, 'items') }),
  )

  api.get(
    '/api/v1/dependencies',
    {
      config: { access: READ_ACCESS },
      schema: {
        operationId: 'listDependencies',
        tags: ['catalog'],
        querystring: DependencyListQuery,
        response: responses({ 200: DependencyList }),
      },
    },
    async (request) => ({ items: await dependencies.list(request.query) }),
  )

  api.post(
    '/api/v1/dependencies',
    {
      config: { access: WRITE_ACCESS },
      schema: {
        operationId: 'createDependency',
        tags: ['catalog'],
        body: DependencyBody,
        response: responses({ 201: DependencyView }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await dependencies.create(contextOf(request, clock), request.body)),
  )

  api.delete(
    '/api/v1/dependencies/:id',
    {
      config: { access: WRITE_ACCESS },
      schema: {
        operationId: 'deleteDependency',
        tags: ['catalog'],
        params: IdParams,
        response: responses({ 204: z.null() }),
      },
    },
    async (request, reply) => {
      await dependencies.remove(contextOf(request, clock), request.params.id)
      return reply.status(204).send(null)
    },
  )
}
