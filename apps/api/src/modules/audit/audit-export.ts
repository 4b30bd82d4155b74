// Streams an export of the audit trail as CSV or NDJSON: keyset batches read one at a time, each
// pulled only when the consumer has drained the last (stream backpressure), so memory stays flat
// whether the export holds a hundred rows or ten million.
import { stringify } from 'csv-stringify'
import { createHash } from 'node:crypto'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { AuditExportFormat } from '@cabinet/contracts'
import type { BulkReader } from '@cabinet/db'
import { type AuditFilter, EXPORT_COLUMNS, type ExportRow, exportBatch } from './audit.repository'

/** Seq numbers per query: large enough to amortise the round trip, small enough to stay a few MB. */
export const EXPORT_BATCH_SIZE = 2000

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

/** Seq ranges read at once: Postgres prepares the next ones while this process formats the current. */
const READ_AHEAD = 2

/**
 * Batches in chain order, each a fixed range of seq numbers (so the next ranges can be asked for
 * before this one is formatted: a keyset LIMIT would have to wait for each batch's last seq). At
 * most READ_AHEAD + 1 batches are in memory, however long the export.
 */
async function* batches(reader: BulkReader, filter: AuditFilter, throughSeq: bigint, stats: ExportStats, size: number) {
  const step = BigInt(size)
  let next = 0n
  const inFlight: Promise<ExportRow[]>[] = []
  const request = () => {
    if (next >= throughSeq) return
    const upTo = next + step < throughSeq ? next + step : throughSeq
    inFlight.push(exportBatch(reader, filter, next, upTo))
    next = upTo
  }
  try {
    for (let index = 0; index <= READ_AHEAD; index += 1) request()
    for (let pending = inFlight.shift(); pending; pending = inFlight.shift()) {
      const rows = await pending
      request()
      const last = rows.at(-1)
      if (!last) continue
      stats.rows += rows.length
      stats.firstAt ??= rows[0]?.[2] ?? null
      stats.lastAt = last[2]
      yield rows
    }
  } finally {
    // The consumer went away with queries in flight: their results (or errors) have no one to tell.
    for (const pending of inFlight) pending.catch(() => undefined)
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
  reader: BulkReader,
  filter: AuditFilter,
  format: AuditExportFormat,
  throughSeq: bigint,
  batchSize = EXPORT_BATCH_SIZE,
): AuditExport {
  const stats: ExportStats = { rows: 0, firstAt: null, lastAt: null }
  const source = batches(reader, filter, throughSeq, stats, batchSize)
  if (format === 'ndjson') {
    const lines = async function* () {
      for await (const rows of source) yield rows.map(ndjsonLine).join('')
    }
    return { stream: Readable.from(lines(), { objectMode: false }), stats }
  }
  // Rows go into the CSV stream in a plain loop, pausing only when it is full: an async iterator
  // per row (Readable.from) cost a promise per row, more than formatting the row.
  const csv = stringify({ record_delimiter: 'unix', eof: true })
  const writable = () =>
    new Promise<void>((resume) => {
      const done = () => {
        csv.off('drain', done)
        csv.off('close', done)
        resume()
      }
      csv.on('drain', done)
      csv.on('close', done)
    })
  const pump = async () => {
    csv.write([...EXPORT_COLUMNS])
    for await (const rows of source) {
      for (const row of rows) {
        if (!csv.write(row)) await writable()
        // The reader went away: stop reading (the generator's finally settles what is in flight).
        if (csv.destroyed) return
      }
    }
    csv.end()
  }
  pump().catch((error: unknown) => csv.destroy(error as Error))
  return { stream: csv, stats }
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
