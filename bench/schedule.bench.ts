// Conflict detection at fleet scale: 100,000 scheduled changes over a year on 10,000 nodes, 200
// freezes and 500 weekly maintenance windows, then the full conflict check of a 1,000-node change
// (same item, parent/child, freezes, windows, implementer), p50 and p99, beside a baseline measured
// in the same run: one indexed overlap query for one node. Run with `pnpm bench:schedule`; see
// docs/benchmarks.md. Uses a private database that it creates, migrates and drops.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { resolve } from 'node:path'
import { createDb, type Db } from '@cabinet/db'
import { expandRecurrence } from '../packages/domain/src/schedule/recurrence'
import { findConflicts } from '../apps/api/src/modules/schedule/conflict-engine'
import { createBenchDatabase, ROOT } from './bench-setup'

const setting = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number`)
  return value
}
const CHANGES = setting('BENCH_SCHEDULE_CHANGES', 100_000)
const CLUSTERS = 50
const NODES_PER_CLUSTER = setting('BENCH_SCHEDULE_NODES', 10_000) / CLUSTERS
const FREEZES = 200
const WINDOWS = 500
const CHECKED_NODES = 1_000
const ITERATIONS = setting('BENCH_SCHEDULE_ITERATIONS', 200)
const WARMUP = 20
const YEAR_START = new Date('2027-01-01T00:00:00Z')
const DAY_MS = 86_400_000
const RESULT_FILE = resolve(ROOT, '.data/bench/schedule.json')
const ADMIN_URL = process.env.CABINET_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:54330/postgres'

/** A deterministic pseudo-random sequence, so every run checks the same intervals. */
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
}

async function seed(db: Db) {
  const started = performance.now()
  await db.$executeRawUnsafe(`
    INSERT INTO users (email, name, password_hash, roles, updated_at)
    SELECT 'user' || i || '@bench.example', 'Bench user ' || i, 'x', ARRAY['implementer']::"Role"[], now()
      FROM generate_series(1, 50) i`)
  await db.$executeRawUnsafe(`
    INSERT INTO clusters (name, region, cuda_versions, updated_at)
    SELECT 'bench-c' || lpad(i::text, 2, '0'), 'bench', ARRAY['12.4'], now() FROM generate_series(1, ${CLUSTERS}) i`)
  await db.$executeRawUnsafe(`
    INSERT INTO nodes (hostname, cluster_id, gpu_model, gpu_count, updated_at)
    SELECT c.name || '-n' || lpad(i::text, 4, '0'), c.id, 'H100', 8, now()
      FROM clusters c CROSS JOIN generate_series(1, ${NODES_PER_CLUSTER}) i`)
  await db.$executeRawUnsafe(`
    INSERT INTO services (name, criticality, user_count, updated_at)
    SELECT 'bench-s' || i, 3, 1000, now() FROM generate_series(1, 20) i`)
  // Each service runs on five clusters; each cluster carries two services.
  await db.$executeRawUnsafe(`
    INSERT INTO service_clusters (service_id, cluster_id)
    SELECT s.id, c.id FROM (SELECT id, row_number() OVER (ORDER BY name) - 1 AS n FROM services) s
      JOIN (SELECT id, row_number() OVER (ORDER BY name) - 1 AS n FROM clusters) c ON c.n / 5 % 10 = s.n % 10`)
  await db.$executeRawUnsafe(`
    CREATE TEMP TABLE node_ord AS
    SELECT n.id, dense_rank() OVER (ORDER BY c.name) - 1 AS cluster_no, row_number() OVER (PARTITION BY c.id ORDER BY n.hostname) - 1 AS idx
      FROM nodes n JOIN clusters c ON c.id = n.cluster_id`)
  await db.$executeRawUnsafe('CREATE INDEX ON node_ord (cluster_no, idx)')
  // 100,000 scheduled changes spread over the year, 1 to 8 hours, over 1 to 10 neighbouring nodes.
  await db.$executeRawUnsafe(`
    INSERT INTO change_requests (number, type, category, title, description, justification, planned_start, planned_end,
      requester_id, implementer_id, implementation_plan, rollback_plan, risk_questionnaire, risk_level, risk_score, state, updated_at)
    SELECT 'CHG' || lpad(nextval('change_number_seq')::text, 7, '0'), 'normal', 'software', 'Bench change ' || i, 'd', 'j',
           s, s + (1 + i % 8) * interval '1 hour', u.id, u.id, 'p', 'r', '{}'::jsonb, 'moderate', 6, 'scheduled', now()
      FROM generate_series(1, ${CHANGES}) i
      CROSS JOIN LATERAL (SELECT timestamptz '${YEAR_START.toISOString()}' + (hashint4(i) & 2147483647) % (364 * 24 * 4) * interval '15 minutes' AS s) t
      JOIN (SELECT id, row_number() OVER (ORDER BY email) - 1 AS n FROM users) u ON u.n = i % 50`)
  await db.$executeRawUnsafe(`
    INSERT INTO change_items (change_id, kind, item_id)
    SELECT c.id, 'node', o.id
      FROM (SELECT id, hashint4((row_number() OVER (ORDER BY number))::int) & 2147483647 AS h FROM change_requests) c
      JOIN node_ord o ON o.cluster_no = c.h % ${CLUSTERS}
       AND o.idx BETWEEN (c.h / ${CLUSTERS}) % ${NODES_PER_CLUSTER} AND (c.h / ${CLUSTERS}) % ${NODES_PER_CLUSTER} + c.h % 10`)
  const rnd = random(42)
  const clusters = await db.cluster.findMany({ select: { id: true }, orderBy: { name: 'asc' } })
  const nodes = await db.$queryRawUnsafe<{ id: string }[]>('SELECT id::text FROM node_ord ORDER BY cluster_no, idx')
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)] as T
  for (let index = 0; index < FREEZES + WINDOWS; index += 1) {
    const freeze = index < FREEZES
    const start = new Date(YEAR_START.getTime() + Math.floor(rnd() * 360) * DAY_MS)
    const spec = {
      start: start.toISOString().slice(0, 16),
      timeZone: 'Europe/Berlin',
      durationMinutes: freeze ? (1 + Math.floor(rnd() * 3)) * 24 * 60 : 6 * 60,
      rrule: freeze ? null : `FREQ=WEEKLY;BYDAY=${pick(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'])}`,
      exceptions: [],
    }
    const onCluster = rnd() < 0.5
    const rule = await db.scheduleRule.create({
      data: {
        kind: freeze ? 'freeze' : 'window',
        name: `${freeze ? 'freeze' : 'window'} ${index}`,
        ...spec,
        scope: onCluster ? 'clusters' : 'nodes',
        items: {
          create: onCluster
            ? [{ kind: 'cluster', itemId: pick(clusters).id }]
            : Array.from({ length: 5 }, () => ({ kind: 'node' as const, itemId: pick(nodes).id })).filter(
                (item, position, all) => all.findIndex((other) => other.itemId === item.itemId) === position,
              ),
        },
      },
    })
    const intervals = expandRecurrence(spec, YEAR_START, new Date(YEAR_START.getTime() + 366 * DAY_MS))
    await db.scheduleOccurrence.createMany({
      data: intervals.map((interval) => ({ ruleId: rule.id, startsAt: interval.start, endsAt: interval.end })),
    })
  }
  await db.$executeRawUnsafe('ANALYZE')
  const [counts] = await db.$queryRawUnsafe<Record<string, bigint>[]>(`
    SELECT (SELECT count(*) FROM change_requests) AS changes, (SELECT count(*) FROM change_items) AS items,
           (SELECT count(*) FROM schedule_bookings) AS bookings, (SELECT count(*) FROM nodes) AS nodes,
           (SELECT count(*) FROM schedule_rules WHERE kind = 'freeze') AS freezes,
           (SELECT count(*) FROM schedule_rules WHERE kind = 'window') AS windows,
           (SELECT count(*) FROM schedule_occurrences) AS occurrences`)
  return {
    seconds: (performance.now() - started) / 1000,
    counts: Object.fromEntries(Object.entries(counts ?? {}).map(([key, value]) => [key, Number(value)])),
    nodes: nodes.map((node) => node.id),
  }
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

