// Exports 1,000,000 audit events as CSV through the real HTTP route, beside psql's `\copy ... to
// stdout csv` of the same rows in the same run: rows/s of each and the API process's peak RSS.
// Run with `pnpm bench:export`; see docs/benchmarks.md.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { cpus, loadavg } from 'node:os'
import { resolve } from 'node:path'
import pino from 'pino'
import { createJobProducer } from '@cabinet/queue'
import { buildApp, createRedis, readConfig, systemClock } from '@cabinet/api'
import { createDb } from '@cabinet/db'
import { hashPassword } from '../apps/api/src/modules/auth/passwords'
import { BENCH_PASSWORD, ROOT, createBenchDatabase, requireServices } from './bench-setup'

const PG_URL = process.env.CABINET_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:54330/postgres'
const REDIS_URL = process.env.CABINET_BENCH_REDIS_URL ?? 'redis://127.0.0.1:63800'
const EVENTS = Number(process.env.BENCH_EXPORT_EVENTS ?? 1_000_000)
const ROUNDS = Number(process.env.BENCH_EXPORT_ROUNDS ?? 2)
const GOALS = { minRatio: 0.5, maxPeakRssMb: 200 }
const RESULT_FILE = resolve(ROOT, '.data/bench/export.json')
const INSERT_CHUNK = 250_000

interface Run {
  seconds: number
  bytes: number
  rows: number
  rowsPerSecond: number
}

/** Rows shaped like real events: a before and after document, a request id, hex hashes. */
async function insertEvents(db: ReturnType<typeof createDb>) {
  for (let start = 1; start <= EVENTS; start += INSERT_CHUNK) {
    const end = Math.min(EVENTS, start + INSERT_CHUNK - 1)
    await db.$executeRawUnsafe(`
      INSERT INTO audit_events (at, actor_id, actor_name, action, entity_type, entity_id, change_id, before, after,
                                request_id, prev_hash, hash)
      SELECT timestamptz '2026-01-01' + g * interval '10 milliseconds', gen_random_uuid(), 'Bench Actor ' || (g % 50),
             (ARRAY['change.created', 'change.updated', 'change.submit', 'node.drained'])[1 + g % 4],
             'change', gen_random_uuid()::text, NULL,
             jsonb_build_object('state', 'assess', 'title', 'Upgrade driver, batch ' || g),
             jsonb_build_object('state', 'authorize', 'title', 'Upgrade driver, batch ' || g, 'version', g % 9),
             'req-' || g, md5(g::text) || md5('p' || g), md5('h' || g) || md5(g::text || 'h')
      FROM generate_series(${start}, ${end}) AS g`)
    process.stdout.write(`\r[bench] inserted ${end.toLocaleString('en')} of ${EVENTS.toLocaleString('en')} events`)
  }
  process.stdout.write('\n')
  await db.$executeRawUnsafe('VACUUM ANALYZE audit_events')
}

/** psql's client-side COPY of the same rows, in chain order, to a pipe this process drains. */
function psqlCopy(databaseUrl: string): Promise<Run> {
  const sql =
    '\\copy (SELECT seq, id, at, actor_id, actor_name, action, entity_type, entity_id, change_id, before, after, ' +
    'request_id, prev_hash, hash FROM audit_events ORDER BY seq) to stdout csv header'
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint()
    const child = spawn('psql', [databaseUrl, '-X', '-q', '-c', sql], { stdio: ['ignore', 'pipe', 'inherit'] })
    let bytes = 0
    let rows = -1
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length
      for (const byte of chunk) if (byte === 0x0a) rows += 1
    })
    child.on('error', fail)
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`psql exited with ${code}`))
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      done({ seconds, bytes, rows, rowsPerSecond: Math.round(rows / seconds) })
    })
  })
}

/** GET /api/v1/audit/export over real HTTP, drained as fast as it comes. */
function httpExport(url: string, headers: Record<string, string>): Promise<Run> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint()
    get(`${url}/api/v1/audit/export?format=csv`, { headers }, (response) => {
      if (response.statusCode !== 200) return fail(new Error(`export answered ${response.statusCode}`))
      let bytes = 0
      let rows = -1
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        for (const byte of chunk) if (byte === 0x0a) rows += 1
      })
      response.on('error', fail)
      response.on('end', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9
        done({ seconds, bytes, rows, rowsPerSecond: Math.round(rows / seconds) })
      })
    }).on('error', fail)
  })
}

