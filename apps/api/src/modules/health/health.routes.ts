// Liveness (the process answers) and readiness (Postgres and Redis answer) for load balancers.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { Liveness, Readiness } from '@cabinet/contracts'
import type { AppDeps } from '../../app'

/** A dependency that does not answer by then is down: a load balancer's probe must not hang. */
const PROBE_TIMEOUT_MS = 2_000

async function probe(check: () => Promise<unknown>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS)
  })
  try {
    await Promise.race([check(), timeout])
    return 'up'
  } catch {
    // A failed probe is the answer, not an error: readiness reports it as "down".
    return 'down'
  } finally {
    clearTimeout(timer)
  }
}

export async function registerHealthRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'db' | 'redis'>) {
  const api = app.withTypeProvider<ZodTypeProvider>()
  api.get(
    '/healthz',
    {
      config: { access: { public: true } },
      schema: { operationId: 'liveness', tags: ['health'], response: { 200: Liveness } },
    },
    async () => ({ status: 'ok' as const }),
  )
  api.get(
    '/readyz',
    {
      config: { access: { public: true } },
      schema: { operationId: 'readiness', tags: ['health'], response: { 200: Readiness, 503: Readiness } },
    },
    async (_request, reply) => {
      const [postgres, redis] = await Promise.all([
        probe(() => deps.db.$queryRaw`SELECT 1`),
        probe(() => deps.redis.ping()),
      ])
      const ready = postgres === 'up' && redis === 'up'
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'degraded', checks: { postgres, redis } })
    },
  )
}