async function measure(run: (iteration: number) => Promise<unknown>) {
  for (let i = 0; i < WARMUP; i += 1) await run(-1 - i)
  const times: number[] = []
  for (let i = 0; i < ITERATIONS; i += 1) {
    const started = performance.now()
    await run(i)
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1) ?? Number.NaN }
}

async function main() {
  const database = await createBenchDatabase(ADMIN_URL)
  const db = createDb({ connectionString: database.url, maxConnections: 5 })
  try {
    console.log(
      `seeding ${CHANGES.toLocaleString('en')} changes on ${(CLUSTERS * NODES_PER_CLUSTER).toLocaleString('en')} nodes ...`,
    )
    const seeded = await seed(db)
    console.log(`seeded in ${seeded.seconds.toFixed(1)} s:`, seeded.counts)
    const rnd = random(7)
    const intervals = Array.from({ length: ITERATIONS + WARMUP }, () => {
      const start = new Date(YEAR_START.getTime() + Math.floor(rnd() * 360 * 96) * 15 * 60_000)
      return { start, end: new Date(start.getTime() + 4 * 3_600_000) }
    })
    const at = (iteration: number) =>
      intervals[(iteration + intervals.length) % intervals.length] as (typeof intervals)[number]
    // Five whole clusters' worth of nodes (1,000), a different five each time.
    const checkedNodes = (iteration: number) => {
      const offset = ((iteration + WARMUP) * 200) % (seeded.nodes.length - CHECKED_NODES)
      return seeded.nodes.slice(offset, offset + CHECKED_NODES).map((id) => ({ kind: 'node' as const, id }))
    }
    const implementer = await db.user.findFirstOrThrow({ select: { id: true } })
    const baseline = await measure((iteration) => {
      const { start, end } = at(iteration)
      const node = checkedNodes(iteration)[0]?.id as string
      return db.$queryRaw`SELECT change_id FROM schedule_bookings
        WHERE item_id = ${node}::uuid AND active AND period && tstzrange(${start}::timestamptz, ${end}::timestamptz, '[)')`
    })
    let lastConflicts = 0
    let lastItems = 0
    const check = await measure(async (iteration) => {
      const { start, end } = at(iteration)
      const found = await findConflicts(db, {
        items: checkedNodes(iteration),
        start,
        end,
        category: 'software',
        implementerId: implementer.id,
        compatible: false,
      })
      lastConflicts = found.length
      lastItems = found.reduce((sum, conflict) => sum + conflict.items.length, 0)
    })
    const goals = { p50: check.p50 < 50, p99: check.p99 < 150 }
    const rows = [
      ['baseline: one node, one overlap query', baseline],
      ['conflict check: 1,000-node change', check],
    ] as const
    console.log(`\n  ${'query'.padEnd(40)}  ${'p50 ms'.padStart(8)}  ${'p99 ms'.padStart(8)}  ${'max ms'.padStart(8)}`)
    for (const [name, figures] of rows) {
      console.log(
        `  ${name.padEnd(40)}  ${figures.p50.toFixed(2).padStart(8)}  ${figures.p99.toFixed(2).padStart(8)}  ${figures.max.toFixed(2).padStart(8)}`,
      )
    }
    console.log(`\n  last check: ${lastConflicts} grouped conflicts naming ${lastItems} items`)
    console.log(`  goals: p50 < 50 ms ${goals.p50 ? 'met' : 'MISSED'}, p99 < 150 ms ${goals.p99 ? 'met' : 'MISSED'}`)
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim()
    mkdirSync(resolve(ROOT, '.data/bench'), { recursive: true })
    writeFileSync(
      RESULT_FILE,
      JSON.stringify(
        {
          commit,
          at: new Date().toISOString(),
          cpus: cpus().length,
          loadavg: loadavg(),
          postgres: database.settings,
          seeded: seeded.counts,
          iterations: ITERATIONS,
          baseline,
          check,
          goals,
        },
        null,
        2,
      ),
    )
    console.log(`  written to ${RESULT_FILE}`)
    if (!goals.p50 || !goals.p99) process.exitCode = 1
  } finally {
    await db.$disconnect()
    // BENCH_SCHEDULE_KEEP_DB=1 keeps the database for EXPLAIN ANALYZE; drop it by hand afterwards.
    if (process.env.BENCH_SCHEDULE_KEEP_DB === '1') console.log(`  kept database ${database.name}`)
    else await database.drop()
  }
}

await main()
