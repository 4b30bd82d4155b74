// A small node-postgres pool for bulk reads of the audit trail. Exports read millions of rows, and
// through Prisma each row is converted and re-serialised several times (six times slower, measured);
// here every value arrives as the text Postgres printed and goes out as it is. Exports go further:
// Postgres formats the rows itself (COPY ... TO STDOUT) and this process only passes bytes on.
import pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import type { Readable } from 'node:stream'

export interface SqlText {
  text: string
  values: unknown[]
}

/**
 * One REPEATABLE READ, READ ONLY transaction on a connection of its own: every statement in it
 * (the chain head, counts, the COPY) sees the same snapshot, so what a manifest states about an
 * export cannot race with writers appending to the chain meanwhile.
 */
export interface ReadSnapshot {
  rows(query: SqlText): Promise<(string | null)[][]>
  /**
   * `COPY (...) TO STDOUT` as a byte stream with backpressure (the socket is read only as fast as
   * the stream is drained). One at a time; `finish` once it has ended.
   */
  copyOut(copySql: string): Readable
  /** Commits and returns the connection; the rows the last COPY sent (its CommandComplete). */
  finish(): Promise<{ copiedRows: number }>
  /**
   * Drops the connection (a COPY abandoned mid-way leaves it unusable); idempotent, and a no-op
   * after `finish`.
   */
  abandon(reason?: Error): void
}

export interface BulkReader {
  /** Every column as text (or null), one array per row. */
  rows(query: SqlText): Promise<(string | null)[][]>
  snapshot(): Promise<ReadSnapshot>
  close(): Promise<void>
}

const asText = (value: string) => value

/**
 * A Prisma.Sql (or any tagged-template pair) as one SQL text with every value a quoted literal:
 * COPY takes no bind parameters. Strings go through node-postgres's escapeLiteral (quotes doubled,
 * backslashes doubled in an E'' literal), so a value can never end its literal; anything else is
 * refused rather than guessed at.
 */
export function sqlWithLiterals(query: { strings: readonly string[]; values: readonly unknown[] }): string {
  let text = query.strings[0] ?? ''
  query.values.forEach((value, index) => {
    text += literalOf(value) + (query.strings[index + 1] ?? '')
  })
  return text
}

function literalOf(value: unknown): string {
  if (typeof value === 'string') return pg.escapeLiteral(value)
  if (typeof value === 'bigint') return `${value}`
  if (typeof value === 'number' && Number.isSafeInteger(value)) return `${value}`
  if (value instanceof Date && !Number.isNaN(value.getTime())) return `'${value.toISOString()}'::timestamptz`
  throw new Error(`sqlWithLiterals: cannot inline a ${typeof value} safely`)
}

export function createBulkReader(connectionString: string, maxConnections = 2): BulkReader {
  const pool = new pg.Pool({
    connectionString,
    max: maxConnections,
    // COPY passes bytes on untouched: they must be UTF-8 whatever the database's default.
    client_encoding: 'UTF8',
    // No parsing at all: the exporter wants the text Postgres sends.
    types: { getTypeParser: () => asText },
  })
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (error) => {
    process.emitWarning(`audit bulk reader: idle connection lost: ${error.message}`)
  })

  const rowsOn = async (client: pg.Pool | pg.PoolClient, query: SqlText) => {
    const values = query.values.map((value) => (typeof value === 'bigint' ? value.toString() : value))
    const result = await client.query<(string | null)[]>({ text: query.text, values, rowMode: 'array' })
    return result.rows
  }

  async function snapshot(): Promise<ReadSnapshot> {
    const client = await pool.connect()
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    } catch (error) {
      client.release(error as Error)
      throw error
    }
    let released = false
    let copy: (Readable & { rowCount: number }) | null = null
    let copyComplete: Promise<void> = Promise.resolve()
    // A connection lost while checked out emits 'error' on the client: without a listener that
    // would crash the process. The COPY's stream gets the same error and fails the export.
    const onLost = (error: Error) => abandon(error)
    client.on('error', onLost)
    const abandon = (reason?: Error) => {
      if (released) return
      released = true
      client.off('error', onLost)
      // Removes the connection from the pool and ends it. Mid-COPY, node-postgres destroys the socket
      // (a query is active), so Postgres, which would otherwise block writing rows no one reads and
      // hold its snapshot, fails its next write and ends the backend (the export test checks).
      client.release(reason ?? new Error('audit export abandoned'))
    }
    return {
      rows: (query) => rowsOn(client, query),
      copyOut(copySql) {
        // node-postgres calls handleReadyForQuery on every query it runs; the types leave it out.
        const query = copyTo(copySql) as ReturnType<typeof copyTo> & { handleReadyForQuery(): void }
        // The stream ends at CopyDone; the row count (CommandComplete) and the end of the query
        // (ReadyForQuery) follow. node-postgres tells the query object about the last one.
        copyComplete = new Promise((resolve) => {
          const handleReadyForQuery = query.handleReadyForQuery.bind(query)
          query.handleReadyForQuery = () => {
            handleReadyForQuery()
            resolve()
          }
        })
        copy = client.query(query)
        return copy
      },
      async finish() {
        try {
          // Only once the COPY has finished: a query sent while another runs is deprecated in pg.
          await copyComplete
          await client.query('COMMIT')
        } catch (error) {
          abandon(error as Error)
          throw error
        }
        released = true
        client.off('error', onLost)
        client.release()
        return { copiedRows: copy?.rowCount ?? 0 }
      },
      abandon,
    }
  }

  return {
    rows: (query) => rowsOn(pool, query),
    snapshot,
    close: () => pool.end(),
  }
}
