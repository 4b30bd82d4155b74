// The inputs and outputs of a change's risk assessment, shared by the risk factors and conditions.
// Plain data: the API gathers history, services and clusters from the database and passes them in.
import type { ChangeCategory, ChangeSubcategory, RiskLevel } from '../change/vocabulary'

export interface RiskQuestionnaire {
  experience: 'routine' | 'done-before' | 'first-time'
  automation: 'automated' | 'partly-automated' | 'manual'
  testedInStaging: boolean
  rollbackTested: boolean
  requiresDowntime: boolean
  userVisible: boolean
}

export interface RiskInput {
  questionnaire: RiskQuestionnaire
  /** Closed changes of the same category on the same clusters. */
  history: { similarClosed: number; similarFailed: number }
  /** Services affected directly or through their clusters and nodes; criticality 1 (lowest) .. 5 (highest). */
  services: { criticality: number; userCount: number }[]
  /** Blast radius per affected cluster. */
  clusters: { affectedNodes: number; totalNodes: number }[]
  category: ChangeCategory
  subcategory: ChangeSubcategory | null
  plannedStart: Date
  now: Date
  /** e.g. current ['550.54.15', '570.86'], target '575.51' */
  driverVersions?: { current: string[]; target: string | null }
  rollbackPlan: string
}

export interface RiskReason {
  code: string
  message: string
}

/** A point on the 1..5 axes of the risk matrix. */
export type RiskScale = 1 | 2 | 3 | 4 | 5

export interface RiskResult {
  probability: RiskScale
  impact: RiskScale
  /** probability x impact, 1..25; conditions raise the level, never the score. */
  score: number
  level: RiskLevel
  /** The level the score alone gives, before conditions. */
  computedLevel: RiskLevel
  /** The factors behind probability and impact, then every condition that fired, in evaluation order. */
  reasons: RiskReason[]
}

/** Clamps any number (NaN and infinities included) onto the 1..5 scale; garbage never scores as 0. */
export function toRiskScale(value: number): RiskScale {
  if (!Number.isFinite(value)) return value === Number.POSITIVE_INFINITY ? 5 : 1
  return Math.min(5, Math.max(1, Math.round(value))) as RiskScale
}
