// Change KPIs over a period (docs/kpis.md defines each one): rates, time distributions, weekly
// series, counts by category and risk, and the change success score per team and requester.
import { z } from 'zod'
import { Id, Timestamp } from './common'
import { ChangeCategory, RiskLevel } from './vocabulary'

export const KpiQuery = z.object({
  /** Start of the period (inclusive); 90 days before `to` when left out. */
  from: Timestamp.optional(),
  /** End of the period (exclusive); now when left out. */
  to: Timestamp.optional(),
  category: ChangeCategory.optional(),
  clusterId: Id.optional(),
  format: z.enum(['json', 'csv']).default('json'),
})
export type KpiQuery = z.input<typeof KpiQuery>

/** Hours, or null where the period holds no sample. */
export const Distribution = z.object({
  count: z.number().int(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  mean: z.number().nullable(),
})
export type Distribution = z.infer<typeof Distribution>

export const KpiTotals = z.object({
  /** Changes submitted in the period (drafts never submitted do not count). */
  submitted: z.number().int(),
  emergency: z.number().int(),
  closed: z.number().int(),
  successful: z.number().int(),
  successfulWithIssues: z.number().int(),
  failed: z.number().int(),
  rolledBack: z.number().int(),
  incidentsCaused: z.number().int(),
})
export type KpiTotals = z.infer<typeof KpiTotals>

export const WeeklyPoint = z.object({
  /** Monday 00:00 UTC of the week. */
  weekStart: Timestamp,
  submitted: z.number().int(),
  closed: z.number().int(),
  successful: z.number().int(),
  failed: z.number().int(),
  /** null in a week that closed nothing. */
  successRate: z.number().nullable(),
})
export type WeeklyPoint = z.infer<typeof WeeklyPoint>

export const HistogramBin = z.object({ fromHours: z.number(), toHours: z.number().nullable(), count: z.number().int() })
export type HistogramBin = z.infer<typeof HistogramBin>

export const CategoryRiskCount = z.object({
  category: ChangeCategory,
  riskLevel: RiskLevel,
  submitted: z.number().int(),
  closed: z.number().int(),
  successful: z.number().int(),
})
export type CategoryRiskCount = z.infer<typeof CategoryRiskCount>

export const Score = z.object({
  id: z.string(),
  name: z.string(),
  closed: z.number().int(),
  successful: z.number().int(),
  successfulWithIssues: z.number().int(),
  failed: z.number().int(),
  incidentsCaused: z.number().int(),
  score: z.number().int(),
})
export type Score = z.infer<typeof Score>

export const RestoreSample = z.object({
  changeId: Id,
  number: z.string(),
  closeCode: z.enum(['failed', 'rolled_back']),
  restoredAt: Timestamp,
  hours: z.number(),
})
export type RestoreSample = z.infer<typeof RestoreSample>

export const KpiReport = z.object({
  period: z.object({ from: Timestamp, to: Timestamp }),
  filters: z.object({ category: ChangeCategory.nullable(), clusterId: Id.nullable() }),
  totals: KpiTotals,
  /** (successful + successful_with_issues) / closed; null when nothing closed. */
  successRate: z.number().nullable(),
  /** (failed + rolled_back) / closed; null when nothing closed. */
  failureRate: z.number().nullable(),
  /** emergency / submitted; null when nothing was submitted. */
  emergencyRatio: z.number().nullable(),
  leadTimeHours: Distribution,
  approvalCycleHours: Distribution,
  timeToRestoreHours: Distribution,
  leadTimeHistogram: z.array(HistogramBin),
  weekly: z.array(WeeklyPoint),
  byCategoryRisk: z.array(CategoryRiskCount),
  scoresByTeam: z.array(Score),
  scoresByRequester: z.array(Score),
  restores: z.array(RestoreSample),
})
export type KpiReport = z.infer<typeof KpiReport>
