// HTTP for sign-in, the current session, API tokens and the user directory.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  CreatedToken,
  CreateTokenBody,
  IdParams,
  LoginBody,
  ReauthenticateBody,
  ReauthenticatedView,
  SessionView,
  TokenView,
  UserList,
  UserListQuery,
} from '@cabinet/contracts'
import { requirePrincipal } from '../../http/access'
import { AppError } from '../../http/errors'
import { contextOf } from '../../http/request-context'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import { type AuthService, SESSION_COOKIE } from './auth.service'

export interface AuthRoutesDeps {
  auth: AuthService
  clock: Clock
  cookieSecure: boolean
  loginRateLimitPerMinute: number
}

/**
 * Tokens are managed from a signed-in session only: a leaked token must not mint more tokens that
 * outlive its revocation, nor list or revoke the user's other tokens.
 */
function sessionOnly(request: FastifyRequest) {
  if (requirePrincipal(request).kind !== 'session') {
    throw new AppError('FORBIDDEN', 'manage API tokens from a signed-in session, not with a token')
  }
}

function loginEmail(body: unknown): string {
  const email = (body as { email?: unknown } | undefined)?.email
  return typeof email === 'string' ? email.trim().toLowerCase() : ''
}

export async function registerAuthRoutes(app: FastifyInstance, deps: AuthRoutesDeps) {
  const { auth, clock } = deps
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.post(
    '/api/v1/auth/login',
    {
      config: {
        access: { public: true },
        // Counted per address and account after the body is parsed: one office behind a NAT does
        // not lock itself out, and guessing one account's password stays slow.
        rateLimit: {
          max: deps.loginRateLimitPerMinute,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (request) => `${request.ip}|${loginEmail(request.body)}`,
        },
      },
      schema: { operationId: 'login', tags: ['auth'], body: LoginBody, response: responses({ 200: SessionView }) },
    },
    async (request, reply) => {
      const result = await auth.login({
        email: request.body.email,
        password: request.body.password,
        ip: request.ip,
        userAgent: request.headers['user-agent'],
        requestId: String(request.id),
      })
      reply.setCookie(SESSION_COOKIE, result.cookieSecret, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.cookieSecure,
        expires: result.expiresAt,
      })
      return result.session
    },
  )

  api.post(
    '/api/v1/auth/logout',
    {
      config: { access: { roles: 'any' } },
      schema: { operationId: 'logout', tags: ['auth'], response: responses({ 204: z.null() }) },
    },
    async (request, reply) => {
      await auth.logout(requirePrincipal(request), String(request.id))
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.status(204).send(null)
    },
  )

  api.post(
    '/api/v1/auth/reauthenticate',
    {
      config: {
        access: { roles: 'any' },
        // Limited like sign-in, per address and account: a stolen session cannot guess the password fast.
        rateLimit: {
          max: deps.loginRateLimitPerMinute,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (request) => `reauth|${request.ip}|${request.principal?.userId ?? ''}`,
        },
      },
      schema: {
        operationId: 'reauthenticate',
        tags: ['auth'],
        body: ReauthenticateBody,
        response: responses({ 200: ReauthenticatedView }),
      },
    },
    async (request) => {
      const at = await auth.reauthenticate(requirePrincipal(request), request.body.password, String(request.id))
      return { reauthenticatedAt: at.toISOString() }
    },
  )

  api.get(
    '/api/v1/auth/me',
    {
      config: { access: { roles: 'any' } },
      schema: { operationId: 'getSession', tags: ['auth'], response: responses({ 200: SessionView }) },
    },
    async (request) => {
      const principal = requirePrincipal(request)
      if (principal.kind !== 'session' || !principal.csrfToken) {
        throw new AppError('FORBIDDEN', 'API tokens have no browser session')
      }
      return {
        user: { id: principal.userId, email: principal.email, name: principal.name, roles: principal.roles },
        csrfToken: principal.csrfToken,
      }
    },
  )

  api.get(
    '/api/v1/auth/tokens',
    {
      config: { access: { roles: 'any' } },
      schema: {
        operationId: 'listApiTokens',
        tags: ['auth'],
        response: responses({ 200: z.object({ items: z.array(TokenView) }) }),
      },
    },
    async (request) => {
      sessionOnly(request)
      return { items: await auth.listTokens(contextOf(request, clock)) }
    },
  )

  api.post(
    '/api/v1/auth/tokens',
    {
      config: { access: { roles: 'any' } },
      schema: {
        operationId: 'createApiToken',
        tags: ['auth'],
        body: CreateTokenBody,
        response: responses({ 201: CreatedToken }),
      },
    },
    async (request, reply) => {
      sessionOnly(request)
      return reply.status(201).send(await auth.createToken(contextOf(request, clock), request.body))
    },
  )

  api.delete(
    '/api/v1/auth/tokens/:id',
    {
      config: { access: { roles: 'any' } },
      schema: {
        operationId: 'revokeApiToken',
        tags: ['auth'],
        params: IdParams,
        response: responses({ 204: z.null() }),
      },
    },
    async (request, reply) => {
      sessionOnly(request)
      await auth.revokeToken(contextOf(request, clock), request.params.id)
      return reply.status(204).send(null)
    },
  )

  api.get(
    '/api/v1/users',
    {
      config: { access: { roles: 'any', scope: 'catalog:read' } },
      schema: {
        operationId: 'listUsers',
        tags: ['users'],
        querystring: UserListQuery,
        response: responses({ 200: UserList }),
      },
    },
    async (request) => ({ items: await auth.listUsers(request.query.role) }),
  )
}
