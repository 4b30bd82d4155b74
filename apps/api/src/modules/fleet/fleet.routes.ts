// HTTP for the GPU fleet under /api/v1/fleet: probe now, the summary, the node table and detail,
// probe history and raw output, and drift review.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import {
  DriftListQuery,
  DriftPage,
  DriftReviewBody,
  DriftView,
  FleetNodeDetail,
  FleetNodeListQuery,
  FleetNodePage,
  FleetSummary,
  FleetSummaryQuery,
  IdParams,
  ProbeHistoryPage,
  ProbeHistoryQuery,
  ProbeIdParams,
  ProbeNowBody,
  ProbeNowResult,
  ProbeRaw,
} from '@cabinet/contracts'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import { FLEET_DRIFT_REVIEW, FLEET_PROBE, FLEET_READ } from './fleet.access'
import type { FleetService } from './fleet.service'
import type { FleetDriftService } from './fleet-drift.service'
import type { FleetNodesService } from './fleet-nodes.service'

export interface FleetRoutesDeps {
  fleet: FleetService
  nodes: FleetNodesService
  drift: FleetDriftService
  clock: Clock
}

export async function registerFleetRoutes(app: FastifyInstance, deps: FleetRoutesDeps) {
  const { fleet, nodes, drift, clock } = deps
  const api = app.withTypeProvider<ZodTypeProvider>()
  const tags = ['fleet']

  api.post(
    '/api/v1/fleet/probes',
    {
      config: { access: FLEET_PROBE },
      schema: {
        operationId: 'probeNodes',
        tags,
        description:
          'Queues one probe per node: name `nodeIds`, a `clusterId` or `all: true`. The same request from the same ' +
          'person within a minute returns the first request id and queues nothing.',
        body: ProbeNowBody,
        response: responses({ 202: ProbeNowResult }),
      },
    },
    async (request, reply) => reply.status(202).send(await fleet.probeNow(contextOf(request, clock), request.body)),
  )

  api.get(
    '/api/v1/fleet/summary',
    {
      config: { access: FLEET_READ },
      schema: {
        operationId: 'fleetSummary',
        tags,
        querystring: FleetSummaryQuery,
        response: responses({ 200: FleetSummary }),
      },
    },
    async (request) => fleet.summary(request.query),
  )

  api.get(
    '/api/v1/fleet/nodes',
    {
      config: { access: FLEET_READ },
      schema: {
        operationId: 'listFleetNodes',
        tags,
        querystring: FleetNodeListQuery,
        response: responses({ 200: FleetNodePage }),
      },
    },
    async (request) => nodes.list(request.query),
  )

  api.get(
    '/api/v1/fleet/nodes/:id',
    {
      config: { access: FLEET_READ },
      schema: {
        operationId: 'getFleetNode',
        tags,
        params: IdParams,
        response: responses({ 200: FleetNodeDetail }),
      },
    },
    async (request) => nodes.get(request.params.id),
  )

  api.get(
    '/api/v1/fleet/nodes/:id/probes',
    {
      config: { access: FLEET_READ },
      schema: {
        operationId: 'listNodeProbes',
        tags,
        params: IdParams,
        querystring: ProbeHistoryQuery,
        response: responses({ 200: ProbeHistoryPage }),
      },
    },
    async (request) => nodes.history(request.params.id, request.query),
  )

  api.get(
    '/api/v1/fleet/probes/:probeId/raw',
    {
      config: { access: FLEET_READ },
      schema: {
        operationId: 'getProbeRaw',
        tags,
        params: ProbeIdParams,
        response: responses({ 200: ProbeRaw }),
      },
    },
    async (request) => nodes.raw(request.params.probeId),
  )

  api.get(
    '/api/v1/fleet/drift',
    {
      config: { access: FLEET_READ },
      schema: {
        operationId: 'listDrift',
        tags,
        querystring: DriftListQuery,
        response: responses({ 200: DriftPage }),
      },
    },
    async (request) => drift.list(request.query),
  )

  api.post(
    '/api/v1/fleet/drift/:id/review',
    {
      config: { access: FLEET_DRIFT_REVIEW },
      schema: {
        operationId: 'reviewDrift',
        tags,
        params: IdParams,
        body: DriftReviewBody,
        response: responses({ 200: DriftView }),
      },
    },
    async (request) => drift.review(contextOf(request, clock), request.params.id, request.body),
  )
}
