// Sign-in, sessions and API tokens: who the caller is. Authorisation (roles, scopes, CSRF) is in http/access.ts.
import type { FastifyRequest } from 'fastify'
import type { CreateTokenBody, SessionView, TokenScope, TokenView } from '@cabinet/contracts'
import { appendAuditEvent, type Db, type Role } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import type { Principal, PrincipalResolver } from '../../http/access'
import { AppError, notFound } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import type { Clock } from '../../infra/clock'
import { verifyPassword } from './passwords'
import { digest, newApiToken, randomSecret } from './secrets'

export const SESSION_COOKIE = 'cabinet_session'
/** lastSeenAt / lastUsedAt are written at most this often, so reading a session is not a write. */
const TOUCH_INTERVAL_MS = 5 * 60_000

export interface AuthServiceDeps {
  db: Db
  clock: Clock
  sessionTtlHours: number
}

interface SessionRow {
  id: string
  csrfToken: string
  expiresAt: Date
  lastSeenAt: Date
  reauthenticatedAt: Date
  userId: string
  name: string
  email: string
  roles: Role[]
  disabled: boolean
}

export interface LoginInput {
  email: string
  password: string
  ip: string
  userAgent: string | undefined
  requestId: string
}

export function createAuthService({ db, clock, sessionTtlHours }: AuthServiceDeps) {
  const sessionTtlMs = sessionTtlHours * 3_600_000

  async function login(input: LoginInput): Promise<{ cookieSecret: string; expiresAt: Date; session: SessionView }> {
    const email = input.email.trim().toLowerCase()
    const user = await db.user.findUnique({ where: { email } })
    const valid = await verifyPassword(user && !user.disabled ? user.passwordHash : null, input.password)
    if (!user || user.disabled || !valid) throw new AppError('INVALID_CREDENTIALS', 'wrong email or password')
    const now = clock.now()
    const cookieSecret = randomSecret()
    const csrfToken = randomSecret()
    const expiresAt = new Date(now.getTime() + sessionTtlMs)
    await db.$transaction(async (tx) => {
      const session = await tx.session.create({
        data: {
          tokenHash: digest(cookieSecret),
          csrfToken,
          userId: user.id,
          createdAt: now,
          expiresAt,
          lastSeenAt: now,
          reauthenticatedAt: now,
          ip: input.ip,
          userAgent: input.userAgent?.slice(0, 500) ?? null,
        },
      })
      await appendAuditEvent(tx, {
        actor: { id: user.id, name: user.name },
        action: 'user.signed_in',
        entityType: 'session',
        entityId: session.id,
        after: { ip: input.ip },
        requestId: input.requestId,
        at: now,
      })
    })
    return {
      cookieSecret,
      expiresAt,
      session: { user: { id: user.id, email: user.email, name: user.name, roles: user.roles }, csrfToken },
    }
  }

  async function logout(principal: Principal, requestId: string): Promise<void> {
    if (principal.kind !== 'session') return
    await db.$transaction(async (tx) => {
      await tx.session.deleteMany({ where: { id: principal.credentialId } })
      await appendAuditEvent(tx, {
        actor: { id: principal.userId, name: principal.name },
        action: 'user.signed_out',
        entityType: 'session',
        entityId: principal.credentialId,
        requestId,
        at: clock.now(),
      })
    })
  }

  /**
   * Confirms the password of the signed-in person and records when, for decisions that need a fresh
   * one (high and critical risk approvals). A wrong password is a 401 like a failed sign-in.
   */
  async function reauthenticate(principal: Principal, password: string, requestId: string): Promise<Date> {
    if (principal.kind !== 'session') {
      throw new AppError('FORBIDDEN', 're-authentication is for signed-in sessions, not API tokens')
    }
    const user = await db.user.findUnique({ where: { id: principal.userId } })
    const valid = await verifyPassword(user && !user.disabled ? user.passwordHash : null, password)
    if (!user || user.disabled || !valid) throw new AppError('INVALID_CREDENTIALS', 'wrong password')
    const now = clock.now()
    await db.$transaction(async (tx) => {
      await tx.session.update({ where: { id: principal.credentialId }, data: { reauthenticatedAt: now } })
      await appendAuditEvent(tx, {
        actor: { id: user.id, name: user.name },
        action: 'user.reauthenticated',
        entityType: 'session',
        entityId: principal.credentialId,
        requestId,
        at: now,
      })
    })
    return now
  }

  async function resolveSession(cookieSecret: string): Promise<Principal | null> {
    const now = clock.now()
    // Every cookie request runs this: one joined query, not the two an ORM include makes.
    const [session] = await db.$queryRaw<SessionRow[]>`
      SELECT s.id, s.csrf_token AS "csrfToken", s.expires_at AS "expiresAt", s.last_seen_at AS "lastSeenAt",
             s.reauthenticated_at AS "reauthenticatedAt", u.id AS "userId", u.name, u.email,
             u.roles::text[] AS roles, u.disabled
        FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = ${digest(cookieSecret)}`
    if (!session || session.expiresAt <= now || session.disabled) return null
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      await db.session.update({ where: { id: session.id }, data: { lastSeenAt: now } })
    }
    return {
      kind: 'session',
      userId: session.userId,
      name: session.name,
      email: session.email,
      roles: session.roles,
      credentialId: session.id,
      csrfToken: session.csrfToken,
      scopes: null,
      reauthenticatedAt: session.reauthenticatedAt,
    }
  }

  async function resolveToken(token: string): Promise<Principal | null> {
    const now = clock.now()
    const apiToken = await db.apiToken.findUnique({ where: { tokenHash: digest(token) }, include: { user: true } })
    if (!apiToken || apiToken.revokedAt || apiToken.expiresAt <= now || apiToken.user.disabled) return null
    if (!apiToken.lastUsedAt || now.getTime() - apiToken.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await db.apiToken.update({ where: { id: apiToken.id }, data: { lastUsedAt: now } })
    }
    return {
      kind: 'token',
      userId: apiToken.user.id,
      name: apiToken.user.name,
      email: apiToken.user.email,
      roles: apiToken.user.roles,
      credentialId: apiToken.id,
      csrfToken: null,
      scopes: apiToken.scopes as TokenScope[],
      reauthenticatedAt: null,
    }
  }

  const resolver: PrincipalResolver = {
    async resolve(request: FastifyRequest) {
      const authorization = request.headers.authorization
      if (authorization?.startsWith('Bearer ')) return resolveToken(authorization.slice('Bearer '.length).trim())
      const cookie = request.cookies[SESSION_COOKIE]
      return cookie ? resolveSession(cookie) : null
    },
  }

  function tokenView(token: {
    id: string
    name: string
    scopes: string[]
    prefix: string
    expiresAt: Date
    lastUsedAt: Date | null
    createdAt: Date
  }): TokenView {
    return {
      id: token.id,
      name: token.name,
      scopes: token.scopes as TokenScope[],
      prefix: token.prefix,
      expiresAt: token.expiresAt.toISOString(),
      lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
      createdAt: token.createdAt.toISOString(),
    }
  }

  async function createToken(ctx: RequestContext, body: CreateTokenBody) {
    const { token, prefix } = newApiToken()
    const expiresAt = new Date(ctx.now.getTime() + (body.expiresInDays ?? 90) * 86_400_000)
    const created = await db.$transaction(async (tx) => {
      const row = await tx.apiToken.create({
        data: {
          userId: ctx.actor.id,
          name: body.name,
          prefix,
          tokenHash: digest(token),
          scopes: body.scopes,
          expiresAt,
        },
      })
      await recordAudit(tx, ctx, {
        action: 'api_token.created',
        entityType: 'api_token',
        entityId: row.id,
        after: { name: row.name, prefix, scopes: row.scopes, expiresAt },
      })
      return row
    })
    return { ...tokenView(created), token }
  }

  async function listTokens(ctx: RequestContext) {
    const rows = await db.apiToken.findMany({
      where: { userId: ctx.actor.id, revokedAt: null },
      orderBy: { createdAt: 'desc' },
    })
    return rows.map(tokenView)
  }

  async function revokeToken(ctx: RequestContext, tokenId: string) {
    await db.$transaction(async (tx) => {
      const revoked = await tx.apiToken.updateMany({
        where: { id: tokenId, userId: ctx.actor.id, revokedAt: null },
        data: { revokedAt: ctx.now },
      })
      if (revoked.count !== 1) throw notFound('API token', tokenId)
      await recordAudit(tx, ctx, {
        action: 'api_token.revoked',
        entityType: 'api_token',
        entityId: tokenId,
      })
    })
  }

  async function listUsers(role: Role | undefined) {
    const users = await db.user.findMany({
      where: { disabled: false, ...(role ? { roles: { has: role } } : {}) },
      orderBy: { name: 'asc' },
      take: 1000,
    })
    return users.map((user) => ({ id: user.id, email: user.email, name: user.name, roles: user.roles }))
  }

  return { login, logout, reauthenticate, resolver, createToken, listTokens, revokeToken, listUsers }
}

export type AuthService = ReturnType<typeof createAuthService>
