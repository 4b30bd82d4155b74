// Exports 1,000,000 audit events as CSV through the real HTTP route, beside psql's `\copy ... to
// stdout csv` of the same rows in the same run: rows/s of each, and the API process's RSS before,
// at its peak during the exports (sampled every 50 ms) and the difference. The API runs as
// ./scripts/start runs it (scripts/run-server: the bundle under plain node) and, for
// comparison, as `./scripts/start --dev` does (the TypeScript sources through the tsx loader).
// Run with `pnpm bench:export`; see docs/benchmarks.md.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createDb } from '@cabinet/db'
import { hashPassword } from '../apps/api/src/modules/auth/passwords'
import { BENCH_PASSWORD, ROOT, createBenchDatabase, requireServices } from './bench-setup'
import { buildServerApp } from '../scripts/build-server'

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

/**
 * Runs `command | wc -lc` in a shell and times it: the reader is another process for both sides,
 * so this process's CPU and memory are the API's alone.
 */
function timedPipe(command: string, env: Record<string, string>): Promise<Run> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint()
    const child = spawn('bash', ['-o', 'pipefail', '-c', `${command} | wc -lc`], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.on('error', fail)
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`${command} exited with ${code}`))
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const [lines = 0, bytes = 0] = output.trim().split(/\s+/).map(Number)
      // Both outputs start with a header line.
      const rows = lines - 1
      done({ seconds, bytes, rows, rowsPerSecond: Math.round(rows / seconds) })
    })
  })
}

/** psql's client-side COPY of the same rows, in chain order. */
function psqlCopy(databaseUrl: string): Promise<Run> {
  const sql =
    '\\copy (SELECT seq, id, at, actor_id, actor_name, action, entity_type, entity_id, change_id, before, after, ' +
    'request_id, prev_hash, hash FROM audit_events ORDER BY seq) to stdout csv header'
  return timedPipe('psql "$BENCH_DB" -X -q -c "$BENCH_SQL"', { BENCH_DB: databaseUrl, BENCH_SQL: sql })
}

