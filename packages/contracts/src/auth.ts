// Sign-in, the signed-in user, and API tokens for machines.
import { z } from 'zod'
import { Id, Timestamp, requiredText } from './common'
import { Role } from './vocabulary'

export const LoginBody = z.object({
  email: z.email().max(254),
  password: z.string().min(1, 'must not be empty').max(1024),
})
export const UserView = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  roles: z.array(Role),
})
export type UserView = z.infer<typeof UserView>

/** The CSRF token must be echoed in the `x-csrf-token` header of every cookie-authenticated mutation. */
export const SessionView = z.object({ user: UserView, csrfToken: z.string() })
export type SessionView = z.infer<typeof SessionView>

export const TokenScope = z.enum(['changes:read', 'changes:write', 'catalog:read', 'catalog:write'])
export type TokenScope = z.infer<typeof TokenScope>
export const CreateTokenBody = z.object({
  name: requiredText(100),
  scopes: z.array(TokenScope).min(1).max(TokenScope.options.length),
  expiresInDays: z.number().int().min(1).max(365).default(90),
})
export type CreateTokenBody = z.input<typeof CreateTokenBody>
export const TokenView = z.object({
  id: Id,
  name: z.string(),
  scopes: z.array(TokenScope),
  prefix: z.string(),
  expiresAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  createdAt: Timestamp,
})
export type TokenView = z.infer<typeof TokenView>
/** Returned once at creation: the secret is never stored, only its hash. */
export const CreatedToken = TokenView.extend({ token: z.string() })

export const UserListQuery = z.object({ role: Role.optional() })
export const UserList = z.object({ items: z.array(UserView) })
