// Walks the audit chain in seq order, a batch at a time (constant memory whatever its length), and
// recomputes every link. Reports the first broken one and what kind of tampering explains it.
import type { Db } from './client'
import { GENESIS_HASH, type HashedAuditContent, hashAuditEvent } from './audit'

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

interface ChainRow {
  seq: bigint
  id: string
  at: Date
  actor_id: string | null
  actor_name: string
  action: string
  entity_type: string
  entity_id: string
  change_id: string | null
  before: unknown
  after: unknown
  request_id: string | null
  prev_hash: string
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
    at: row.at.toISOString(),
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    changeId: row.change_id,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.request_id,
  }
}

/**
 * Seq numbers may skip (a transaction that rolled back after taking one), so a gap alone proves
 * nothing: the links do. A row whose prev_hash is not its predecessor's hash is explained by where
 * the hash it names lives now: later in the chain (reordered), nowhere (deleted), or its predecessor
 * was rewritten and re-hashed without re-linking the rest (altered).
 */
async function explainBrokenLink(db: Db, row: ChainRow, previous: ChainRow | null): Promise<ChainBreak> {
  const expected = previous?.hash ?? GENESIS_HASH
  const [named] = await db.$queryRaw<{ seq: bigint }[]>`SELECT seq FROM audit_events WHERE hash = ${row.prev_hash}`
  if (named && named.seq > row.seq) {
    return { seq: row.seq.toString(), id: row.id, kind: 'reordered', expected, found: row.prev_hash }
  }
  if (!named && previous && row.seq === previous.seq + 1n) {
    // Consecutive seqs leave no room for a deleted row: the predecessor itself was rewritten, and
    // its successor still records the hash it had when it was written.
    return {
      seq: previous.seq.toString(),
      id: previous.id,
      kind: 'altered',
      expected: row.prev_hash,
      found: previous.hash,
    }
  }
  return { seq: row.seq.toString(), id: row.id, kind: named ? 'reordered' : 'deleted', expected, found: row.prev_hash }
}

export async function verifyAuditChain(db: Db, options: VerifyChainOptions = {}): Promise<ChainVerificationResult> {
  const batchSize = options.batchSize ?? 2000
  const through = options.throughSeq ?? 9_223_372_036_854_775_807n
  let previous: ChainRow | null = null
  let checked = 0
  for (;;) {
    const after: bigint = previous?.seq ?? 0n
    const rows: ChainRow[] = await db.$queryRaw<ChainRow[]>`
      SELECT seq, id::text AS id, at, actor_id::text AS actor_id, actor_name, action, entity_type, entity_id,
             change_id::text AS change_id, before, after, request_id, prev_hash, hash
      FROM audit_events WHERE seq > ${after} AND seq <= ${through} ORDER BY seq LIMIT ${batchSize}`
    for (const row of rows) {
      checked += 1
      if (row.prev_hash !== (previous?.hash ?? GENESIS_HASH)) {
        return { intact: false, checked, head: link(row), firstBroken: await explainBrokenLink(db, row, previous) }
      }
      const recomputed = hashAuditEvent(row.prev_hash, contentOf(row))
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