/** GET /api/v1/audit/export over real HTTP, read by curl. */
function httpExport(url: string, headers: Record<string, string>): Promise<Run> {
  return timedPipe('curl -sS --fail -H "cookie: $BENCH_COOKIE" "$BENCH_URL"', {
    BENCH_COOKIE: headers.cookie ?? '',
    BENCH_URL: `${url}/api/v1/audit/export?format=csv`,
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

type Runtime = 'tsx' | 'node'

/**
 * The API as a process of its own: its memory is then the export's and nothing else's. `node` is
 * what ./scripts/start runs: `scripts/run-server api` on apps/api/dist/main.mjs, built here the
 * same way. `tsx` is what `./scripts/start --dev` runs (`pnpm exec tsx apps/api/src/main.ts` starts exactly this node
 * process, with the tsx loader, as a child).
 */
async function startApi(databaseUrl: string, prefix: string, runtime: Runtime) {
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  if (runtime === 'node') await buildServerApp('api')
  // run-server execs node on the bundle with the deployed memory settings: its pid is node's.
  const [command, args] =
    runtime === 'node'
      ? [resolve(ROOT, 'scripts/run-server'), ['api']]
      : [process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts']]
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      PORT: String(port),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`)
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    )
    if (ready) return { url, child }
    await sleep(100)
  }
  child.kill('SIGTERM')
  throw new Error('the API did not become ready in 60 s')
}

/** Resident set now and its high-water mark since the process started (Linux /proc), in bytes. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024
  return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}

/** Samples the process's RSS every 50 ms until stopped: the peak while something ran. */
function rssSampler(pid: number) {
  let peak = memoryOf(pid).rss
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryOf(pid).rss)
  }, 50)
  return {
    stop() {
      clearInterval(timer)
      return Math.max(peak, memoryOf(pid).rss)
    },
  }
}

interface ApiMemory {
  runtime: Runtime
  /** Idle, signed in, before any export. */
  beforeMb: number
  /** The highest RSS sampled while the exports ran. */
  peakDuringMb: number
  deltaMb: number
  /** VmHWM: the high-water mark over the whole process life (start-up included). */
  lifetimePeakMb: number
}

/** Starts the API under one runtime, runs the rounds (psql, then the export, alternately), stops it. */
async function measure(databaseUrl: string, prefix: string, email: string, runtime: Runtime) {
  const api = await startApi(databaseUrl, prefix, runtime)
  const pid = api.child.pid ?? 0
  try {
    const headers = await signIn(api.url, email)
    const before = memoryOf(pid)
    const copies: Run[] = []
    const exports: Run[] = []
    const sampler = rssSampler(pid)
    for (let round = 1; round <= ROUNDS; round += 1) {
      copies.push(await psqlCopy(databaseUrl))
      exports.push(await httpExport(api.url, headers))
      console.log(
        `  ${runtime} round ${round}: psql \\copy ${copies.at(-1)?.rowsPerSecond} rows/s, ` +
          `GET /api/v1/audit/export ${exports.at(-1)?.rowsPerSecond} rows/s (load ${(loadavg()[0] ?? 0).toFixed(2)})`,
      )
    }
    const peakDuring = sampler.stop()
    const memory: ApiMemory = {
      runtime,
      beforeMb: mb(before.rss),
      peakDuringMb: mb(peakDuring),
      deltaMb: mb(peakDuring - before.rss),
      lifetimePeakMb: mb(memoryOf(pid).peak),
    }
    return { copies, exports, memory }
  } finally {
    api.child.kill('SIGTERM')
    await new Promise((done) => api.child.once('exit', done))
  }
}

async function main() {
  await requireServices(PG_URL, REDIS_URL)
  console.log('[bench] creating and migrating a private database')
  const database = await createBenchDatabase(PG_URL)
  const db = createDb({ connectionString: database.url, maxConnections: 2 })
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
    const loadBefore = loadavg()[0] ?? 0
    console.log(
      `[bench] ${EVENTS.toLocaleString('en')} events, ${ROUNDS} rounds of each per runtime, ${cpus().length} CPUs, ` +
        `load average ${loadBefore.toFixed(2)}; psql, curl, Postgres and the API share the CPUs`,
    )
    const prefix = `bench:${database.name}`
    const node = await measure(database.url, prefix, auditor.email, 'node')
    const tsx = await measure(database.url, prefix, auditor.email, 'tsx')
    const loadAfter = loadavg()[0] ?? 0
    const copy = best([...tsx.copies, ...node.copies])
    const exported = best(node.exports)
    const exportedTsx = best(tsx.exports)
    // The auditor's sign-ins are more events: both read every row there is.
    for (const run of [exported, exportedTsx]) {
      if (run.rows < EVENTS || Math.abs(run.rows - copy.rows) > 2) {
        throw new Error(`row counts differ: export ${run.rows}, psql ${copy.rows}, inserted ${EVENTS}`)
      }
    }
    const ratio = Math.round((exported.rowsPerSecond / copy.rowsPerSecond) * 100) / 100
    const figures = {
      at: new Date().toISOString(),
      commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim(),
      events: EVENTS,
      cpus: cpus().length,
      loadAverage: { before: loadBefore, after: loadAfter },
      settings: database.settings,
      psqlCopy: { ...copy, mb: mb(copy.bytes) },
      httpExport: { ...exported, mb: mb(exported.bytes) },
      httpExportTsx: { ...exportedTsx, mb: mb(exportedTsx.bytes) },
      ratio,
      apiMemory: [node.memory, tsx.memory],
      goals: GOALS,
    }
    console.log(
      `\n  psql \\copy csv               ${copy.rowsPerSecond} rows/s  (${copy.seconds.toFixed(2)} s, ${mb(copy.bytes)} MB)`,
    )
    console.log(
      `  GET /audit/export csv (node) ${exported.rowsPerSecond} rows/s  (${exported.seconds.toFixed(2)} s, ${mb(exported.bytes)} MB)`,
    )
    console.log(
      `  GET /audit/export csv (tsx)  ${exportedTsx.rowsPerSecond} rows/s  (${exportedTsx.seconds.toFixed(2)} s)`,
    )
    console.log(`  ratio ${ratio} (node, as deployed; goal >= ${GOALS.minRatio})`)
    for (const memory of [node.memory, tsx.memory]) {
      console.log(
        `  API RSS under ${memory.runtime.padEnd(4)}: ${memory.beforeMb} MB before, peak ${memory.peakDuringMb} MB during ` +
          `the exports (+${memory.deltaMb} MB), ${memory.lifetimePeakMb} MB high-water mark (goal < ${GOALS.maxPeakRssMb} MB)`,
      )
    }
    console.log(`  load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`)
    mkdirSync(resolve(ROOT, '.data/bench'), { recursive: true })
    writeFileSync(RESULT_FILE, `${JSON.stringify(figures, null, 2)}\n`)
    console.log(`[bench] figures written to ${RESULT_FILE}`)
    if (ratio < GOALS.minRatio || node.memory.peakDuringMb >= GOALS.maxPeakRssMb) {
      console.log('[bench] a goal was missed')
      failed = true
    }
  } finally {
    await db.$disconnect()
    await database.drop()
  }
  if (failed) process.exitCode = 1
}

await main()
