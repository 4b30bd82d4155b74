// Checks shared by the catalog's use cases: unknown references become a 400 naming the field,
// unique violations a 409 naming the field, and items named by a change cannot be deleted.
import type { ConfigItemKind, FieldIssue } from '@cabinet/contracts'
import { type DbOrTx, Prisma } from '@cabinet/db'
import { AppError, notFound, staleVersion } from '../../http/errors'
import { changesNaming, existingIds } from './catalog.repository'

export const READ_ACCESS = { roles: 'any', scope: 'catalog:read' } as const
export const WRITE_ACCESS = { roles: ['change_manager', 'admin'], scope: 'catalog:write' } as const
/** Implementers keep node inventories current, so they may import (but not hand-edit) nodes. */
export const IMPORT_ACCESS = { roles: ['change_manager', 'admin', 'implementer'], scope: 'catalog:write' } as const

export function validationFailed(issues: FieldIssue[]): AppError {
  return new AppError(
    'VALIDATION_FAILED',
    `invalid request: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
    {
      details: { issues },
    },
  )
}

/**
 * Issues for each id in `ids` that names no item of this kind; `path` is the request field
 * (`clusterId`) or, for a list, its prefix (`clusterIds` gives `clusterIds.2`).
 */
export async function unknownIds(
  db: DbOrTx,
  kind: ConfigItemKind | 'group',
  path: string,
  ids: string | readonly string[] | null | undefined,
): Promise<FieldIssue[]> {
  if (ids === null || ids === undefined) return []
  const list = typeof ids === 'string' ? [ids] : ids
  const found = await existingIds(db, kind, list)
  return list.flatMap((id, index) =>
    found.has(id)
      ? []
      : [{ path: typeof ids === 'string' ? path : `${path}.${index}`, message: `no ${kind} with id ${id}` }],
  )
}

export function throwIfAny(issues: FieldIssue[]): void {
  if (issues.length > 0) throw validationFailed(issues)
}

/**
 * Runs a write whose only unique constraint is on `field`, turning a violation into a 409 that
 * names it. Violations are caught rather than pre-checked: a pre-check races with other writers.
 */
export async function uniquely<T>(field: string, message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new AppError('ALREADY_EXISTS', `${field} ${message}`, {
        details: { issues: [{ path: field, message }] },
        cause: error,
      })
    }
    throw error
  }
}

export const taken = (value: string | undefined) => `"${value ?? ''}" is already taken`

/** Changes keep their affected items for the record, so an item a change names stays. */
export async function assertNotNamedByChanges(db: DbOrTx, kind: ConfigItemKind, id: string, label: string) {
  const numbers = await changesNaming(db, kind, id)
  if (numbers.length > 0) {
    throw new AppError('IN_USE', `${label} is an affected item of ${numbers.join(', ')}: it cannot be deleted`, {
      details: { changes: numbers },
    })
  }
}

/** After an `updateMany({ where: { id, version } })` that counted 0: gone (404) or changed (409). */
export async function missingOrStale(exists: () => Promise<number>, what: string, id: string): Promise<AppError> {
  return (await exists()) === 0 ? notFound(what, id) : staleVersion(`${what} ${id}`)
}
