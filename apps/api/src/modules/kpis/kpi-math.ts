// The arithmetic of the KPIs on top of SQL aggregates: rates that are null on an empty period, the
// change success score, the period's defaults and limits, and rounding. docs/kpis.md defines each one.
import type { CloseCode } from '@cabinet/contracts'

/** Points per closed change by close code (issue 6: +3 success, -2 with issues, -5 failed). */
export const SCORE_POINTS: Readonly<Record<CloseCode, number>> = {
  successful: 3,
  successful_with_issues: -2,
  failed: -5,
  rolled_back: -5,
}
/** Points taken off per incident a change caused, as its post-implementation review records them. */
export const INCIDENT_PENALTY = 2

export const DEFAULT_PERIOD_DAYS = 90
/** Longest period one report covers: the weekly series stays a few hundred points at most. */
export const MAX_PERIOD_DAYS = 3 * 366
const DAY_MS = 86_400_000

/** Lead-time histogram bins in hours: half a day, a day, three days, a week, two weeks, a month, beyond. */
export const LEAD_TIME_BINS: readonly (readonly [number, number | null])[] = [
  [0, 12],
  [12, 24],
  [24, 72],
  [72, 168],
  [168, 336],
  [336, 720],
  [720, null],
]

export interface OutcomeCounts {
  successful: number
  successfulWithIssues: number
  failed: number
  rolledBack: number
  incidentsCaused: number
}

/** part / whole, or null when there is nothing to divide: an empty period has no rate, not a rate of 0. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? round(part / whole, 4) : null
}

export function successRate(counts: OutcomeCounts): number | null {
  return rate(counts.successful + counts.successfulWithIssues, closedCount(counts))
}

export function failureRate(counts: OutcomeCounts): number | null {
  return rate(counts.failed + counts.rolledBack, closedCount(counts))
}

export function closedCount(counts: OutcomeCounts): number {
  return counts.successful + counts.successfulWithIssues + counts.failed + counts.rolledBack
}

/** The change success score of a team or requester over their changes closed in the period. */
export function successScore(counts: OutcomeCounts): number {
  return (
    counts.successful * SCORE_POINTS.successful +
    counts.successfulWithIssues * SCORE_POINTS.successful_with_issues +
    counts.failed * SCORE_POINTS.failed +
    counts.rolledBack * SCORE_POINTS.rolled_back -
    counts.incidentsCaused * INCIDENT_PENALTY
  )
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** Hours rounded to two decimals, null kept (no sample). Postgres returns numerics as strings or numbers. */
export function hours(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null
  const parsed = typeof value === 'string' ? Number(value) : value
  return Number.isFinite(parsed) ? round(parsed) : null
}

export type PeriodProblem = { path: 'from' | 'to'; message: string }

/** The report's period: `to` defaults to now, `from` to 90 days before `to`; from < to, at most ~3 years. */
export function resolvePeriod(
  input: { from?: string | undefined; to?: string | undefined },
  now: Date,
): { from: Date; to: Date } | PeriodProblem {
  const to = input.to ? new Date(input.to) : now
  const from = input.from ? new Date(input.from) : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS)
  if (from >= to) return { path: 'from', message: 'must be before to' }
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    return { path: 'from', message: `the period can cover at most ${MAX_PERIOD_DAYS} days` }
  }
  return { from, to }
}

/** Monday 00:00 UTC of the week holding `at`: the weekly series' buckets (Postgres date_trunc('week')). */
export function weekStart(at: Date): Date {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()))
  const sinceMonday = (day.getUTCDay() + 6) % 7
  return new Date(day.getTime() - sinceMonday * DAY_MS)
}
