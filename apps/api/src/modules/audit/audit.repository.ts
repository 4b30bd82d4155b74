// SQL for the audit trail: one filter shape for search, export and counts, keyset pages by seq.
// Raw SQL because exports read text straight from Postgres (no Date or JSON round trip per row).
import { type BulkReader, type DbOrTx, Prisma } from '@cabinet/db'

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

/** One export row, every column already text as Postgres prints it (jsonb as its JSON text). */
export type ExportRow = [
  seq: string,
  id: string,
  at: string,
  actorId: string | null,
  actorName: string,
  action: string,
  entityType: string,
  entityId: string,
  changeId: string | null,
  before: string | null,
  after: string | null,
  requestId: string | null,
  prevHash: string,
  hash: string,
]

export const EXPORT_COLUMNS = [
  'seq',
  'id',
  'at',
  'actor_id',
  'actor_name',
  'action',
  'entity_type',
  'entity_id',
  'change_id',
  'before',
  'after',
  'request_id',
  'prev_hash',
  'hash',
] as const

/** The matching rows with afterSeq < seq <= throughSeq, in chain order, every column as text. */
export async function exportBatch(
  reader: BulkReader,
  filter: AuditFilter,
  afterSeq: bigint,
  throughSeq: bigint,
): Promise<ExportRow[]> {
  const query = Prisma.sql`
    SELECT seq::text, id::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           actor_id::text, actor_name, action, entity_type, entity_id, change_id::text,
           before::text, after::text, request_id, prev_hash, hash
    FROM audit_events
    WHERE seq > ${afterSeq} AND seq <= ${throughSeq} AND ${whereOf(filter)}
    -- The table's seq, not the text column of the same name the SELECT list makes (that sorts 10 before 9).
    ORDER BY audit_events.seq`
  return (await reader.rows({ text: query.text, values: query.values })) as ExportRow[]
}

export async function countAuditRows(db: DbOrTx, filter: AuditFilter, throughSeq: bigint): Promise<number> {
  const [row] = await db.$queryRaw<{ count: bigint }[]>`
    SELECT count(*) AS count FROM audit_events WHERE seq <= ${throughSeq} AND ${whereOf(filter)}`
  return Number(row?.count ?? 0n)
}

export async function chainHeadAt(db: DbOrTx, throughSeq: bigint | null) {
  const limit = throughSeq === null ? Prisma.sql`TRUE` : Prisma.sql`seq <= ${throughSeq}`
  const [row] = await db.$queryRaw<{ seq: bigint; hash: string }[]>`
    SELECT seq, hash FROM audit_events WHERE ${limit} ORDER BY seq DESC LIMIT 1`
  return row ? { seq: row.seq.toString(), hash: row.hash } : null
}

export async function resolveChangeId(db: DbOrTx, ref: string): Promise<string | null> {
  const [row] = /^CHG\d+$/.test(ref)
    ? await db.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM change_requests WHERE number = ${ref}`
    : await db.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM change_requests WHERE id = ${ref}::uuid`
  return row?.id ?? null
}
