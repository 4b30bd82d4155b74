// Builds the KPI report: runs the aggregates in parallel, turns counts into rates and scores, and
// writes the same report as CSV (one tidy row per figure, so a spreadsheet can pivot it).
import { stringify } from 'csv-stringify/sync'
import type { z } from 'zod'
import type {
  CategoryRiskCount,
  ChangeCategory,
  Distribution,
  KpiQuery,
  KpiReport,
  RiskLevel,
  Score,
} from '@cabinet/contracts'
import type { Db } from '@cabinet/db'
import { AppError } from '../../http/errors'
import { failureRate, hours, type OutcomeCounts, rate, resolvePeriod, successRate, successScore } from './kpi-math'
import * as queries from './kpis.queries'

const count = (value: bigint | number | null | undefined) => Number(value ?? 0)

function toDistribution(row: queries.DistributionRow): Distribution {
  return { count: count(row.count), p50: hours(row.p50), p90: hours(row.p90), mean: hours(row.mean) }
}

function outcomes(row: Omit<queries.OutcomeRow, 'id' | 'name'> | queries.TotalsRow): OutcomeCounts {
  return {
    successful: count(row.successful),
    successfulWithIssues: count(row.successful_with_issues),
    failed: count(row.failed),
    rolledBack: count(row.rolled_back),
    incidentsCaused: count(row.incidents_caused),
  }
}

function toScores(rows: queries.OutcomeRow[]): Score[] {
  return rows
    .map((row) => {
      const counts = outcomes(row)
      return {
        id: row.id,
        name: row.name,
        closed: counts.successful + counts.successfulWithIssues + counts.failed + counts.rolledBack,
        successful: counts.successful,
        successfulWithIssues: counts.successfulWithIssues,
        failed: counts.failed + counts.rolledBack,
        incidentsCaused: counts.incidentsCaused,
        score: successScore(counts),
      }
    })
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
}

export function createKpiService({ db }: { db: Db }) {
  async function report(query: z.output<typeof KpiQuery>, now: Date): Promise<KpiReport> {
    const period = resolvePeriod(query, now)
    if ('path' in period) {
      throw new AppError('VALIDATION_FAILED', `${period.path}: ${period.message}`, { details: { issues: [period] } })
    }
    const filter: queries.KpiFilter = {
      ...period,
      category: query.category ?? null,
      clusterId: query.clusterId ?? null,
    }
    const [totals, lead, histogram, approval, restore, restoreRows, weeks, categoryRisk, byRequester, byTeam] =
      await Promise.all([
        queries.totals(db, filter),
        queries.leadTime(db, filter),
        queries.leadTimeHistogram(db, filter),
        queries.approvalCycle(db, filter),
        queries.timeToRestore(db, filter),
        queries.restores(db, filter),
        queries.weekly(db, filter),
        queries.byCategoryRisk(db, filter),
        queries.outcomesByRequester(db, filter),
        queries.outcomesByTeam(db, filter),
      ])
    const counts = outcomes(totals)
    const submitted = count(totals.submitted)
    const emergency = count(totals.emergency)
    return {
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      filters: { category: filter.category as ChangeCategory | null, clusterId: filter.clusterId },
      totals: {
        submitted,
        emergency,
        closed: counts.successful + counts.successfulWithIssues + counts.failed + counts.rolledBack,
        successful: counts.successful,
        successfulWithIssues: counts.successfulWithIssues,
        failed: counts.failed,
        rolledBack: counts.rolledBack,
        incidentsCaused: counts.incidentsCaused,
      },
      successRate: successRate(counts),
      failureRate: failureRate(counts),
      emergencyRatio: rate(emergency, submitted),
      leadTimeHours: toDistribution(lead),
      approvalCycleHours: toDistribution(approval),
      timeToRestoreHours: toDistribution(restore),
      leadTimeHistogram: histogram.map((bin) => ({ fromHours: bin.low, toHours: bin.high, count: count(bin.count) })),
      weekly: weeks.map((week) => ({
        weekStart: week.week_start.toISOString(),
        submitted: count(week.submitted),
        closed: count(week.closed),
        successful: count(week.successful),
        failed: count(week.failed),
        successRate: rate(count(week.successful), count(week.closed)),
      })),
      byCategoryRisk: categoryRisk.map(
        (row): CategoryRiskCount => ({
          category: row.category as ChangeCategory,
          riskLevel: row.risk_level as RiskLevel,
          submitted: count(row.submitted),
          closed: count(row.closed),
          successful: count(row.successful),
        }),
      ),
      scoresByTeam: toScores(byTeam),
      scoresByRequester: toScores(byRequester),
      restores: restoreRows.map((row) => ({
        changeId: row.change_id,
        number: row.number,
        closeCode: row.close_code,
        restoredAt: row.restored_at.toISOString(),
        hours: hours(row.h) ?? 0,
      })),
    }
  }

  return { report }
}

export type KpiService = ReturnType<typeof createKpiService>

/** The report as CSV: section, key, metric, value — one figure per row. */
export function reportCsv(report: KpiReport): string {
  const rows: (string | number | null)[][] = [['section', 'key', 'metric', 'value']]
  const add = (section: string, key: string, metric: string, value: string | number | null) =>
    rows.push([section, key, metric, value])
  add('period', '', 'from', report.period.from)
  add('period', '', 'to', report.period.to)
  add('filter', '', 'category', report.filters.category)
  add('filter', '', 'clusterId', report.filters.clusterId)
  for (const [metric, value] of Object.entries(report.totals)) add('totals', '', metric, value)
  add('rates', '', 'successRate', report.successRate)
  add('rates', '', 'failureRate', report.failureRate)
  add('rates', '', 'emergencyRatio', report.emergencyRatio)
  for (const name of ['leadTimeHours', 'approvalCycleHours', 'timeToRestoreHours'] as const) {
    for (const [metric, value] of Object.entries(report[name])) add(name, '', metric, value)
  }
  for (const bin of report.leadTimeHistogram) {
    add('leadTimeHistogram', `${bin.fromHours}-${bin.toHours ?? ''}`, 'count', bin.count)
  }
  for (const week of report.weekly) {
    for (const metric of ['submitted', 'closed', 'successful', 'failed', 'successRate'] as const) {
      add('weekly', week.weekStart.slice(0, 10), metric, week[metric])
    }
  }
  for (const row of report.byCategoryRisk) {
    for (const metric of ['submitted', 'closed', 'successful'] as const) {
      add('byCategoryRisk', `${row.category}/${row.riskLevel}`, metric, row[metric])
    }
  }
  for (const [section, scores] of [
    ['scoreByTeam', report.scoresByTeam],
    ['scoreByRequester', report.scoresByRequester],
  ] as const) {
    for (const score of scores) {
      for (const metric of ['closed', 'incidentsCaused', 'score'] as const)
        add(section, score.name, metric, score[metric])
    }
  }
  for (const restore of report.restores) add('timeToRestore', restore.number, 'hours', restore.hours)
  return stringify(rows)
}
