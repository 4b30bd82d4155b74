// The KPI aggregates in SQL: every figure is computed by Postgres over the changes in scope (category,
// cluster) and the period, so a report over years of history moves only the results to Node.
import { type DbOrTx, Prisma } from '@cabinet/db'
import { LEAD_TIME_BINS } from './kpi-math'

export interface KpiFilter {
  from: Date
  to: Date
  category: string | null
  clusterId: string | null
}

type Count = bigint | number
export interface TotalsRow {
  submitted: Count
  emergency: Count
  successful: Count
  successful_with_issues: Count
  failed: Count
  rolled_back: Count
  incidents_caused: Count
}
export interface DistributionRow {
  count: Count
  p50: number | null
  p90: number | null
  mean: number | null
}

/** Changes in scope: the category, and a cluster reached directly, through its nodes or its services. */
function scoped(filter: KpiFilter): Prisma.Sql {
  return Prisma.sql`scoped AS (
    SELECT c.id, c.number, c.type, c.category, c.risk_level, c.requester_id, c.close_code,
           c.submitted_at, c.implemented_at, c.closed_at
    FROM change_requests c
    WHERE (${filter.category}::text IS NULL OR c.category::text = ${filter.category}::text)
      AND (${filter.clusterId}::uuid IS NULL OR EXISTS (
        SELECT 1 FROM change_items i
        WHERE i.change_id = c.id AND (
          (i.kind = 'cluster' AND i.item_id = ${filter.clusterId}::uuid)
          OR (i.kind = 'node' AND i.item_id IN (SELECT n.id FROM nodes n WHERE n.cluster_id = ${filter.clusterId}::uuid))
          OR (i.kind = 'service' AND i.item_id IN (
            SELECT sc.service_id FROM service_clusters sc WHERE sc.cluster_id = ${filter.clusterId}::uuid))
        )
      ))
  )`
}

const inPeriod = (column: Prisma.Sql, filter: KpiFilter) =>
  Prisma.sql`(${column} >= ${filter.from} AND ${column} < ${filter.to})`

/** Closed in the period with a close code: the population of every outcome figure. */
const closedIn = (filter: KpiFilter) =>
  Prisma.sql`${inPeriod(Prisma.sql`c.closed_at`, filter)} AND c.close_code IS NOT NULL`

const distribution = (samples: Prisma.Sql) => Prisma.sql`
  SELECT count(h) AS count,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY h) AS p50,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY h) AS p90,
         avg(h)::float8 AS mean
  FROM (${samples}) samples`

export async function totals(db: DbOrTx, filter: KpiFilter): Promise<TotalsRow> {
  const submitted = inPeriod(Prisma.sql`c.submitted_at`, filter)
  const closed = closedIn(filter)
  const [row] = await db.$queryRaw<TotalsRow[]>`
    WITH ${scoped(filter)}
    SELECT count(*) FILTER (WHERE ${submitted}) AS submitted,
           count(*) FILTER (WHERE ${submitted} AND c.type = 'emergency') AS emergency,
           count(*) FILTER (WHERE ${closed} AND c.close_code = 'successful') AS successful,
           count(*) FILTER (WHERE ${closed} AND c.close_code = 'successful_with_issues') AS successful_with_issues,
           count(*) FILTER (WHERE ${closed} AND c.close_code = 'failed') AS failed,
           count(*) FILTER (WHERE ${closed} AND c.close_code = 'rolled_back') AS rolled_back,
           coalesce(sum(r.incidents_caused) FILTER (WHERE ${closed}), 0) AS incidents_caused
    FROM scoped c LEFT JOIN change_reviews r ON r.change_id = c.id`
  if (!row) throw new Error('the KPI totals query returned no row')
  return row
}

/** Hours from submission to the end of implementation, for changes implemented in the period. */
const leadTimeSamples = (filter: KpiFilter) => Prisma.sql`
  SELECT extract(epoch FROM c.implemented_at - c.submitted_at) / 3600.0 AS h
  FROM scoped c
  WHERE c.submitted_at IS NOT NULL AND ${inPeriod(Prisma.sql`c.implemented_at`, filter)}`

