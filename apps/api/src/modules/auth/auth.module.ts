// Registers sign-in, sessions, API tokens and the user directory; returns the principal resolver.
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../../app'
import { registerAuthRoutes } from './auth.routes'
import { createAuthService } from './auth.service'

export async function registerAuthModule(app: FastifyInstance, deps: Pick<AppDeps, 'db' | 'clock' | 'config'>) {
  const auth = createAuthService({ db: deps.db, clock: deps.clock, sessionTtlHours: deps.config.SESSION_TTL_HOURS })
  await registerAuthRoutes(app, {
    auth,
    clock: deps.clock,
    cookieSecure: deps.config.COOKIE_SECURE,
    loginRateLimitPerMinute: deps.config.LOGIN_RATE_LIMIT_PER_MINUTE,
  })
  return auth
}
