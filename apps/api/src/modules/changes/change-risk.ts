// Gathers what the domain's risk rules need from the database (impact of the affected items, the
// failure history of similar changes) and runs them. The rules themselves live in packages/domain.
import type { ChangeCategory, ChangeSubcategory, ConfigItemRef, RiskQuestionnaire } from '@cabinet/contracts'
import type { DbOrTx } from '@cabinet/db'
import { computeRisk, type RiskInput, type RiskResult } from '@cabinet/domain'
import type { ConfigItemService, Impact } from '../catalog/config-items.service'

export interface RiskRequest {
  category: ChangeCategory
  subcategory: ChangeSubcategory | null
  plannedStart: Date
  affectedItems: readonly ConfigItemRef[]
  rollbackPlan: string
  riskQuestionnaire: RiskQuestionnaire
  targetDriverVersion: string | null
}

export interface RiskEvaluation {
  result: RiskResult
  /** The inputs as evaluated, stored with the assessment so a reviewer can see why. */
  inputs: RiskInput
  /** What the affected items touch; other checks (driver compatibility) read it too. */
  impact: Impact
}

/** Closed changes of the same category touching any of the same clusters (directly or via a node). */
async function similarHistory(tx: DbOrTx, category: ChangeCategory, clusterIds: string[]) {
  if (clusterIds.length === 0) return { similarClosed: 0, similarFailed: 0 }
  const [row] = await tx.$queryRaw<{ closed: bigint; failed: bigint }[]>`
    SELECT count(*) AS closed,
           count(*) FILTER (WHERE c.close_code IN ('failed', 'rolled_back')) AS failed
      FROM change_requests c
     WHERE c.state = 'closed'
       AND c.category::text = ${category}
       AND EXISTS (
         SELECT 1 FROM change_items ci
           LEFT JOIN nodes n ON ci.kind = 'node' AND n.id = ci.item_id
          WHERE ci.change_id = c.id
            AND ((ci.kind = 'cluster' AND ci.item_id = ANY(${clusterIds}::uuid[])) OR n.cluster_id = ANY(${clusterIds}::uuid[]))
       )`
  return { similarClosed: Number(row?.closed ?? 0), similarFailed: Number(row?.failed ?? 0) }
}

export function createChangeRiskEvaluator({ configItems }: { configItems: ConfigItemService }) {
  return async function evaluateRisk(tx: DbOrTx, request: RiskRequest, now: Date): Promise<RiskEvaluation> {
    const impact = await configItems.impactOf(request.affectedItems, tx)
    const history = await similarHistory(
      tx,
      request.category,
      impact.clusters.map((c) => c.id),
    )
    const inputs: RiskInput = {
      questionnaire: request.riskQuestionnaire,
      history,
      services: impact.services.map((s) => ({ criticality: s.criticality, userCount: s.userCount })),
      clusters: impact.clusters.map((c) => ({ affectedNodes: c.affectedNodes, totalNodes: c.totalNodes })),
      category: request.category,
      subcategory: request.subcategory,
      plannedStart: request.plannedStart,
      now,
      rollbackPlan: request.rollbackPlan,
      ...(request.subcategory === 'gpu-driver'
        ? { driverVersions: { current: impact.nodeDriverVersions, target: request.targetDriverVersion } }
        : {}),
    }
    return { result: computeRisk(inputs), inputs, impact }
  }
}

export type ChangeRiskEvaluator = ReturnType<typeof createChangeRiskEvaluator>