export async function leadTime(db: DbOrTx, filter: KpiFilter): Promise<DistributionRow> {
  const [row] = await db.$queryRaw<DistributionRow[]>`WITH ${scoped(filter)} ${distribution(leadTimeSamples(filter))}`
  if (!row) throw new Error('the lead time query returned no row')
  return row
}

export async function leadTimeHistogram(db: DbOrTx, filter: KpiFilter) {
  const bins = Prisma.join(LEAD_TIME_BINS.map(([low, high]) => Prisma.sql`(${low}::float8, ${high}::float8)`))
  return db.$queryRaw<{ low: number; high: number | null; count: Count }[]>`
    WITH ${scoped(filter)}, samples AS (${leadTimeSamples(filter)})
    SELECT b.low, b.high, count(s.h) AS count
    FROM (VALUES ${bins}) AS b(low, high)
    LEFT JOIN samples s ON s.h >= b.low AND (b.high IS NULL OR s.h < b.high)
    GROUP BY b.low, b.high
    ORDER BY b.low`
}

/**
 * Hours from entering authorization (a normal change's request_authorization, an emergency change's
 * submit) to the `authorize` that followed, for authorizations in the period, read from the audit trail.
 */
export async function approvalCycle(db: DbOrTx, filter: KpiFilter): Promise<DistributionRow> {
  const [row] = await db.$queryRaw<DistributionRow[]>`
    WITH ${scoped(filter)}
    ${distribution(Prisma.sql`
      SELECT extract(epoch FROM a.at - entered.at) / 3600.0 AS h
      FROM audit_events a
      JOIN scoped c ON c.id = a.change_id
      CROSS JOIN LATERAL (
        SELECT max(e.at) AS at FROM audit_events e
        WHERE e.change_id = a.change_id
          AND e.action IN ('change.request_authorization', 'change.submit')
          AND e.after ->> 'state' = 'authorize'
          AND e.at <= a.at
      ) entered
      WHERE a.action = 'change.authorize' AND ${inPeriod(Prisma.sql`a.at`, filter)} AND entered.at IS NOT NULL`)}`
  if (!row) throw new Error('the approval cycle query returned no row')
  return row
}

/**
 * Failed and rolled-back changes closed in the period: from the end of the failed implementation to
 * the first rollback event after it, or to the close when no rollback was recorded.
 */
const restoreSamples = (filter: KpiFilter) => Prisma.sql`
  SELECT c.id AS change_id, c.number, c.close_code::text AS close_code, restored.at AS restored_at,
         (extract(epoch FROM restored.at - c.implemented_at) / 3600.0)::float8 AS h
  FROM scoped c
  CROSS JOIN LATERAL (
    SELECT least(c.closed_at, (
      SELECT min(e.at) FROM audit_events e
      WHERE e.change_id = c.id AND e.action IN ('rollout.rolled_back', 'change.rolled_back') AND e.at >= c.implemented_at
    )) AS at
  ) restored
  WHERE ${closedIn(filter)} AND c.close_code IN ('failed', 'rolled_back') AND c.implemented_at IS NOT NULL`

export async function timeToRestore(db: DbOrTx, filter: KpiFilter): Promise<DistributionRow> {
  const [row] = await db.$queryRaw<DistributionRow[]>`WITH ${scoped(filter)} ${distribution(
    Prisma.sql`SELECT h FROM (${restoreSamples(filter)}) r`,
  )}`
  if (!row) throw new Error('the time to restore query returned no row')
  return row
}

export function restores(db: DbOrTx, filter: KpiFilter) {
  return db.$queryRaw<
    { change_id: string; number: string; close_code: 'failed' | 'rolled_back'; restored_at: Date; h: number }[]
  >`
    WITH ${scoped(filter)} SELECT * FROM (${restoreSamples(filter)}) r ORDER BY r.restored_at, r.number LIMIT 500`
}

