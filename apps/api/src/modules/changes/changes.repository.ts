// Prisma queries for change requests. Every function accepts the transaction it must run in.
import type { ChangeCategory, ChangeState, ChangeType, RiskLevel } from '@cabinet/contracts'
import type { DbOrTx, Prisma } from '@cabinet/db'

export const changeInclude = {
  requester: { select: { id: true, name: true, email: true } },
  implementer: { select: { id: true, name: true, email: true } },
  items: { select: { kind: true, itemId: true } },
  riskAssessments: { orderBy: { revision: 'desc' }, take: 1 },
  _count: { select: { items: true } },
} satisfies Prisma.ChangeRequestInclude

export type ChangeRow = Prisma.ChangeRequestGetPayload<{ include: typeof changeInclude }>

const summaryInclude = {
  requester: { select: { id: true, name: true, email: true } },
  _count: { select: { items: true } },
} satisfies Prisma.ChangeRequestInclude
export type ChangeSummaryRow = Prisma.ChangeRequestGetPayload<{ include: typeof summaryInclude }>

const CHANGE_NUMBER = /^CHG\d{7,}$/

export async function findChange(tx: DbOrTx, idOrNumber: string): Promise<ChangeRow | null> {
  const where = CHANGE_NUMBER.test(idOrNumber) ? { number: idOrNumber } : { id: idOrNumber }
  return tx.changeRequest.findUnique({ where, include: changeInclude })
}

/** CHG0000001: seven digits, growing past them rather than wrapping. */
export async function nextChangeNumber(tx: DbOrTx): Promise<string> {
  const [row] = await tx.$queryRaw<{ value: bigint }[]>`SELECT nextval('change_number_seq') AS value`
  return `CHG${String(row?.value ?? 0n).padStart(7, '0')}`
}

export interface ChangeFilter {
  states?: ChangeState[] | undefined
  types?: ChangeType[] | undefined
  categories?: ChangeCategory[] | undefined
  risks?: RiskLevel[] | undefined
  requesterId?: string | undefined
  text?: string | undefined
}

export interface ListCursor {
  createdAt: Date
  id: string
}

export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify({ c: cursor.createdAt.toISOString(), i: cursor.id })).toString('base64url')
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function decodeCursor(raw: string): ListCursor | null {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { c?: unknown; i?: unknown }
    // The id goes into a uuid comparison: anything else would fail in Postgres as a 500.
    if (typeof parsed.c !== 'string' || typeof parsed.i !== 'string' || !UUID.test(parsed.i)) return null
    const createdAt = new Date(parsed.c)
    // Only dates Postgres can hold: year 0 or 275760 would fail in the query as a 500.
    const year = createdAt.getUTCFullYear()
    return Number.isNaN(createdAt.getTime()) || year < 1 || year > 9999 ? null : { createdAt, id: parsed.i }
  } catch {
    // Any undecodable cursor is reported to the caller as an invalid cursor.
    return null
  }
}

/** Prisma's `contains` is a LIKE that does not escape: `%` and `_` in a search must match themselves. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, '\\$&')

/** Newest first, keyset-paginated on (createdAt, id) so pages stay stable while changes are added. */
export async function listChanges(tx: DbOrTx, filter: ChangeFilter, cursor: ListCursor | null, limit: number) {
  const where: Prisma.ChangeRequestWhereInput = {
    ...(filter.states?.length ? { state: { in: filter.states } } : {}),
    ...(filter.types?.length ? { type: { in: filter.types } } : {}),
    ...(filter.categories?.length ? { category: { in: filter.categories } } : {}),
    ...(filter.risks?.length ? { riskLevel: { in: filter.risks } } : {}),
    ...(filter.requesterId ? { requesterId: filter.requesterId } : {}),
    ...(filter.text
      ? {
          OR: [
            { title: { contains: likeLiteral(filter.text), mode: 'insensitive' } },
            { number: { contains: likeLiteral(filter.text.toUpperCase()) } },
          ],
        }
      : {}),
    ...(cursor
      ? {
          AND: [
            {
              OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }],
            },
          ],
        }
      : {}),
  }
  const rows = await tx.changeRequest.findMany({
    where,
    include: summaryInclude,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
  })
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return { rows: page, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null }
}

export async function changeTimeline(tx: DbOrTx, changeId: string) {
  return tx.auditEvent.findMany({ where: { changeId }, orderBy: { seq: 'asc' }, take: 1000 })
}
