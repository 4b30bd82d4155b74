// A small node-postgres pool for bulk reads of the audit trail. Exports read millions of rows, and
// through Prisma each row is converted and re-serialised several times (six times slower, measured);
// here every value arrives as the text Postgres printed and goes out as it is.
import pg from 'pg'

export interface SqlText {
  text: string
  values: unknown[]
}

export interface BulkReader {
  /** Every column as text (or null), one array per row. */
  rows(query: SqlText): Promise<(string | null)[][]>
  close(): Promise<void>
}

const asText = (value: string) => value

export function createBulkReader(connectionString: string, maxConnections = 2): BulkReader {
  const pool = new pg.Pool({
    connectionString,
    max: maxConnections,
    // No parsing at all: the exporter wants the text Postgres sends.
    types: { getTypeParser: () => asText },
  })
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (error) => {
    process.emitWarning(`audit bulk reader: idle connection lost: ${error.message}`)
  })
  return {
    async rows(query) {
      const values = query.values.map((value) => (typeof value === 'bigint' ? value.toString() : value))
      const result = await pool.query<(string | null)[]>({ text: query.text, values, rowMode: 'array' })
      return result.rows
    },
    close: () => pool.end(),
  }
}
