// What a use case needs to know about the caller: who, which request, and when.
import type { FastifyRequest } from 'fastify'
import type { Role } from '@cabinet/contracts'
import type { AuditActor } from '@cabinet/db'
import type { Clock } from '../infra/clock'
import { requirePrincipal } from './access'

export interface RequestContext {
  actor: AuditActor & { id: string; roles: Role[]; email: string }
  requestId: string
  now: Date
  /** When the caller last entered a password (sessions only); gates high-risk decisions. */
  reauthenticatedAt: Date | null
}

export function contextOf(request: FastifyRequest, clock: Clock): RequestContext {
  const principal = requirePrincipal(request)
  return {
    actor: { id: principal.userId, name: principal.name, roles: principal.roles, email: principal.email },
    requestId: String(request.id),
    now: clock.now(),
    reauthenticatedAt: principal.reauthenticatedAt,
  }
}
