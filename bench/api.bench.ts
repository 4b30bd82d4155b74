// Measures POST /api/v1/changes against a baseline measured in the same run: a bare INSERT through
// the same app, pool and Postgres. Run with `pnpm bench:api`; see docs/benchmarks.md.
import autocannon from 'autocannon'
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pino from 'pino'
import { createJobProducer } from '@cabinet/queue'
import { buildApp, createRedis, readConfig, systemClock } from '@cabinet/api'
import type { CreateChangeBody } from '@cabinet/contracts'
import { createDb } from '@cabinet/db'
import { BENCH_PASSWORD, ROOT, createBenchDatabase, requireServices, seedBenchCatalog } from './bench-setup'

const PG_URL = process.env.CABINET_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:54330/postgres'
const REDIS_URL = process.env.CABINET_BENCH_REDIS_URL ?? 'redis://127.0.0.1:63800'
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10)
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 2)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const DB_POOL_SIZE = process.env.DB_POOL_SIZE ?? '10'
/** The goals, as agreed for this 2-core machine at 50 connections. */
const GOALS = { minRatio: 0.5, maxP99Ms: 50 }
const LOOP_SAMPLE_MS = 10
const RESULT_FILE = resolve(ROOT, '.data/bench/api.json')

interface RouteFigures {
  route: string
  requests: number
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** How late the shared event loop ran timers: high values mean the process itself is CPU-bound. */
  eventLoopDelayP99Ms: number
  /** CPU time of this process (app and autocannon together) per second of the run: 100 is one core. */
  processCpuPercent: number
  non2xx: number
  errors: number
  sampleError: string | null
}

interface Target {
  route: string
  path: string
  headers: Record<string, string>
  /** A fresh body per request, so no two changes are identical. */
  body: (sequence: number) => string
}

/** Requests the app has received and not yet answered, so one phase never spills into the next. */
interface InFlight {
  drained(): Promise<void>
}

/** Numbers every request body of the run, warm-up included, so no two changes have the same title. */
let sequence = 0

async function drive(
  url: string,
  target: Target,
  durationS: number,
  inFlight: InFlight,
  connections = CONNECTIONS,
): Promise<RouteFigures> {
  let sampleError: string | null = null
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS })
  loopDelay.enable()
  const cpuBefore = process.cpuUsage()
  const startedAt = performance.now()
  const result = await autocannon({
    url,
    connections,
    duration: durationS,
    requests: [
      {
        method: 'POST',
        path: target.path,
        headers: { 'content-type': 'application/json', ...target.headers },
        setupRequest: (request) => ({ ...request, body: target.body(sequence++) }),
        onResponse: (status, body) => {
          if ((status < 200 || status > 299) && sampleError === null) sampleError = `${status} ${body.slice(0, 2000)}`
        },
      },
    ],
  })
  loopDelay.disable()
  const cpu = process.cpuUsage(cpuBefore)
  const processCpuPercent = Math.round((cpu.user + cpu.system) / 10 / (performance.now() - startedAt))
  // autocannon drops its sockets when time is up; requests already inside the app keep running.
  await inFlight.drained()
  return {
    route: target.route,
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.total / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    // The histogram records each sample's whole interval; the delay is what exceeds it.
    eventLoopDelayP99Ms: Math.max(0, Math.round((loopDelay.percentile(99) / 1e6 - LOOP_SAMPLE_MS) * 10) / 10),
    processCpuPercent,
    non2xx: result.non2xx,
    errors: result.errors,
    sampleError,
  }
}

async function measure(url: string, target: Target, inFlight: InFlight): Promise<RouteFigures> {
  console.log(`  ${target.route}: warming up ${WARMUP_S} s, then measuring ${DURATION_S} s`)
  const warmup = await drive(url, target, WARMUP_S, inFlight)
  if (warmup.non2xx > 0 || warmup.errors > 0) return warmup
  return drive(url, target, DURATION_S, inFlight)
}

