// Checks an export file against its manifest, offline: the manifest's signature under the public
// key, then the file's SHA-256, size and row count. Reads the file as a stream (any size).
//   pnpm exec tsx apps/api/src/modules/audit/verify-export.ts export.csv manifest.json signing-key.pem
// Exit status 0 when everything matches, 1 when anything does not, 2 on bad arguments.
import { parse } from 'csv-parse'
import { createHash } from 'node:crypto'
import { createReadStream, readFileSync } from 'node:fs'
import { PassThrough, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AuditExportManifest } from '@cabinet/contracts'
import { manifestSignatureValid } from '@cabinet/db'

export interface ExportCheck {
  ok: boolean
  problems: string[]
  sha256: string
  byteCount: number
  rowCount: number
}

/** Rows in an export: CSV records after the header (quoted newlines included), or NDJSON lines. */
function rowCounter(format: 'csv' | 'ndjson'): { sink: Writable; rows: () => number } {
  if (format === 'csv') {
    let records = 0
    const parser = parse({ relax_column_count: false })
    parser.on('data', () => {
      records += 1
    })
    return { sink: parser, rows: () => Math.max(0, records - 1) }
  }
  let lines = 0
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const byte of chunk) if (byte === 0x0a) lines += 1
      done()
    },
  })
  return { sink, rows: () => lines }
}

export async function checkExport(filePath: string, manifestJson: unknown, publicKeyPem: string): Promise<ExportCheck> {
  const manifest = AuditExportManifest.parse(manifestJson)
  const problems: string[] = []
  if (!manifestSignatureValid(manifest, publicKeyPem)) {
    problems.push('the manifest signature does not verify with this public key')
  }
  const hash = createHash('sha256')
  let byteCount = 0
  const counter = rowCounter(manifest.format)
  const tee = new PassThrough()
  tee.on('data', (chunk: Buffer) => {
    hash.update(chunk)
    byteCount += chunk.length
  })
  await pipeline(createReadStream(filePath), tee, counter.sink)
  const sha256 = hash.digest('hex')
  const rowCount = counter.rows()
  if (sha256 !== manifest.sha256) problems.push(`SHA-256 is ${sha256}, the manifest says ${manifest.sha256}`)
  if (byteCount !== manifest.byteCount) problems.push(`${byteCount} bytes, the manifest says ${manifest.byteCount}`)
  if (rowCount !== manifest.rowCount) problems.push(`${rowCount} rows, the manifest says ${manifest.rowCount}`)
  return { ok: problems.length === 0, problems, sha256, byteCount, rowCount }
}

async function main(args: string[]) {
  const [file, manifestPath, keyPath] = args
  if (!file || !manifestPath || !keyPath) {
    process.stderr.write('usage: verify-export <export.csv|ndjson> <manifest.json> <signing-key.pem>\n')
    return 2
  }
  const result = await checkExport(file, JSON.parse(readFileSync(manifestPath, 'utf8')), readFileSync(keyPath, 'utf8'))
  if (result.ok) {
    process.stdout.write(`OK: ${result.rowCount} rows, ${result.byteCount} bytes, sha256 ${result.sha256}\n`)
    return 0
  }
  process.stdout.write(`MISMATCH:\n${result.problems.map((problem) => `  ${problem}`).join('\n')}\n`)
  return 1
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2))
}
