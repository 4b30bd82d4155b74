// Impact (1..5) if a change goes wrong: how critical and how widely used the affected services are,
// tempered by how much of a cluster the change touches at once (its blast radius).
import type { RiskInput, RiskReason, RiskScale } from './types'
import { toRiskScale } from './types'

/** Total users at or above each threshold score 2, 3, 4, 5 (below 100 scores 1): one step per tenfold. */
export const USER_COUNT_STEPS = [100, 1_000, 10_000, 100_000] as const

/** Largest share of a cluster touched at once, at or below each bound scoring 1, 2, 3, 4; a whole cluster scores 5.
 *  "More than a quarter" starts band 3, the same line the cluster-share condition draws. */
export const BLAST_RADIUS_STEPS = [0.1, 0.25, 0.5] as const

// A change that users notice even when it works is felt by them whatever else happens.
const USER_VISIBLE_FLOOR: RiskScale = 2

export function usersBand(totalUsers: number): RiskScale {
  const users = Number.isFinite(totalUsers) ? totalUsers : 0
  return toRiskScale(1 + USER_COUNT_STEPS.filter((step) => users >= step).length)
}

/** Affected share of a cluster, 0..1; an empty or unknown cluster counts as untouched. */
export function clusterShare(cluster: { affectedNodes: number; totalNodes: number }): number {
  if (!(cluster.totalNodes > 0) || !(cluster.affectedNodes > 0)) return 0
  return Math.min(1, cluster.affectedNodes / cluster.totalNodes)
}

export function blastRadiusBand(share: number): RiskScale {
  if (share >= 1) return 5
  const band = BLAST_RADIUS_STEPS.findIndex((bound) => share <= bound)
  return toRiskScale(band === -1 ? 4 : band + 1)
}

export function assessImpact(input: Pick<RiskInput, 'services' | 'clusters' | 'questionnaire'>): {
  impact: RiskScale
  reasons: RiskReason[]
} {
  const reasons: RiskReason[] = []
  const maxShare = input.clusters.reduce((max, cluster) => Math.max(max, clusterShare(cluster)), 0)
  const blast = blastRadiusBand(maxShare)
  if (input.clusters.length > 0) {
    reasons.push({
      code: 'impact.blast-radius',
      message: `Up to ${Math.round(maxShare * 100)}% of a cluster at once (blast radius ${blast} of 5)`,
    })
  }

  let impact: RiskScale
  if (input.services.length === 0) {
    // Nothing serves users from these nodes (yet): only the capacity taken away counts.
    impact = blast
  } else {
    // reduce, not Math.max(...spread): a fleet change can list more services than the call stack holds arguments.
    const criticality = toRiskScale(
      input.services.reduce(
        (max, service) => (Number.isFinite(service.criticality) ? Math.max(max, service.criticality) : max),
        1,
      ),
    )
    // Users are summed across services: someone using two affected services is counted twice, which errs high.
    const totalUsers = input.services.reduce((sum, service) => sum + Math.max(0, service.userCount || 0), 0)
    const users = usersBand(totalUsers)
    // The worse of importance and reach: a critical service with few users (the training scheduler) and a
    // minor service with a huge audience both hurt. Service impact weighs double against blast radius, which
    // only tempers it: touching a sliver of a cluster degrades a service, touching all of it takes it down.
    const service = Math.max(criticality, users)
    impact = toRiskScale((2 * service + blast) / 3)
    reasons.push(
      { code: 'impact.criticality', message: `Highest criticality of affected services: ${criticality} of 5` },
      { code: 'impact.users', message: `${totalUsers} users of affected services (reach ${users} of 5)` },
    )
  }

  if (input.questionnaire.userVisible && impact < USER_VISIBLE_FLOOR) {
    impact = USER_VISIBLE_FLOOR
    reasons.push({ code: 'impact.user-visible', message: 'Users will see the change: impact at least 2' })
  }
  return { impact, reasons }
}