async function signIn(url: string, email: string): Promise<Record<string, string>> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  })
  if (response.status !== 200) throw new Error(`bench sign-in failed: ${response.status}`)
  const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith('cabinet_session='))
  if (!session) throw new Error('bench sign-in returned no session cookie')
  return { cookie: session.split(';')[0] as string }
}

const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10
const best = (runs: Run[]) => runs.reduce((a, b) => (b.rowsPerSecond > a.rowsPerSecond ? b : a))

async function main() {
  await requireServices(PG_URL, REDIS_URL)
  console.log('[bench] creating and migrating a private database')
  const database = await createBenchDatabase(PG_URL)
  const config = readConfig({
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_PREFIX: `bench:${database.name}`,
    LOG_LEVEL: 'warn',
  })
  const db = createDb({ connectionString: config.DATABASE_URL, maxConnections: config.DB_POOL_SIZE })
  const redis = createRedis(config.REDIS_URL, 'cabinet-bench')
  let failed = false
  try {
    await insertEvents(db)
    const auditor = await db.user.create({
      data: {
        email: 'auditor@bench.example',
        name: 'Bench Auditor',
        passwordHash: await hashPassword(BENCH_PASSWORD),
        roles: ['auditor'],
      },
    })
    const jobs = createJobProducer({ connection: redis, prefix: config.REDIS_PREFIX })
    const app = await buildApp({ config, db, redis, clock: systemClock, logger: pino({ level: 'warn' }), jobs })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    try {
      const headers = await signIn(url, auditor.email)
      const rssBefore = process.memoryUsage().rss
      let peakRss = rssBefore
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss)
      }, 10)
      console.log(
        `[bench] ${EVENTS.toLocaleString('en')} events, ${ROUNDS} rounds of each, ${cpus().length} CPUs, ` +
          `load average ${(loadavg()[0] ?? 0).toFixed(2)}; psql, Postgres and this process share the CPUs`,
      )
      const copies: Run[] = []
      const exports: Run[] = []
      for (let round = 1; round <= ROUNDS; round += 1) {
        copies.push(await psqlCopy(database.url))
        exports.push(await httpExport(url, headers))
        console.log(
          `  round ${round}: psql \\copy ${copies.at(-1)?.rowsPerSecond} rows/s, ` +
            `GET /api/v1/audit/export ${exports.at(-1)?.rowsPerSecond} rows/s`,
        )
      }
      clearInterval(sampler)
      const copy = best(copies)
      const exported = best(exports)
      // The auditor's sign-in is one more event: both read every row there is.
      if (exported.rows !== copy.rows || copy.rows < EVENTS) {
        throw new Error(`row counts differ: export ${exported.rows}, psql ${copy.rows}, inserted ${EVENTS}`)
      }
      const ratio = Math.round((exported.rowsPerSecond / copy.rowsPerSecond) * 100) / 100
      const figures = {
        at: new Date().toISOString(),
        commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim(),
        events: EVENTS,
        cpus: cpus().length,
        settings: database.settings,
        psqlCopy: { ...copy, mb: mb(copy.bytes) },
        httpExport: { ...exported, mb: mb(exported.bytes) },
        ratio,
        rssBeforeMb: mb(rssBefore),
        peakRssMb: mb(peakRss),
        goals: GOALS,
      }
      console.log(
        `\n  psql \\copy csv          ${copy.rowsPerSecond} rows/s  (${copy.seconds.toFixed(2)} s, ${mb(copy.bytes)} MB)`,
      )
      console.log(
        `  GET /audit/export csv   ${exported.rowsPerSecond} rows/s  (${exported.seconds.toFixed(2)} s, ${mb(exported.bytes)} MB)`,
      )
      console.log(`  ratio ${ratio} (goal >= ${GOALS.minRatio})`)
      console.log(
        `  API process RSS: ${mb(rssBefore)} MB before, peak ${mb(peakRss)} MB (goal < ${GOALS.maxPeakRssMb} MB)`,
      )
      mkdirSync(resolve(ROOT, '.data/bench'), { recursive: true })
      writeFileSync(RESULT_FILE, `${JSON.stringify(figures, null, 2)}\n`)
      console.log(`[bench] figures written to ${RESULT_FILE}`)
      if (ratio < GOALS.minRatio || mb(peakRss) >= GOALS.maxPeakRssMb) {
        console.log('[bench] a goal was missed')
        failed = true
      }
    } finally {
      await app.close()
      await jobs.close()
    }
  } finally {
    await redis.quit()
    await db.$disconnect()
    await database.drop()
  }
  if (failed) process.exitCode = 1
}

await main()
