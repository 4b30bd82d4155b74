// Walks the audit chain in seq order, a batch at a time (constant memory whatever its length), and
// recomputes every link. Reports the first broken one and what kind of tampering explains it.
import { GENESIS_HASH, type HashedAuditContent, hashAuditEvent } from './audit'
import type { BulkReader } from './audit-export-reader'

export type ChainBreakKind = 'altered' | 'deleted' | 'reordered'

export interface ChainBreak {
  seq: string
  id: string
  kind: ChainBreakKind
  /** What the chain says the value must be. */
  expected: string
  /** What the row holds instead. */
  found: string
}

export interface ChainVerificationResult {
  intact: boolean
  checked: number
  head: { seq: string; hash: string } | null
  firstBroken?: ChainBreak
}

/** A row as Postgres printed it: text columns, jsonb as JSON text, `at` already ISO 8601 UTC. */
interface ChainRow {
  seq: bigint
  id: string
  at: string
  actorId: string | null
  actorName: string
  action: string
  entityType: string
  entityId: string
  changeId: string | null
  before: string | null
  after: string | null
  requestId: string | null
  prevHash: string
  hash: string
}

export interface VerifyChainOptions {
  /** Rows per query; memory use is proportional to this, never to the chain's length. */
  batchSize?: number
  /** Stop after this seq (inclusive): verifies the chain as it stood at an export. */
  throughSeq?: bigint
}

export function contentOf(row: ChainRow): HashedAuditContent {
  return {
    seq: row.seq.toString(),
    at: row.at,
    actorId: row.actorId,
    actorName: row.actorName,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    changeId: row.changeId,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
    requestId: row.requestId,
  }
}

const CHAIN_COLUMNS = `seq::text, id::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  actor_id::text, actor_name, action, entity_type, entity_id, change_id::text, before::text, after::text,
  request_id, prev_hash, hash`

function toChainRow(values: (string | null)[]): ChainRow {
  const [
    seq,
    id,
    at,
    actorId,
    actorName,
    action,
    entityType,
    entityId,
    changeId,
    before,
    after,
    requestId,
    prev,
    hash,
  ] = values
  return {
    seq: BigInt(seq ?? 0),
    id: id ?? '',
    at: at ?? '',
    actorId: actorId ?? null,
    actorName: actorName ?? '',
    action: action ?? '',
    entityType: entityType ?? '',
    entityId: entityId ?? '',
    changeId: changeId ?? null,
    before: before ?? null,
    after: after ?? null,
    requestId: requestId ?? null,
    prevHash: prev ?? '',
    hash: hash ?? '',
  }
}

/**
 * Seq numbers may skip (a transaction that rolled back after taking one), so a gap alone proves
 * nothing: the links do. A row whose prev_hash is not its predecessor's hash is explained by where
 * the hash it names lives now: later in the chain (reordered), nowhere (deleted), or its predecessor
 * was rewritten and re-hashed without re-linking the rest (altered).
 */
async function explainBrokenLink(reader: BulkReader, row: ChainRow, previous: ChainRow | null): Promise<ChainBreak> {
  const expected = previous?.hash ?? GENESIS_HASH
  const [found] = await reader.rows({
    text: 'SELECT seq::text FROM audit_events WHERE hash = $1',
    values: [row.prevHash],
  })
  const named = found ? { seq: BigInt(found[0] ?? 0) } : null
  if (named && named.seq > row.seq) {
    return { seq: row.seq.toString(), id: row.id, kind: 'reordered', expected, found: row.prevHash }
  }
  if (!named && previous && row.seq === previous.seq + 1n) {
    // Consecutive seqs leave no room for a deleted row: the predecessor itself was rewritten, and
    // its successor still records the hash it had when it was written.
    return {
      seq: previous.seq.toString(),
      id: previous.id,
      kind: 'altered',
      expected: row.prevHash,
      found: previous.hash,
    }
  }
  return { seq: row.seq.toString(), id: row.id, kind: named ? 'reordered' : 'deleted', expected, found: row.prevHash }
}

/**
 * Reads through a BulkReader: every value as text, so the walk pays for JSON.parse of before and
 * after (which hashing needs) and nothing else per row.
 */
export async function verifyAuditChain(
  reader: BulkReader,
  options: VerifyChainOptions = {},
): Promise<ChainVerificationResult> {
  const batchSize = options.batchSize ?? 2000
  const through = options.throughSeq ?? 9_223_372_036_854_775_807n
  let previous: ChainRow | null = null
  let checked = 0
  for (;;) {
    const after: bigint = previous?.seq ?? 0n
    const rows: ChainRow[] = (
      await reader.rows({
        text: `SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE seq > $1 AND seq <= $2 ORDER BY audit_events.seq LIMIT $3`,
        values: [after, through, batchSize],
      })
    ).map(toChainRow)
    for (const row of rows) {
      checked += 1
      if (row.prevHash !== (previous?.hash ?? GENESIS_HASH)) {
        return { intact: false, checked, head: link(row), firstBroken: await explainBrokenLink(reader, row, previous) }
      }
      const recomputed = hashAuditEvent(row.prevHash, contentOf(row))
      if (recomputed !== row.hash) {
        const firstBroken: ChainBreak = {
          seq: row.seq.toString(),
          id: row.id,
          kind: 'altered',
          expected: recomputed,
          found: row.hash,
        }
        return { intact: false, checked, head: link(row), firstBroken }
      }
      previous = row
    }
    if (rows.length < batchSize) break
  }
  return { intact: true, checked, head: previous ? link(previous) : null }
}

function link(row: ChainRow) {
  return { seq: row.seq.toString(), hash: row.hash }
}