function trackInFlight(app: Awaited<ReturnType<typeof buildApp>>): InFlight {
  type Socketed = { raw: { socket: { destroyed: boolean } | null } }
  const received = new Map<string, Socketed>()
  const handling = new Set<string>()
  app.addHook('onRequest', async (request) => {
    received.set(request.id, request)
  })
  app.addHook('preHandler', async (request) => {
    handling.add(request.id)
  })
  // onSend, not onResponse: a reply to a socket autocannon already closed never "finishes".
  app.addHook('onSend', async (request) => {
    received.delete(request.id)
    handling.delete(request.id)
  })
  // A request whose socket autocannon closed before its handler began goes no further; one that
  // reached its handler runs to the end, and that is what must be over before the next phase.
  const pending = () =>
    [...received].filter(([id, request]) => handling.has(id) || request.raw.socket?.destroyed === false).length
  return {
    async drained() {
      const deadline = Date.now() + 60_000
      while (pending() > 0) {
        if (Date.now() > deadline) throw new Error(`${pending()} requests still running a minute after the run`)
        await sleep(20)
      }
      received.clear()
    },
  }
}

function changeBody(nodeIds: string[]) {
  const plannedStart = new Date(Date.now() + 14 * 24 * 3600_000)
  const plannedEnd = new Date(plannedStart.getTime() + 4 * 3600_000)
  return (sequence: number): string => {
    // Four neighbouring nodes, walking the cluster, so changes overlap the way real ones do.
    const first = (sequence * 4) % nodeIds.length
    const nodes = [0, 1, 2, 3].map((offset) => nodeIds[(first + offset) % nodeIds.length] as string)
    const body: CreateChangeBody = {
      type: 'normal',
      category: 'infrastructure',
      subcategory: 'gpu-driver',
      title: `Bench: driver 570.86.15 on four H100 nodes #${sequence}`,
      description: 'Upgrade the NVIDIA datacenter driver from 550.54.15 to 570.86.15.',
      justification: 'CUDA 12.8 workloads need driver 570 or later.',
      plannedStart: plannedStart.toISOString(),
      plannedEnd: plannedEnd.toISOString(),
      affectedItems: nodes.map((id) => ({ kind: 'node' as const, id })),
      implementationPlan: 'Drain, install the driver package, reboot, validate with DCGM diag level 1, resume.',
      rollbackPlan: 'Reinstall 550.54.15 from the local mirror and reboot.',
      riskQuestionnaire: {
        experience: 'done-before',
        automation: 'automated',
        testedInStaging: true,
        rollbackTested: true,
        requiresDowntime: true,
        userVisible: false,
      },
      targetDriverVersion: '570.86.15',
    }
    return JSON.stringify(body)
  }
}

async function signIn(url: string, email: string): Promise<Record<string, string>> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  })
  if (response.status !== 200) throw new Error(`bench sign-in failed: ${response.status} ${await response.text()}`)
  const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith('cabinet_session='))
  if (!session) throw new Error('bench sign-in returned no session cookie')
  const { csrfToken } = (await response.json()) as { csrfToken: string }
  return { cookie: session.split(';')[0] as string, 'x-csrf-token': csrfToken }
}

/** Which code was measured: the commit, and whether the working tree differed from it. */
function sourceVersion(): { commit: string; dirty: boolean } {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()
    return { commit: git('rev-parse', '--short', 'HEAD'), dirty: git('status', '--porcelain').length > 0 }
  } catch {
    return { commit: 'unknown', dirty: false }
  }
}

