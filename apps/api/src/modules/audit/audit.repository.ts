// SQL for the audit trail: one filter shape for search and export (audit-export-sql.ts), keyset
// pages by seq.
import { type DbOrTx, Prisma } from '@cabinet/db'

export interface AuditFilter {
  from?: string | undefined
  to?: string | undefined
  actorId?: string | undefined
  entityType?: string | undefined
  entityId?: string | undefined
  action?: string | undefined
  /** The change's uuid, already resolved from a number. */
  changeId?: string | undefined
}

export const NO_MATCH_UUID = '00000000-0000-0000-0000-000000000000'

function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
}

export function whereOf(filter: AuditFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`TRUE`]
  if (filter.from) parts.push(Prisma.sql`at >= ${new Date(filter.from)}`)
  if (filter.to) parts.push(Prisma.sql`at <= ${new Date(filter.to)}`)
  if (filter.actorId) parts.push(Prisma.sql`actor_id = ${filter.actorId}::uuid`)
  if (filter.entityType) parts.push(Prisma.sql`entity_type = ${filter.entityType}`)
  if (filter.entityId) parts.push(Prisma.sql`entity_id = ${filter.entityId}`)
  if (filter.action?.endsWith('.*')) {
    parts.push(Prisma.sql`action LIKE ${likePrefix(filter.action.slice(0, -1))}`)
  } else if (filter.action) {
    parts.push(Prisma.sql`action = ${filter.action}`)
  }
  if (filter.changeId) parts.push(Prisma.sql`change_id = ${filter.changeId}::uuid`)
  return Prisma.join(parts, ' AND ')
}

export interface AuditRow {
  seq: bigint
  id: string
  at: Date
  actor_id: string | null
  actor_name: string
  action: string
  entity_type: string
  entity_id: string
  change_id: string | null
  before: unknown
  after: unknown
  request_id: string | null
  prev_hash: string
  hash: string
}

const ROW_COLUMNS = Prisma.sql`seq, id::text AS id, at, actor_id::text AS actor_id, actor_name, action, entity_type,
  entity_id, change_id::text AS change_id, before, after, request_id, prev_hash, hash`

/** Newest first; `beforeSeq` is the keyset cursor. */
export function searchAuditRows(db: DbOrTx, filter: AuditFilter, beforeSeq: bigint | null, limit: number) {
  const cursor = beforeSeq === null ? Prisma.sql`TRUE` : Prisma.sql`seq < ${beforeSeq}`
  return db.$queryRaw<AuditRow[]>`
    SELECT ${ROW_COLUMNS} FROM audit_events WHERE ${whereOf(filter)} AND ${cursor}
    ORDER BY seq DESC LIMIT ${limit}`
}

export function changeAuditRows(db: DbOrTx, changeId: string) {
  return db.$queryRaw<
    AuditRow[]
  >`SELECT ${ROW_COLUMNS} FROM audit_events WHERE change_id = ${changeId}::uuid ORDER BY seq`
}

export async function resolveChangeId(db: DbOrTx, ref: string): Promise<string | null> {
  const [row] = /^CHG\d+$/.test(ref)
    ? await db.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM change_requests WHERE number = ${ref}`
    : await db.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM change_requests WHERE id = ${ref}::uuid`
  return row?.id ?? null
}
