// Set-up for the API benchmark: reaches the test services, creates, migrates, seeds and drops a
// private database, so every run starts from the same small catalog and leaves nothing behind.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { resolve } from 'node:path'
import pg from 'pg'
import type { Db } from '@cabinet/db'
import { hashPassword } from '../apps/api/src/modules/auth/passwords'

export const ROOT = resolve(import.meta.dirname, '..')

const START_SERVICES_HINT = [
  'run ./scripts/bench (what pnpm bench:api does): it starts a Postgres and Redis of its own; or start the test ones:',
  '  source scripts/lib/common.sh && ensure_postgres "$PWD/.data/test/pg" 54330 && ensure_redis "$PWD/.data/test/redis" 63800',
  'or point CABINET_BENCH_PG_URL / CABINET_BENCH_REDIS_URL at running ones.',
].join('\n')

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const parsed = new URL(url)
  return new Promise((done) => {
    const socket = connect({ host: parsed.hostname, port: Number(parsed.port || defaultPort) })
    socket.setTimeout(1500)
    socket.on('connect', () => {
      socket.end()
      done(true)
    })
    socket.on('error', () => done(false))
    socket.on('timeout', () => {
      socket.destroy()
      done(false)
    })
  })
}

export async function requireServices(pgUrl: string, redisUrl: string): Promise<void> {
  const missing = [
    ...((await reachable(pgUrl, 5432)) ? [] : [`Postgres at ${pgUrl}`]),
    ...((await reachable(redisUrl, 6379)) ? [] : [`Redis at ${redisUrl}`]),
  ]
  if (missing.length > 0) throw new Error(`cannot reach ${missing.join(' and ')}.\n${START_SERVICES_HINT}`)
}

async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await run(client)
  } finally {
    await client.end()
  }
}

export interface BenchDatabase {
  name: string
  url: string
  /** Server settings that change what a commit costs; recorded with the figures. */
  settings: { serverVersion: string; fsync: string; synchronousCommit: string; maxConnections: string }
  drop(): Promise<void>
}

/** Creates and migrates a database of its own, with `prisma migrate deploy` exactly as a deployment does. */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `cabinet_bench_${randomBytes(4).toString('hex')}`
  const settings = await withAdmin(adminUrl, async (client) => {
    await client.query(`CREATE DATABASE ${name}`)
    const show = async (setting: string) =>
      ((await client.query(`SHOW ${setting}`)).rows[0] as Record<string, string>)[setting] ?? '?'
    return {
      serverVersion: await show('server_version'),
      fsync: await show('fsync'),
      synchronousCommit: await show('synchronous_commit'),
      maxConnections: await show('max_connections'),
    }
  })
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const drop = () => withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
  try {
    execFileSync('pnpm', ['exec', 'prisma', 'migrate', 'deploy'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url.toString() },
      stdio: 'pipe',
    })
  } catch (error) {
    await drop()
    const output = (error as { stderr?: Buffer; stdout?: Buffer }).stderr?.toString() ?? ''
    throw new Error(`migrating the bench database failed:\n${output}`, { cause: error })
  }
  return { name, url: url.toString(), settings, drop: async () => void (await drop()) }
}

export const BENCH_PASSWORD = 'bench password, not a secret'

export interface BenchCatalog {
  requesterEmail: string
  nodeIds: string[]
}

/** A cluster of 50 H100 nodes, a service running on it, and one requester. */
export async function seedBenchCatalog(db: Db): Promise<BenchCatalog> {
  const passwordHash = await hashPassword(BENCH_PASSWORD)
  const cluster = await db.cluster.create({
    data: { name: 'bench-h100', region: 'bench', cudaVersions: ['12.4'] },
  })
  await db.node.createMany({
    data: Array.from({ length: 50 }, (_, index) => ({
      hostname: `bench-h100-${String(index + 1).padStart(2, '0')}`,
      clusterId: cluster.id,
      gpuModel: 'H100' as const,
      gpuCount: 8,
      driverVersion: '550.54.15',
      cudaVersion: '12.4',
      transport: 'simulated' as const,
    })),
  })
  await db.service.create({
    data: {
      name: 'bench-inference',
      criticality: 3,
      userCount: 500,
      clusters: { create: [{ clusterId: cluster.id }] },
    },
  })
  const requester = await db.user.create({
    data: { email: 'requester@bench.example', name: 'Bench Requester', passwordHash, roles: ['requester'] },
  })
  const nodes = await db.node.findMany({ orderBy: { hostname: 'asc' }, select: { id: true } })
  return { requesterEmail: requester.email, nodeIds: nodes.map((node) => node.id) }
}
