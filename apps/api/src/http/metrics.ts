// Prometheus metrics of the API at GET /metrics (outside /api, plain text): request latency by route
// pattern, method and status, job queue depths read at scrape time, and the process's own metrics.
// Access: with METRICS_TOKEN set, a bearer token; without it, loopback callers only (docs/metrics.md).
import type { FastifyInstance } from 'fastify'
import { timingSafeEqual } from 'node:crypto'
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import { JOB_QUEUES } from '@cabinet/contracts'
import type { JobProducer } from '@cabinet/queue'
import { AppError } from './errors'

export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const QUEUE_STATES = ['waiting', 'delayed', 'active', 'prioritized', 'failed'] as const
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

function sameToken(expected: string, header: string | undefined): boolean {
  const given = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined
  if (!given) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function installMetrics(
  app: FastifyInstance,
  deps: { jobs: Pick<JobProducer, 'counts'>; token: string | undefined },
) {
  // One registry per app, not prom-client's global one: tests build many apps in one process.
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'cabinet_api_' })
  const httpDuration = new Histogram({
    name: 'cabinet_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_DURATION_BUCKETS,
    registers: [registry],
  })
  new Gauge({
    name: 'cabinet_queue_jobs',
    help: 'Jobs in each BullMQ queue by state, read at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset()
      for (const queue of JOB_QUEUES) {
        try {
          const counts = await deps.jobs.counts(queue)
          for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state] ?? 0)
        } catch (error) {
          // A scrape with Redis down still reports latency; the missing series shows the outage.
          app.log.warn({ err: error, queue }, 'queue depth unavailable for /metrics')
        }
      }
    },
  })

  app.addHook('onResponse', async (request, reply) => {
    // The pattern (`/api/v1/changes/:id`), never the raw URL: one series per route, not per change.
    const route = request.routeOptions.url ?? 'unmatched'
    if (route === '/metrics') return
    httpDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    )
  })

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (deps.token) {
      if (!sameToken(deps.token, request.headers.authorization)) {
        throw new AppError('UNAUTHENTICATED', 'send the metrics token as a bearer token')
      }
    } else if (!LOOPBACK.has(request.ip)) {
      throw new AppError('FORBIDDEN', '/metrics answers loopback callers only unless METRICS_TOKEN is set')
    }
    const body = await registry.metrics()
    return reply.type(registry.contentType).send(body)
  })
  return { registry }
}