/** One row per week (Monday 00:00 UTC) of the period, weeks without changes included. */
export function weekly(db: DbOrTx, filter: KpiFilter) {
  const closed = closedIn(filter)
  return db.$queryRaw<{ week_start: Date; submitted: Count; closed: Count; successful: Count; failed: Count }[]>`
    WITH ${scoped(filter)},
    weeks AS (
      SELECT generate_series(
        date_trunc('week', ${filter.from}::timestamptz AT TIME ZONE 'UTC'),
        ${filter.to}::timestamptz AT TIME ZONE 'UTC' - interval '1 microsecond',
        interval '1 week'
      ) AT TIME ZONE 'UTC' AS week_start
    )
    SELECT w.week_start,
           count(c.id) FILTER (WHERE ${inPeriod(Prisma.sql`c.submitted_at`, filter)}
             AND date_trunc('week', c.submitted_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' = w.week_start) AS submitted,
           count(c.id) FILTER (WHERE ${closed}
             AND date_trunc('week', c.closed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' = w.week_start) AS closed,
           count(c.id) FILTER (WHERE ${closed} AND c.close_code IN ('successful', 'successful_with_issues')
             AND date_trunc('week', c.closed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' = w.week_start) AS successful,
           count(c.id) FILTER (WHERE ${closed} AND c.close_code IN ('failed', 'rolled_back')
             AND date_trunc('week', c.closed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' = w.week_start) AS failed
    FROM weeks w
    LEFT JOIN scoped c
      ON date_trunc('week', c.submitted_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' = w.week_start
      OR date_trunc('week', c.closed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' = w.week_start
    GROUP BY w.week_start
    ORDER BY w.week_start`
}

export function byCategoryRisk(db: DbOrTx, filter: KpiFilter) {
  const submitted = inPeriod(Prisma.sql`c.submitted_at`, filter)
  const closed = closedIn(filter)
  return db.$queryRaw<{ category: string; risk_level: string; submitted: Count; closed: Count; successful: Count }[]>`
    WITH ${scoped(filter)}
    SELECT c.category::text AS category, c.risk_level::text AS risk_level,
           count(*) FILTER (WHERE ${submitted}) AS submitted,
           count(*) FILTER (WHERE ${closed}) AS closed,
           count(*) FILTER (WHERE ${closed} AND c.close_code IN ('successful', 'successful_with_issues')) AS successful
    FROM scoped c
    WHERE ${submitted} OR ${closed}
    GROUP BY c.category, c.risk_level
    ORDER BY c.category, c.risk_level`
}

export interface OutcomeRow {
  id: string
  name: string
  successful: Count
  successful_with_issues: Count
  failed: Count
  rolled_back: Count
  incidents_caused: Count
}

const outcomeColumns = Prisma.sql`
  count(*) FILTER (WHERE c.close_code = 'successful') AS successful,
  count(*) FILTER (WHERE c.close_code = 'successful_with_issues') AS successful_with_issues,
  count(*) FILTER (WHERE c.close_code = 'failed') AS failed,
  count(*) FILTER (WHERE c.close_code = 'rolled_back') AS rolled_back,
  coalesce(sum(r.incidents_caused), 0) AS incidents_caused`

export function outcomesByRequester(db: DbOrTx, filter: KpiFilter) {
  return db.$queryRaw<OutcomeRow[]>`
    WITH ${scoped(filter)}
    SELECT u.id::text AS id, u.name, ${outcomeColumns}
    FROM scoped c
    JOIN users u ON u.id = c.requester_id
    LEFT JOIN change_reviews r ON r.change_id = c.id
    WHERE ${closedIn(filter)}
    GROUP BY u.id, u.name`
}

/** A change counts for every group its requester belongs to; requesters in none make the team 'none'. */
export function outcomesByTeam(db: DbOrTx, filter: KpiFilter) {
  return db.$queryRaw<OutcomeRow[]>`
    WITH ${scoped(filter)}
    SELECT coalesce(g.id::text, 'none') AS id, coalesce(g.name, '(no team)') AS name, ${outcomeColumns}
    FROM scoped c
    LEFT JOIN group_memberships m ON m.user_id = c.requester_id
    LEFT JOIN groups g ON g.id = m.group_id
    LEFT JOIN change_reviews r ON r.change_id = c.id
    WHERE ${closedIn(filter)}
    GROUP BY g.id, g.name`
}
