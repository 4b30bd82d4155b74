// Runs once per test run: migrates a fresh template database that every test file clones.
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import pg from 'pg'
import { TEMPLATE_DATABASE, databaseUrl, testPostgresAdminUrl } from './test-env'

const ROOT = resolve(import.meta.dirname, '../../../..')

export default async function setup() {
  if (process.env.CABINET_TEMPLATE_READY === '1') return
  const admin = new pg.Client({ connectionString: testPostgresAdminUrl() })
  try {
    await admin.connect()
  } catch (error) {
    throw new Error(
      `cannot reach the test Postgres at ${testPostgresAdminUrl()}: run ./scripts/test, or set CABINET_TEST_PG_URL`,
      { cause: error },
    )
  }
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`)
  } finally {
    await admin.end()
  }
  execFileSync('pnpm', ['exec', 'prisma', 'migrate', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl(TEMPLATE_DATABASE) },
    stdio: 'pipe',
  })
  // Both projects (api, worker) share one template; the second setup can skip the migration.
  process.env.CABINET_TEMPLATE_READY = '1'
}
