// The one way to get a Prisma client: driver adapter over node-postgres, with a bounded pool.
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient } from './generated/prisma/client'

export type Db = PrismaClient
/** A client inside `db.$transaction(async (tx) => ...)`: repositories accept either. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0]
export type DbOrTx = Db | Tx

export interface DbOptions {
  connectionString: string
  /** Pool size per process; Postgres' default max_connections is 100 across API, worker and tools. */
  maxConnections?: number
}

export function createDb({ connectionString, maxConnections = 10 }: DbOptions): Db {
  const adapter = new PrismaPg({ connectionString, max: maxConnections })
  return new PrismaClient({ adapter })
}
