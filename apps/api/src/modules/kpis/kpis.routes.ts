// HTTP for change KPIs: the report as JSON, or as CSV with format=csv or at /api/v1/kpis.csv.
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { KpiQuery, KpiReport } from '@cabinet/contracts'
import type { RouteAccess } from '../../http/access'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import { type KpiService, reportCsv } from './kpis.service'

/** Everyone signed in reads KPIs, auditors included; tokens need changes:read. */
const READ: RouteAccess = { roles: 'any', scope: 'changes:read' }

function sendCsv(reply: FastifyReply, report: KpiReport) {
  const stamp = `${report.period.from.slice(0, 10)}_${report.period.to.slice(0, 10)}`
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="cabinet-kpis-${stamp}.csv"`)
    .send(reportCsv(report))
}

export async function registerKpiRoutes(app: FastifyInstance, { kpis, clock }: { kpis: KpiService; clock: Clock }) {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/kpis',
    {
      config: { access: READ },
      schema: {
        operationId: 'getKpis',
        tags: ['kpis'],
        querystring: KpiQuery,
        response: responses({ 200: z.union([KpiReport, z.string()]) }),
      },
    },
    async (request, reply) => {
      const report = await kpis.report(request.query, contextOf(request, clock).now)
      return request.query.format === 'csv' ? sendCsv(reply, report) : report
    },
  )

  api.get(
    '/api/v1/kpis.csv',
    {
      config: { access: READ },
      schema: {
        operationId: 'getKpisCsv',
        tags: ['kpis'],
        querystring: KpiQuery.omit({ format: true }),
        response: responses({ 200: z.string() }),
      },
    },
    async (request, reply) =>
      sendCsv(reply, await kpis.report({ ...request.query, format: 'csv' }, contextOf(request, clock).now)),
  )
}
