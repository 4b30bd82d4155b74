// Runs once per test run and project: migrates a fresh template database that every test file
// clones. The name is unique per run, so two runs on one Postgres never drop each other's template.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { databaseUrl, testPostgresAdminUrl } from './test-env'

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string
  }
}

const ROOT = resolve(import.meta.dirname, '../../../..')

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: testPostgresAdminUrl() })
  try {
    await client.connect()
  } catch (error) {
    throw new Error(
      `cannot reach the test Postgres at ${testPostgresAdminUrl()}: run ./scripts/test, or set CABINET_TEST_PG_URL`,
      { cause: error },
    )
  }
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

export default async function setup(project: TestProject) {
  const template = `cabinet_template_${randomBytes(4).toString('hex')}`
  await admin(`CREATE DATABASE ${template}`)
  execFileSync('pnpm', ['exec', 'prisma', 'migrate', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl(template) },
    stdio: 'pipe',
  })
  project.provide('templateDatabase', template)
  return async () => {
    await admin(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)
  }
}
