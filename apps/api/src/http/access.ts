// Who may call what. Every /api route declares `config.access`; a route without one fails at
// start-up, so no route can be added without an explicit decision about its callers.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { timingSafeEqual } from 'node:crypto'
import type { Role, TokenScope } from '@cabinet/contracts'
import { AppError } from './errors'

export type RouteAccess =
  | { public: true }
  | {
      /** Any of these roles may call; `'any'` means any signed-in user. */
      roles: readonly Role[] | 'any'
      /** The scope an API token needs; people with a session are checked by role only. */
      scope?: TokenScope
    }

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess
  }
  interface FastifyRequest {
    principal: Principal | null
  }
}

export interface Principal {
  kind: 'session' | 'token'
  userId: string
  name: string
  email: string
  roles: Role[]
  /** Session id (cookie) or token id (bearer). */
  credentialId: string
  csrfToken: string | null
  scopes: TokenScope[] | null
  reauthenticatedAt: Date | null
}

export interface PrincipalResolver {
  /** Resolves the caller from a cookie or bearer token; null when neither is present or valid. */
  resolve(request: FastifyRequest): Promise<Principal | null>
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

function sameSecret(expected: string, given: string | undefined): boolean {
  if (!given) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('UNAUTHENTICATED', 'sign in first')
  return request.principal
}

export function installAccessControl(app: FastifyInstance, resolver: PrincipalResolver) {
  app.decorateRequest('principal', null)

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return
    if (!route.config?.access) throw new Error(`route ${route.method} ${route.url} declares no config.access`)
  })

  // onRequest, before the body is read or validated: a caller who may not call the route learns
  // nothing from it (not even its schema's complaints) and costs no body parsing.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access
    if (!access || 'public' in access) return
    const principal = await resolver.resolve(request)
    if (!principal) throw new AppError('UNAUTHENTICATED', 'sign in first, or send an API token as a bearer token')
    request.principal = principal
    if (principal.kind === 'session' && !SAFE_METHODS.has(request.method)) {
      const header = request.headers['x-csrf-token']
      if (!principal.csrfToken || !sameSecret(principal.csrfToken, typeof header === 'string' ? header : undefined)) {
        throw new AppError('CSRF_TOKEN_INVALID', 'missing or wrong x-csrf-token header')
      }
    }
    if (principal.kind === 'token' && access.scope && !principal.scopes?.includes(access.scope)) {
      throw new AppError('FORBIDDEN', `this API token lacks the scope ${access.scope}`)
    }
    if (access.roles !== 'any' && !principal.roles.some((role) => access.roles.includes(role))) {
      throw new AppError('FORBIDDEN', `this needs one of the roles: ${access.roles.join(', ')}`)
    }
  })
}
