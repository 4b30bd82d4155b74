// Dependencies between configuration items ("from depends on to"): the graph impact analysis walks.
// Both ends must exist when an edge is made; an edge goes away with either of its items.
import type { z } from 'zod'
import type { DependencyBody, DependencyListQuery, DependencyView } from '@cabinet/contracts'
import type { Db, DbOrTx } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import { notFound } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import { throwIfAny, uniquely, unknownIds } from './catalog.checks'
import { namesOf } from './catalog.repository'

type DependencyInput = z.infer<typeof DependencyBody>
type DependencyQuery = z.infer<typeof DependencyListQuery>
type DependencyRow = Awaited<ReturnType<Db['dependency']['findFirstOrThrow']>>

async function viewsOf(db: DbOrTx, rows: DependencyRow[]): Promise<DependencyView[]> {
  const names = await namesOf(
    db,
    rows.flatMap((row) => [
      { kind: row.fromKind, id: row.fromId },
      { kind: row.toKind, id: row.toId },
    ]),
  )
  return rows.map((row) => ({
    id: row.id,
    fromKind: row.fromKind,
    fromId: row.fromId,
    fromName: names.get(`${row.fromKind}:${row.fromId}`) ?? null,
    toKind: row.toKind,
    toId: row.toId,
    toName: names.get(`${row.toKind}:${row.toId}`) ?? null,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
  }))
}

export function createDependenciesService({ db }: { db: Db }) {
  async function list(query: DependencyQuery): Promise<DependencyView[]> {
    const { itemKind, itemId } = query
    const from = { ...(itemKind ? { fromKind: itemKind } : {}), ...(itemId ? { fromId: itemId } : {}) }
    const to = { ...(itemKind ? { toKind: itemKind } : {}), ...(itemId ? { toId: itemId } : {}) }
    const rows = await db.dependency.findMany({
      where: itemKind || itemId ? { OR: [from, to] } : {},
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: query.limit,
    })
    return viewsOf(db, rows)
  }

  async function create(ctx: RequestContext, input: DependencyInput): Promise<DependencyView> {
    return uniquely('toId', 'is already a dependency of this item', () =>
      db.$transaction(async (tx) => {
        const issues = [
          ...(await unknownIds(tx, input.fromKind, 'fromId', input.fromId)),
          ...(await unknownIds(tx, input.toKind, 'toId', input.toId)),
        ]
        if (input.fromKind === input.toKind && input.fromId === input.toId) {
          issues.push({ path: 'toId', message: 'an item cannot depend on itself' })
        }
        throwIfAny(issues)
        const row = await tx.dependency.create({ data: input })
        const [view] = (await viewsOf(tx, [row])) as [DependencyView]
        await recordAudit(tx, ctx, {
          action: 'dependency.created',
          entityType: 'dependency',
          entityId: row.id,
          after: view,
        })
        return view
      }),
    )
  }

  async function remove(ctx: RequestContext, id: string): Promise<void> {
    await db.$transaction(async (tx) => {
      const row = await tx.dependency.findUnique({ where: { id } })
      if (!row) throw notFound('dependency', id)
      const [before] = await viewsOf(tx, [row])
      await tx.dependency.delete({ where: { id } })
      await recordAudit(tx, ctx, {
        action: 'dependency.deleted',
        entityType: 'dependency',
        entityId: id,
        before,
      })
    })
  }

  return { list, create, remove }
}

export type DependenciesService = ReturnType<typeof createDependenciesService>
