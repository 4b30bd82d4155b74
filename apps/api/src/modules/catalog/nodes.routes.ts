// HTTP for GPU nodes: a paged list, one-node edits, and the bulk import (JSON or CSV).
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  IdParams,
  NodeBody,
  NodeImportJson,
  NodeImportResult,
  NodeListQuery,
  NodePage,
  NodePatch,
  NodeView,
} from '@cabinet/contracts'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import { IMPORT_ACCESS, READ_ACCESS, WRITE_ACCESS } from './catalog.checks'
import { parseNodeCsv } from './node-import.csv'
import type { NodeImportService } from './node-import.service'
import type { NodesService } from './nodes.service'

export interface NodeRoutesDeps {
  nodes: NodesService
  nodeImport: NodeImportService
  clock: Clock
}

export async function registerNodeRoutes(app: FastifyInstance, deps: NodeRoutesDeps) {
  const { nodes, nodeImport, clock } = deps
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/nodes',
    {
      config: { access: READ_ACCESS },
      schema: {
        operationId: 'listNodes',
        tags: ['catalog'],
        querystring: NodeListQuery,
        response: responses({ 200: NodePage }),
      },
    },
    async (request) => nodes.list(request.query),
  )

  api.post(
    '/api/v1/nodes',
    {
      config: { access: WRITE_ACCESS },
      schema: { operationId: 'createNode', tags: ['catalog'], body: NodeBody, response: responses({ 201: NodeView }) },
    },
    async (request, reply) => reply.status(201).send(await nodes.create(contextOf(request, clock), request.body)),
  )

  api.get(
    '/api/v1/nodes/:id',
    {
      config: { access: READ_ACCESS },
      schema: { operationId: 'getNode', tags: ['catalog'], params: IdParams, response: responses({ 200: NodeView }) },
    },
    async (request) => nodes.get(request.params.id),
  )

  api.patch(
    '/api/v1/nodes/:id',
    {
      config: { access: WRITE_ACCESS },
      schema: {
        operationId: 'updateNode',
        tags: ['catalog'],
        params: IdParams,
        body: NodePatch,
        response: responses({ 200: NodeView }),
      },
    },
    async (request) => nodes.update(contextOf(request, clock), request.params.id, request.body),
  )

  api.delete(
    '/api/v1/nodes/:id',
    {
      config: { access: WRITE_ACCESS },
      schema: {
        operationId: 'deleteNode',
        tags: ['catalog'],
        params: IdParams,
        response: responses({ 204: z.null() }),
      },
    },
    async (request, reply) => {
      await nodes.remove(contextOf(request, clock), request.params.id)
      return reply.status(204).send(null)
    },
  )

  // Its own plugin, so the CSV parser applies to this route only; it keeps the app's body limit.
  await app.register(async (scope) => {
    // Plain text would reach validation as a string; here it is an unsupported type (415), like XML.
    scope.removeContentTypeParser('text/plain')
    scope.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, { nodes: parseNodeCsv(body as string) })
      } catch (error) {
        done(error as Error, undefined)
      }
    })
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/nodes/import',
      {
        config: { access: IMPORT_ACCESS },
        schema: {
          operationId: 'importNodes',
          tags: ['catalog'],
          description:
            'Creates or updates nodes by hostname. Send `{ "nodes": [...] }` as JSON, or CSV (text/csv) whose header names ' +
            'the columns hostname, cluster, gpuModel, gpuCount, driverVersion, cudaVersion, firmwareVersion, transport, ' +
            'scheduler, address. Valid rows are written; invalid rows are listed in `errors` with their 1-based row number.',
          consumes: ['application/json', 'text/csv'],
          body: NodeImportJson,
          response: responses({ 200: NodeImportResult }),
        },
      },
      async (request) => nodeImport.importNodes(contextOf(request, clock), request.body.nodes),
    )
  })
}
