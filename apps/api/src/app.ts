// The composition root: builds the Fastify app from its dependencies and lists the modules.
// Modules wire their own internals; nothing here knows how a change or a node is stored.
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { Redis } from 'ioredis'
import { randomUUID } from 'node:crypto'
import type { Db } from '@cabinet/db'
import type { JobProducer } from '@cabinet/queue'
import type { ApiConfig } from './config/env'
import { installAccessControl } from './http/access'
import { installErrorHandler } from './http/error-handler'
import { registerOpenApi } from './http/openapi'
import { registerConsole } from './http/console'
import { installMetrics } from './http/metrics'
import type { Clock } from './infra/clock'
import { registerApprovalsModule } from './modules/approvals/approvals.module'
import { registerAuditModule } from './modules/audit/audit.module'
import { registerAuthModule } from './modules/auth/auth.module'
import { registerCatalogModule } from './modules/catalog/catalog.module'
import { registerFleetModule } from './modules/fleet/fleet.module'
import { createChangeHooks } from './modules/changes/change-hooks'
import { registerChangesModule } from './modules/changes/changes.module'
import { registerHealthRoutes } from './modules/health/health.routes'
import { registerGateModule } from './modules/gate/gate.module'
import { registerKpisModule } from './modules/kpis/kpis.module'
import { registerNotificationsModule } from './modules/notifications/notifications.module'
import { registerMeetingsModule } from './modules/meetings/meetings.module'
import { registerReviewsModule } from './modules/reviews/reviews.module'
import { registerScheduleModule } from './modules/schedule/schedule.module'
import { registerTemplatesModule } from './modules/templates/templates.module'

export interface AppDeps {
  config: ApiConfig
  db: Db
  redis: Redis
  clock: Clock
  logger: FastifyBaseLogger
  /** Enqueues the catalog's jobs; services call it after their transaction commits. */
  jobs: JobProducer
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id']
      return typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID()
    },
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      // Probes hit these every few seconds; logging them drowns the requests that matter.
      disableRequestLogging: (request) =>
        config.NODE_ENV === 'test' || request.url === '/healthz' || request.url === '/readyz',
    }),
    trustProxy: false,
  })
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  // The API speaks JSON: a text/plain body is refused as 415 here rather than parsed into a string
  // that fails validation as a 400. (Modules that take another type, like CSV, add its parser.)
  app.removeContentTypeParser('text/plain')
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  installErrorHandler(app)

  await app.register(cookie)
  await app.register(rateLimit, {
    global: false,
    redis: deps.redis,
    nameSpace: `${config.REDIS_PREFIX}:rate-limit:`,
    // Rate-limit errors go through the one error handler like everything else.
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`too many attempts: try again in ${Math.ceil(context.ttl / 1000)} s`), {
        statusCode: 429,
      }),
  })
  await registerOpenApi(app)
  installMetrics(app, { jobs: deps.jobs, token: config.METRICS_TOKEN })

  const auth = await registerAuthModule(app, deps)
  installAccessControl(app, auth.resolver)
  await registerHealthRoutes(app, deps)
  await registerCatalogModule(app, deps)
  await registerFleetModule(app, deps)
  // Modules that take part in a change's lifecycle (approvals, schedule, reviews) register here.
  const changeHooks = createChangeHooks()
  await registerReviewsModule(app, { ...deps, changeHooks })
  await registerKpisModule(app, deps)
  await registerScheduleModule(app, { ...deps, changeHooks })
  const changeServices = await registerChangesModule(app, { ...deps, changeHooks })
  await registerApprovalsModule(app, { ...deps, changeHooks, ...changeServices })
  const notifications = await registerNotificationsModule(app, { ...deps, changeHooks })
  await registerGateModule(app, { ...deps, changeHooks, ...notifications })
  await registerTemplatesModule(app, { ...deps, ...changeServices })
  await registerMeetingsModule(app, { ...deps, ...changeServices })
  await registerAuditModule(app, deps)

  await registerConsole(app, config.WEB_DIST_DIR)
  return app
}