function printTable(rows: RouteFigures[]) {
  const header = [
    'route',
    'requests/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    'requests',
    'non-2xx',
    'loop delay p99 ms',
    'process CPU %',
  ]
  const lines = rows.map((row) => [
    row.route,
    String(row.requestsPerSecond),
    String(row.p50Ms),
    String(row.p99Ms),
    String(row.maxMs),
    String(row.requests),
    String(row.non2xx),
    String(row.eventLoopDelayP99Ms),
    String(row.processCpuPercent),
  ])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)),
  )
  const format = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0)))
  console.log(`\n  ${format(header).join('  ')}`)
  console.log(`  ${widths.map((width) => '-'.repeat(width)).join('  ')}`)
  for (const line of lines) console.log(`  ${format(line).join('  ')}`)
}

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
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    DB_POOL_SIZE,
  })
  const db = createDb({ connectionString: config.DATABASE_URL, maxConnections: config.DB_POOL_SIZE })
  const redis = createRedis(config.REDIS_URL, 'cabinet-bench')
  let failed = false
  try {
    const catalog = await seedBenchCatalog(db)
    const jobs = createJobProducer({ connection: redis, prefix: config.REDIS_PREFIX })
    const app = await buildApp({ config, db, redis, clock: systemClock, logger: pino({ level: 'warn' }), jobs })
    const inFlight = trackInFlight(app)
    // The baseline: same Fastify instance, same Prisma client and pool, one INSERT and nothing else.
    // Outside /api, so the access hook leaves it alone.
    app.post('/bench/baseline', async (request, reply) => {
      const payload = JSON.stringify(request.body)
      await db.$executeRaw`INSERT INTO bench_pings (payload) VALUES (${payload})`
      return reply.status(201).send({ ok: true })
    })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    try {
      const session = await signIn(url, catalog.requesterEmail)
      const loadBefore = loadavg()[0] ?? 0
      console.log(
        `[bench] ${CONNECTIONS} connections, ${DURATION_S} s per route after ${WARMUP_S} s of warm-up, ` +
          `pool ${config.DB_POOL_SIZE}, ${cpus().length} CPUs, load average ${loadBefore.toFixed(2)} before the run`,
      )
      console.log(
        '[bench] note: autocannon, the API and Postgres share these CPUs: absolute figures understate a ' +
          'dedicated server; the ratio is what carries over',
      )
      const baseline = await measure(
        url,
        {
          route: 'POST /bench/baseline',
          path: '/bench/baseline',
          headers: {},
          body: (sequence) => JSON.stringify({ sequence, note: 'baseline' }),
        },
        inFlight,
      )
      const changes = await measure(
        url,
        {
          route: 'POST /api/v1/changes',
          path: '/api/v1/changes',
          headers: session,
          body: changeBody(catalog.nodeIds),
        },
        inFlight,
      )
      // At saturation, latency is connections / throughput (Little's law), whatever the code does;
      // one connection at a time shows what a single request costs when nothing queues.
      console.log(`  POST /api/v1/changes, one connection: measuring ${DURATION_S} s`)
      const serial = await drive(
        url,
        {
          route: 'POST /api/v1/changes (1 conn)',
          path: '/api/v1/changes',
          headers: session,
          body: changeBody(catalog.nodeIds),
        },
        DURATION_S,
        inFlight,
        1,
      )
      const rows = [baseline, changes, serial]
      printTable(rows)
      const ratio = Math.round((changes.requestsPerSecond / Math.max(baseline.requestsPerSecond, 1)) * 1000) / 1000
      const goals = {
        ratio: { value: ratio, goal: `>= ${GOALS.minRatio}`, met: ratio >= GOALS.minRatio },
        changesP99Ms: { value: changes.p99Ms, goal: `< ${GOALS.maxP99Ms}`, met: changes.p99Ms < GOALS.maxP99Ms },
      }
      console.log(`\n  changes/baseline requests/s: ${ratio}`)
      console.log(`  goal ratio >= ${GOALS.minRatio}: ${goals.ratio.met ? 'met' : 'NOT MET'}`)
      console.log(
        `  goal p99 < ${GOALS.maxP99Ms} ms on POST /api/v1/changes: ${goals.changesP99Ms.met ? 'met' : 'NOT MET'}` +
          ` (${CONNECTIONS} busy connections make it need >= ${Math.ceil((CONNECTIONS * 1000) / GOALS.maxP99Ms)} requests/s)`,
      )
      console.log(
        `  Postgres ${database.settings.serverVersion}, fsync=${database.settings.fsync}, ` +
          `synchronous_commit=${database.settings.synchronousCommit}`,
      )

      mkdirSync(resolve(RESULT_FILE, '..'), { recursive: true })
      const rowsCreated = await db.changeRequest.count()
      writeFileSync(
        RESULT_FILE,
        `${JSON.stringify(
          {
            at: new Date().toISOString(),
            machine: {
              cpus: cpus().length,
              cpuModel: cpus()[0]?.model ?? 'unknown',
              node: process.version,
              loadAverageBefore: loadBefore,
            },
            source: sourceVersion(),
            postgres: database.settings,
            settings: {
              connections: CONNECTIONS,
              durationS: DURATION_S,
              warmupS: WARMUP_S,
              dbPoolSize: config.DB_POOL_SIZE,
            },
            routes: rows,
            ratio,
            goals,
            changesCreated: rowsCreated,
          },
          null,
          2,
        )}\n`,
      )
      console.log(`  written to ${RESULT_FILE}`)

      for (const row of rows) {
        if (row.non2xx > 0 || row.errors > 0) {
          failed = true
          console.error(
            `\n[bench] FAILED: ${row.route} had ${row.non2xx} non-2xx replies and ${row.errors} connection errors`,
          )
          if (row.sampleError) console.error(`  sample: ${row.sampleError}`)
        }
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

main().catch((error: unknown) => {
  console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
