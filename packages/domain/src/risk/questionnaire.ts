// Probability (1..5) that a change goes wrong: the requester's risk questionnaire, corrected by how
// often similar changes (same category, same clusters) failed before.
import type { RiskQuestionnaire, RiskReason, RiskScale } from './types'
import { toRiskScale } from './types'

// Points per answer, 0..8 in all. Novelty and manual work weigh most (2 each): first attempts and hand-typed
// steps are where change failures come from. Skipping staging also weighs 2: an untested change is as
// uncertain as a new one. An untested rollback and downtime weigh 1: they make a failure likelier to last
// or add moving parts (drain, reboot), without making the change itself more error-prone.
export const QUESTIONNAIRE_POINTS = {
  experience: { routine: 0, 'done-before': 1, 'first-time': 2 },
  automation: { automated: 0, 'partly-automated': 1, manual: 2 },
  notTestedInStaging: 2,
  rollbackNotTested: 1,
  requiresDowntime: 1,
} as const

/** Similar changes needed before their failure rate counts: fewer is noise. */
export const HISTORY_MIN_SIMILAR = 3
/** Failure rates above these raise probability by one and by two. */
export const HISTORY_FAILURE_RATE_STEPS = { byOne: 0.2, byTwo: 0.4 } as const

interface Factor {
  points: number
  reason: RiskReason
}

function questionnaireFactors(q: RiskQuestionnaire): Factor[] {
  const factors: Factor[] = [
    {
      points: QUESTIONNAIRE_POINTS.experience[q.experience],
      reason: { code: 'probability.experience', message: `Team experience with this change: ${q.experience}` },
    },
    {
      points: QUESTIONNAIRE_POINTS.automation[q.automation],
      reason: { code: 'probability.automation', message: `Implementation is ${q.automation}` },
    },
    {
      points: q.testedInStaging ? 0 : QUESTIONNAIRE_POINTS.notTestedInStaging,
      reason: { code: 'probability.staging', message: 'Not tested in staging' },
    },
    {
      points: q.rollbackTested ? 0 : QUESTIONNAIRE_POINTS.rollbackNotTested,
      reason: { code: 'probability.rollback', message: 'Rollback not tested' },
    },
    {
      points: q.requiresDowntime ? QUESTIONNAIRE_POINTS.requiresDowntime : 0,
      reason: { code: 'probability.downtime', message: 'Requires downtime' },
    },
  ]
  return factors.filter((factor) => factor.points > 0)
}

export function questionnairePoints(q: RiskQuestionnaire): number {
  return questionnaireFactors(q).reduce((sum, factor) => sum + factor.points, 0)
}

/** 0 points -> 1, 1-2 -> 2, 3-4 -> 3, 5-6 -> 4, 7-8 -> 5: two points per step, so no single answer alone
 *  moves a change more than one step, and only a mostly-bad questionnaire reaches 5. */
export function probabilityFromPoints(points: number): RiskScale {
  return toRiskScale(1 + Math.ceil(Math.max(0, points) / 2))
}

/** Failure rate of similar changes, or null when there are too few to mean anything. */
export function historicalFailureRate(history: { similarClosed: number; similarFailed: number }): number | null {
  const closed = Math.max(0, Math.floor(history.similarClosed))
  if (!(closed >= HISTORY_MIN_SIMILAR)) return null
  const failed = Math.min(closed, Math.max(0, Math.floor(history.similarFailed)))
  return failed / closed
}

/** How many steps the history adds: 0, 1 (> 20% failed) or 2 (> 40% failed). */
export function historyRaise(failureRate: number | null): 0 | 1 | 2 {
  if (failureRate === null) return 0
  if (failureRate > HISTORY_FAILURE_RATE_STEPS.byTwo) return 2
  if (failureRate > HISTORY_FAILURE_RATE_STEPS.byOne) return 1
  return 0
}

export function assessProbability(
  questionnaire: RiskQuestionnaire,
  history: { similarClosed: number; similarFailed: number },
): { probability: RiskScale; reasons: RiskReason[] } {
  const factors = questionnaireFactors(questionnaire)
  const fromAnswers = probabilityFromPoints(factors.reduce((sum, factor) => sum + factor.points, 0))
  const reasons = factors.map((factor) => factor.reason)
  const rate = historicalFailureRate(history)
  const raise = historyRaise(rate)
  if (rate !== null && raise > 0) {
    const percent = Math.round(rate * 100)
    reasons.push({
      code: 'probability.history',
      message: `${percent}% of ${history.similarClosed} similar changes failed: probability raised by ${raise}`,
    })
  }
  return { probability: toRiskScale(fromAnswers + raise), reasons }
}
