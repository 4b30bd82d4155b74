// HTTP for GPU clusters: list (with node counts), read, create, edit (with the version last read), delete.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ClusterBody, ClusterList, ClusterPatch, ClusterView, IdParams } from '@cabinet/contracts'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import { READ_ACCESS, WRITE_ACCESS } from './catalog.checks'
import type { ClustersService } from './clusters.service'

export async function registerClusterRoutes(app: FastifyInstance, deps: { clusters: ClustersService; clock: Clock }) {
  const { clusters, clock } = deps
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/clusters',
    {
      config: { access: READ_ACCESS },
      schema: { operationId: 'listClusters', tags: ['catalog'], response: responses({ 200: ClusterList }) },
    },
    async () => ({ items: await clusters.list() }),
  )

  api.post(
    '/api/v1/clusters',
    {
      config: { access: WRITE_ACCESS },
      schema: {
        operationId: 'createCluster',
        tags: ['catalog'],
        body: ClusterBody,
        response: responses({ 201: ClusterView }),
      },
    },
    async (request, reply) => reply.status(201).send(await clusters.create(contextOf(request, clock), request.body)),
  )

  api.get(
    '/api/v1/clusters/:id',
    {
      config: { access: READ_ACCESS },
      schema: {
        operationId: 'getCluster',
        tags: ['catalog'],
        params: IdParams,
        response: responses({ 200: ClusterView }),
      },
    },
    async (request) => clusters.get(request.params.id),
  )

  api.patch(
    '/api/v1/clusters/:id',
    {
      config: { access: WRITE_ACCESS },
      schema: {
        operationId: 'updateCluster',
        tags: ['catalog'],
        params: IdParams,
        body: ClusterPatch,
        response: responses({ 200: ClusterView }),
      },
    },
    async (request) => clusters.update(contextOf(request, clock), request.params.id, request.body),
  )

  api.delete(
    '/api/v1/clusters/:id',
    {
      config: { access: WRITE_ACCESS },
      schema: {
        operationId: 'deleteCluster',
        tags: ['catalog'],
        params: IdParams,
        response: responses({ 204: z.null() }),
      },
    },
    async (request, reply) => {
      await clusters.remove(contextOf(request, clock), request.params.id)
      return reply.status(204).send(null)
    },
  )
}
