// Streams an export of the audit trail as CSV or NDJSON. Postgres formats the rows (COPY ... TO
// STDOUT over the copy protocol) and this process passes the bytes on, hashing and counting them on
// the way; the socket to Postgres is read only as fast as the client takes the bytes (backpressure),
// so memory stays flat whether the export holds a hundred rows or ten million.
import { createHash } from 'node:crypto'
import { type Readable, Transform, type TransformCallback } from 'node:stream'
import type { AuditExportFormat } from '@cabinet/contracts'
import type { BulkReader, ReadSnapshot } from '@cabinet/db'
import { chainHeadSql, exportCopySql, exportSummarySql, NEWEST_SEQ_SQL } from './audit-export-sql'
import type { AuditFilter } from './audit.repository'

export interface ExportSummary {
  /** Rows the export holds, counted in its snapshot before it starts (for progress). */
  rowCount: number
  firstAt: string | null
  lastAt: string | null
}

/** What was actually served: the exact bytes' digest and COPY's own row count. */
export interface ExportDigest {
  sha256: string
  byteCount: number
  rowCount: number
}

export interface AuditExport {
  /** The seq the export runs through: the one asked for, never past the newest row. */
  throughSeq: bigint
  chainHead: { seq: string; hash: string } | null
  summary: ExportSummary
  /** The bytes. Ends only after the snapshot committed and COPY's row count matched the summary. */
  stream: Readable
  /** Settles when `stream` ends (or fails, or its reader goes away). */
  digest: Promise<ExportDigest>
}

/**
 * Hashes and counts the bytes that pass. Its flush runs once COPY has sent everything: it commits the
 * snapshot (which reads COPY's CommandComplete) before letting the stream end, so a reader sees the
 * end of the export only when the digest and row count are final and consistent.
 */
class ExportMeter extends Transform {
  private readonly hash = createHash('sha256')
  private byteCount = 0
  private settled = false
  readonly digest: Promise<ExportDigest>
  private resolveDigest!: (digest: ExportDigest) => void
  private rejectDigest!: (error: Error) => void

  constructor(
    private readonly snapshot: ReadSnapshot,
    private readonly expectedRows: number,
  ) {
    super()
    this.digest = new Promise((resolve, reject) => {
      this.resolveDigest = resolve
      this.rejectDigest = reject
    })
    // Nobody need await the digest (the export route only logs it): a failure is the stream's.
    this.digest.catch(() => undefined)
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.hash.update(chunk)
    this.byteCount += chunk.length
    done(null, chunk)
  }

  override _flush(done: TransformCallback) {
    this.snapshot.finish().then(
      ({ copiedRows }) => {
        if (copiedRows !== this.expectedRows) {
          // Impossible in one REPEATABLE READ snapshot; if it happens, no manifest may claim either.
          return done(
            new Error(`audit export: COPY sent ${copiedRows} rows, the snapshot counted ${this.expectedRows}`),
          )
        }
        this.settled = true
        this.resolveDigest({ sha256: this.hash.digest('hex'), byteCount: this.byteCount, rowCount: copiedRows })
        done()
      },
      (error: Error) => done(error),
    )
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void) {
    if (!this.settled) {
      // The reader went away or something failed mid-COPY: the connection cannot be reused.
      this.snapshot.abandon(error ?? undefined)
      this.rejectDigest(error ?? new Error('audit export ended before its last byte'))
    }
    done(error)
  }
}

/**
 * Opens an export: one REPEATABLE READ snapshot reads the newest seq, the chain head, the row count
 * and the rows themselves, so what the headers and a manifest say is exactly what the bytes hold.
 */
export async function openAuditExport(
  reader: BulkReader,
  filter: AuditFilter,
  format: AuditExportFormat,
  askedThroughSeq: bigint | null,
): Promise<AuditExport> {
  const snapshot = await reader.snapshot()
  try {
    const [newest] = await snapshot.rows(NEWEST_SEQ_SQL)
    const newestSeq = BigInt(newest?.[0] ?? 0)
    const throughSeq = askedThroughSeq !== null && askedThroughSeq < newestSeq ? askedThroughSeq : newestSeq
    const [head] = await snapshot.rows(chainHeadSql(throughSeq))
    const [counted] = await snapshot.rows(exportSummarySql(filter, throughSeq))
    const summary: ExportSummary = {
      rowCount: Number(counted?.[0] ?? 0),
      firstAt: counted?.[1] ?? null,
      lastAt: counted?.[2] ?? null,
    }
    const copy = snapshot.copyOut(exportCopySql(filter, format, throughSeq))
    const meter = new ExportMeter(snapshot, summary.rowCount)
    // `on`, not `once`: a second error (the connection closing after the first) must not go unheard.
    copy.on('error', (error) => meter.destroy(error))
    meter.once('close', () => copy.destroy())
    copy.pipe(meter)
    return {
      throughSeq,
      chainHead: head?.[0] && head[1] ? { seq: head[0], hash: head[1] } : null,
      summary,
      stream: meter,
      digest: meter.digest,
    }
  } catch (error) {
    snapshot.abandon(error as Error)
    throw error
  }
}

/** Reads an export to its end without sending it anywhere: what a manifest signs. */
export async function digestAuditExport(run: AuditExport): Promise<ExportDigest> {
  // A failure rejects the digest; the listener only keeps it from being an unhandled 'error' event.
  run.stream.once('error', () => undefined)
  run.stream.resume()
  return run.digest
}
