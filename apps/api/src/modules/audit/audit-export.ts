// Streams an export of the audit trail as CSV or NDJSON: keyset batches read one at a time, each
// pulled only when the consumer has drained the last (stream backpressure), so memory stays flat
// whether the export holds a hundred rows or ten million.
import { stringify } from 'csv-stringify'
import { createHash } from 'node:crypto'
import { PassThrough, Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { AuditExportFormat } from '@cabinet/contracts'
import type { Db } from '@cabinet/db'
import { type AuditFilter, EXPORT_COLUMNS, type ExportRow, exportBatch } from './audit.repository'

/** Rows per query: large enough to amortise the round trip, small enough to stay a few MB. */
export const EXPORT_BATCH_SIZE = 5000

export interface ExportStats {
  rows: number
  firstAt: string | null
  lastAt: string | null
}

export interface AuditExport {
  stream: Readable
  /** Complete once `stream` has ended. */
  stats: ExportStats
}

async function* batches(db: Db, filter: AuditFilter, throughSeq: bigint, stats: ExportStats, batchSize: number) {
  let afterSeq = 0n
  for (;;) {
    const rows = await exportBatch(db, filter, afterSeq, throughSeq, batchSize)
    const last = rows.at(-1)
    if (!last) return
    stats.rows += rows.length
    stats.firstAt ??= rows[0]?.[2] ?? null
    stats.lastAt = last[2]
    yield rows
    if (rows.length < batchSize) return
    afterSeq = BigInt(last[0])
  }
}

const jsonText = (value: string | null) => (value === null ? 'null' : JSON.stringify(value))

/** One NDJSON line: jsonb columns arrive as JSON text and go out as they are, never re-parsed. */
function ndjsonLine(row: ExportRow): string {
  const [seq, id, at, actorId, actorName, action, entityType, entityId, changeId, before, after, requestId] = row
  return (
    `{"seq":${seq},"id":"${id}","at":"${at}","actorId":${jsonText(actorId)},"actorName":${JSON.stringify(actorName)},` +
    `"action":${JSON.stringify(action)},"entityType":${JSON.stringify(entityType)},"entityId":${JSON.stringify(entityId)},` +
    `"changeId":${jsonText(changeId)},"before":${before ?? 'null'},"after":${after ?? 'null'},` +
    `"requestId":${jsonText(requestId)},"prevHash":"${row[12]}","hash":"${row[13]}"}\n`
  )
}

export function createAuditExport(
  db: Db,
  filter: AuditFilter,
  format: AuditExportFormat,
  throughSeq: bigint,
  batchSize = EXPORT_BATCH_SIZE,
): AuditExport {
  const stats: ExportStats = { rows: 0, firstAt: null, lastAt: null }
  const source = batches(db, filter, throughSeq, stats, batchSize)
  if (format === 'ndjson') {
    const lines = async function* () {
      for await (const rows of source) yield rows.map(ndjsonLine).join('')
    }
    return { stream: Readable.from(lines(), { objectMode: false }), stats }
  }
  const records = async function* () {
    yield [...EXPORT_COLUMNS]
    for await (const rows of source) yield* rows
  }
  const csv = stringify({ eof: true, record_delimiter: 'unix' })
  const out = new PassThrough()
  // pipeline tears every stage down on an error or an early close of `out` (a client that went away).
  pipeline(Readable.from(records()), csv, out).catch((error: unknown) => out.destroy(error as Error))
  return { stream: out, stats }
}

export interface ExportDigest {
  sha256: string
  byteCount: number
}

/** Reads an export to its end, hashing its exact bytes: what a manifest signs. */
export async function digestExport(stream: Readable): Promise<ExportDigest> {
  const hash = createHash('sha256')
  let byteCount = 0
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        hash.update(chunk)
        byteCount += chunk.length
        done()
      },
    }),
  )
  return { sha256: hash.digest('hex'), byteCount }
}
