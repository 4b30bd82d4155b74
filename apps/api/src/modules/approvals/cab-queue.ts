// The CAB review queue: open stages of changes awaiting authorization, by default those the caller
// may decide now, riskiest and soonest first.
import type { z } from 'zod'
import type { CabQueue, CabQueueQuery, RiskLevel } from '@cabinet/contracts'
import type { Db, Prisma } from '@cabinet/db'
import type { RequestContext } from '../../http/request-context'
import { toChangeSummary } from '../changes/change-views'
import { stageInclude } from './approvals.repository'
import { countsFor, refusalFor } from './approvals.views'

type QueueQuery = z.infer<typeof CabQueueQuery>
const RISK_ORDER: Record<RiskLevel, number> = { critical: 0, high: 1, moderate: 2, low: 3 }

/** Open stages of changes awaiting authorization: by default those the caller may decide now. */
export async function cabQueue(db: Db, ctx: RequestContext, query: QueueQuery): Promise<z.infer<typeof CabQueue>> {
  const changeWhere: Prisma.ChangeRequestWhereInput = {
    // A break-fix emergency change awaits its retroactive approval while it is implemented or reviewed.
    OR: [
      { state: 'authorize' },
      { type: 'emergency', breakFixAllowed: true, approvalsComplete: false, state: { in: ['implement', 'review'] } },
    ],
    ...(query.risk.length ? { riskLevel: { in: query.risk } } : {}),
    ...(query.type ? { type: query.type } : {}),
  }
  const stages = await db.approvalStage.findMany({
    where: {
      status: 'open',
      change: changeWhere,
      ...(query.scope === 'mine' ? { eligibleUserIds: { has: ctx.actor.id } } : {}),
    },
    include: {
      ...stageInclude,
      change: {
        include: {
          requester: { select: { id: true, name: true, email: true } },
          _count: { select: { items: true } },
          riskAssessments: { orderBy: { revision: 'desc' }, take: 1, select: { probability: true, impact: true } },
        },
      },
    },
    take: 500,
  })
  const current = stages.filter((stage) => stage.round === stage.change.approvalRound)
  const mine = await db.approvalDecision.findMany({
    where: {
      userId: ctx.actor.id,
      decision: { not: 'request_info' },
      changeId: { in: current.map((s) => s.changeId) },
    },
    select: { changeId: true, round: true, stageId: true, userId: true },
  })
  const stageCounts = await db.approvalStage.groupBy({
    by: ['changeId', 'round'],
    where: { changeId: { in: current.map((s) => s.changeId) } },
    _count: { _all: true },
  })
  const items = current
    .map((stage) => {
      const counted = mine.filter((d) => d.changeId === stage.changeId && d.round === stage.round)
      const canDecide =
        refusalFor(stage, { viewerId: ctx.actor.id, change: stage.change, counted, deciding: true }) === null
      return {
        change: toChangeSummary(stage.change),
        version: stage.change.version,
        risk: {
          probability: stage.change.riskAssessments[0]?.probability ?? 1,
          impact: stage.change.riskAssessments[0]?.impact ?? 1,
        },
        stage: {
          id: stage.id,
          name: stage.name,
          position: stage.position,
          stageCount:
            stageCounts.find((c) => c.changeId === stage.changeId && c.round === stage.round)?._count._all ?? 1,
          required: stage.required ?? 1,
          approvals: countsFor(stage).approvals,
          dueAt: (stage.dueAt ?? stage.createdAt).toISOString(),
          infoRequestedAt: stage.infoRequestedAt?.toISOString() ?? null,
          escalatedAt: stage.escalatedAt?.toISOString() ?? null,
        },
        canDecide,
      }
    })
    .filter((item) => query.scope === 'all' || item.canDecide)
    .sort(
      (a, b) =>
        RISK_ORDER[a.change.riskLevel] - RISK_ORDER[b.change.riskLevel] ||
        a.change.plannedStart.localeCompare(b.change.plannedStart),
    )
  return { items }
}
