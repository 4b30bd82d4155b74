// Risk conditions: rules as data that raise a change's level beyond what its score gives (DESIGN.md, "Risk").
// A policy is an ordered list; each condition is a predicate over the risk input plus how far it raises.
import type { ChangeSubcategory, RiskLevel } from '../change/vocabulary'
import { assertNever } from '../shared/assert-never'
import { clusterShare } from './impact'
import { maxRiskLevel, raiseRiskLevel } from './levels'
import type { RiskInput } from './types'

export type RiskPredicate =
  | { kind: 'lead-time-below-hours'; hours: number }
  | { kind: 'driver-major-jump' }
  | { kind: 'cluster-share-above'; share: number }
  | { kind: 'rollback-untested' }
  | { kind: 'quarter-end-within-days'; days: number }
  | { kind: 'category-is'; subcategories: ChangeSubcategory[] }

export type RiskRaise = { kind: 'by-one' } | { kind: 'at-least'; level: RiskLevel }

export type RiskCondition = { code: string; description: string; when: RiskPredicate; raise: RiskRaise }

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

export const DEFAULT_RISK_CONDITIONS: readonly RiskCondition[] = [
  {
    code: 'insufficient-lead-time',
    description: 'Planned to start less than 48 hours from now: too little time for review and CAB',
    when: { kind: 'lead-time-below-hours', hours: 48 },
    raise: { kind: 'by-one' },
  },
  {
    // A new driver branch changes the kernel module, the CUDA compatibility range and fixes in firmware
    // interplay; within a branch, releases are bug fixes. That difference deserves a CAB on its own.
    code: 'driver-major-jump',
    description: 'GPU driver moves to another major version (branch)',
    when: { kind: 'driver-major-jump' },
    raise: { kind: 'at-least', level: 'high' },
  },
  {
    code: 'cluster-share-above-quarter',
    description: 'More than a quarter of a cluster changes at once',
    when: { kind: 'cluster-share-above', share: 0.25 },
    raise: { kind: 'by-one' },
  },
  {
    code: 'rollback-untested',
    description: 'No tested rollback plan',
    when: { kind: 'rollback-untested' },
    raise: { kind: 'by-one' },
  },
  {
    code: 'quarter-end',
    description: 'Planned within the last 5 days of a quarter (UTC), when the business can least afford an outage',
    when: { kind: 'quarter-end-within-days', days: 5 },
    raise: { kind: 'by-one' },
  },
]

/** The major version (NVIDIA's branch: 550 in 550.54.15), or null when the text does not start with one. */
export function driverMajor(version: string): number | null {
  const match = /^\s*(\d+)/.exec(version)
  return match?.[1] === undefined ? null : Number(match[1])
}

// Fires when any node's current branch differs from the target's (downgrades across branches included).
// A version that cannot be read counts as a jump: nothing proves it is on the same branch.
function isDriverMajorJump(driverVersions: RiskInput['driverVersions']): boolean {
  const target = driverVersions?.target?.trim()
  if (!driverVersions || !target) return false
  const targetMajor = driverMajor(target)
  return driverVersions.current.some((current) => {
    const currentMajor = driverMajor(current)
    return targetMajor === null || currentMajor === null || currentMajor !== targetMajor
  })
}

/** The first instant (UTC) of the quarter after the one holding `at`: Apr 1, Jul 1, Oct 1 or Jan 1, 00:00Z. */
export function nextQuarterStart(at: Date): Date {
  const firstMonthOfNextQuarter = Math.floor(at.getUTCMonth() / 3) * 3 + 3
  // Date.UTC rolls month 12 over into January of the next year.
  return new Date(Date.UTC(at.getUTCFullYear(), firstMonthOfNextQuarter, 1))
}

// "Within the last N days" counts whole UTC calendar days: N = 5 covers Mar 27 00:00Z .. Mar 31 23:59:59.999Z.
function isNearQuarterEnd(plannedStart: Date, days: number): boolean {
  return nextQuarterStart(plannedStart).getTime() - plannedStart.getTime() <= days * DAY_MS
}

export function evaluateRiskPredicate(predicate: RiskPredicate, input: RiskInput): boolean {
  switch (predicate.kind) {
    case 'lead-time-below-hours':
      return input.plannedStart.getTime() - input.now.getTime() < predicate.hours * HOUR_MS
    case 'driver-major-jump':
      return isDriverMajorJump(input.driverVersions)
    case 'cluster-share-above':
      return input.clusters.some((cluster) => clusterShare(cluster) > predicate.share)
    case 'rollback-untested':
      // A tested rollback needs both the test and a written plan someone can follow under pressure.
      return !input.questionnaire.rollbackTested || input.rollbackPlan.trim() === ''
    case 'quarter-end-within-days':
      return isNearQuarterEnd(input.plannedStart, predicate.days)
    case 'category-is':
      return input.subcategory !== null && predicate.subcategories.includes(input.subcategory)
    default:
      return assertNever(predicate, 'risk predicate')
  }
}

export function applyRiskRaise(level: RiskLevel, raise: RiskRaise): RiskLevel {
  switch (raise.kind) {
    case 'by-one':
      return raiseRiskLevel(level)
    case 'at-least':
      return maxRiskLevel(level, raise.level)
    default:
      return assertNever(raise, 'risk raise')
  }
}
