// The risk matrix's score bands (DESIGN.md, "Risk"): low 1-4, moderate 5-9, high 10-14, critical 15-25,
// and the level arithmetic conditions use to raise a level.
import { RISK_LEVELS, type RiskLevel } from '../change/vocabulary'

export const RISK_SCORE_BANDS = {
  low: { min: 1, max: 4 },
  moderate: { min: 5, max: 9 },
  high: { min: 10, max: 14 },
  critical: { min: 15, max: 25 },
} as const satisfies Record<RiskLevel, { min: number; max: number }>

/** Scores outside 1..25 fall into the nearest band; a fractional score belongs to the band it has reached. */
export function riskLevelForScore(score: number): RiskLevel {
  if (score >= RISK_SCORE_BANDS.critical.min) return 'critical'
  if (score >= RISK_SCORE_BANDS.high.min) return 'high'
  if (score >= RISK_SCORE_BANDS.moderate.min) return 'moderate'
  return 'low'
}

export function scoreRangeForLevel(level: RiskLevel): { min: number; max: number } {
  const { min, max } = RISK_SCORE_BANDS[level]
  return { min, max }
}

/** Negative when a is less severe than b, 0 when equal, positive when more severe. */
export function compareRiskLevels(a: RiskLevel, b: RiskLevel): number {
  return RISK_LEVELS.indexOf(a) - RISK_LEVELS.indexOf(b)
}

export function maxRiskLevel(a: RiskLevel, b: RiskLevel): RiskLevel {
  return compareRiskLevels(a, b) >= 0 ? a : b
}

/** One level up, staying at critical. */
export function raiseRiskLevel(level: RiskLevel): RiskLevel {
  return RISK_LEVELS[Math.min(RISK_LEVELS.indexOf(level) + 1, RISK_LEVELS.length - 1)] ?? 'critical'
}
