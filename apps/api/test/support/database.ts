// A private database per test file, cloned from the migrated template in milliseconds.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import { createDb, type Db } from '@cabinet/db'
import { databaseUrl, testPostgresAdminUrl } from './test-env'

export interface TestDatabase {
  name: string
  url: string
  db: Db
  drop(): Promise<void>
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testPostgresAdminUrl() })
  await client.connect()
  try {
    return await run(client)
  } finally {
    await client.end()
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`
  await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`))
  const url = databaseUrl(name)
  const db = createDb({ connectionString: url, maxConnections: 30 })
  return {
    name,
    url,
    db,
    async drop() {
      await db.$disconnect()
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    },
  }
}
