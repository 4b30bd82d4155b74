// A change's risk: probability x impact on the 5x5 matrix, banded into a level, then raised by the
// risk conditions in order. Pure: history, services and clusters are looked up by the caller.
import { applyRiskRaise, DEFAULT_RISK_CONDITIONS, evaluateRiskPredicate, type RiskCondition } from './conditions'
import { assessImpact } from './impact'
import { riskLevelForScore } from './levels'
import { assessProbability } from './questionnaire'
import type { RiskInput, RiskReason, RiskResult } from './types'

// Conditions run in list order because raises do not commute: "at least high" then "by one" ends at
// critical, the other way round ends at high. Every condition that fires is a reason, even one that could
// not raise the level any further, so the reader sees all the concerns and not only the first that bit.
export function computeRisk(
  input: RiskInput,
  conditions: readonly RiskCondition[] = DEFAULT_RISK_CONDITIONS,
): RiskResult {
  const { probability, reasons: probabilityReasons } = assessProbability(input.questionnaire, input.history)
  const { impact, reasons: impactReasons } = assessImpact(input)
  const score = probability * impact
  const computedLevel = riskLevelForScore(score)
  const reasons: RiskReason[] = [...probabilityReasons, ...impactReasons]

  let level = computedLevel
  for (const condition of conditions) {
    if (!evaluateRiskPredicate(condition.when, input)) continue
    const raised = applyRiskRaise(level, condition.raise)
    const effect = raised === level ? `level stays ${level}` : `level ${level} -> ${raised}`
    reasons.push({ code: condition.code, message: `${condition.description} (${effect})` })
    level = raised
  }
  return { probability, impact, score, level, computedLevel, reasons }
}
