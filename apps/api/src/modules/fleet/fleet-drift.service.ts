// Drift records ("unauthorized changes"): the list by status, newest detection first, and the review
// that accepts or resolves one, version-checked and audited in the same transaction.
import type { z } from 'zod'
import type { DriftListQuery, DriftPage, DriftReviewBody, DriftView } from '@cabinet/contracts'
import type { Db } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import { AppError, notFound, staleVersion } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import { decodeTimeCursor, driftInclude, encodeCursor, toDriftView } from './fleet.views'

type ListQuery = z.output<typeof DriftListQuery>
type Review = z.output<typeof DriftReviewBody>

export function createFleetDriftService({ db }: { db: Db }) {
  async function list(query: ListQuery): Promise<DriftPage> {
    const after = query.cursor ? decodeTimeCursor(query.cursor) : null
    const rows = await db.fleetDrift.findMany({
      where: {
        status: query.status,
        ...(query.nodeId ? { nodeId: query.nodeId } : {}),
        ...(query.clusterId ? { node: { clusterId: query.clusterId } } : {}),
        ...(after ? { OR: [{ detectedAt: { lt: after.at } }, { detectedAt: after.at, id: { lt: after.id } }] } : {}),
      },
      include: driftInclude,
      orderBy: [{ detectedAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    })
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    return {
      items: page.map(toDriftView),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.detectedAt.toISOString(), last.id) : null,
    }
  }

  async function review(ctx: RequestContext, id: string, body: Review): Promise<DriftView> {
    return db.$transaction(async (tx) => {
      const before = await tx.fleetDrift.findUnique({ where: { id }, include: driftInclude })
      if (!before) throw notFound('drift record', id)
      if (before.version !== body.version) throw staleVersion(`drift record ${id}`)
      if (before.status !== 'open') {
        throw new AppError('TRANSITION_REFUSED', `drift record ${id} was already ${before.status}`, {
          details: { reason: 'DRIFT_ALREADY_REVIEWED', status: before.status },
        })
      }
      // The version and the open status are re-checked by the write itself: a racing review counts 0.
      const updated = await tx.fleetDrift.updateMany({
        where: { id, version: body.version, status: 'open' },
        data: {
          status: body.status,
          note: body.note,
          reviewedById: ctx.actor.id,
          reviewedByName: ctx.actor.name,
          reviewedAt: ctx.now,
          version: { increment: 1 },
        },
      })
      if (updated.count !== 1) throw staleVersion(`drift record ${id}`)
      const openDrift = await tx.fleetDrift.count({ where: { nodeId: before.nodeId, status: 'open' } })
      await tx.fleetNodeState.updateMany({ where: { nodeId: before.nodeId }, data: { openDrift } })
      const after = toDriftView(await tx.fleetDrift.findUniqueOrThrow({ where: { id }, include: driftInclude }))
      await recordAudit(tx, ctx, {
        action: `fleet.drift.${body.status}`,
        entityType: 'fleet_drift',
        entityId: id,
        changeId: before.expectedChangeId,
        before: toDriftView(before),
        after,
      })
      return after
    })
  }

  return { list, review }
}

export type FleetDriftService = ReturnType<typeof createFleetDriftService>
