// Appends events to the tamper-evident audit chain. Each event's hash covers its canonical content
// and the previous event's hash, so altering, deleting or reordering any row breaks every later link.
import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import type { Tx } from './client'

/** The hash the first event chains from. */
export const GENESIS_HASH = '0'.repeat(64)

/** Serialises writers of the chain: held until the writing transaction commits or rolls back. */
const AUDIT_CHAIN_LOCK_KEY = 7_361_001

export interface AuditActor {
  id: string | null
  name: string
}

export interface AuditEventInput {
  actor: AuditActor
  action: string
  entityType: string
  entityId: string
  changeId?: string | null
  before?: unknown
  after?: unknown
  requestId?: string | null
  at: Date
}

/** The fields the hash covers, exactly as stored; verification recomputes this from rows. */
export interface HashedAuditContent {
  seq: string
  at: string
  actorId: string | null
  actorName: string
  action: string
  entityType: string
  entityId: string
  changeId: string | null
  before: unknown
  after: unknown
  requestId: string | null
}

export function hashAuditEvent(prevHash: string, content: HashedAuditContent): string {
  const canonical = canonicalize(content)
  if (canonical === undefined) throw new Error('audit event content cannot be canonicalised')
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex')
}

/** JSON round-trip: Dates become ISO strings, undefined disappears, as they will in jsonb. */
function toJsonValue(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value))
}

/**
 * Appends one event inside the caller's transaction, which must be the one that made the change
 * being recorded: the event and the change commit or vanish together.
 */
export async function appendAuditEvent(tx: Tx, input: AuditEventInput): Promise<{ seq: bigint; hash: string }> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`
  const [previous] = await tx.$queryRaw<{ hash: string }[]>`
    SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1`
  const prevHash = previous?.hash ?? GENESIS_HASH
  const [{ seq }] = (await tx.$queryRaw<{ seq: bigint }[]>`
    SELECT nextval(pg_get_serial_sequence('audit_events', 'seq')) AS seq`) as [{ seq: bigint }]
  const content: HashedAuditContent = {
    seq: seq.toString(),
    at: input.at.toISOString(),
    actorId: input.actor.id,
    actorName: input.actor.name,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    changeId: input.changeId ?? null,
    before: toJsonValue(input.before),
    after: toJsonValue(input.after),
    requestId: input.requestId ?? null,
  }
  const hash = hashAuditEvent(prevHash, content)
  await tx.auditEvent.create({
    data: {
      seq,
      at: input.at,
      actorId: content.actorId,
      actorName: content.actorName,
      action: content.action,
      entityType: content.entityType,
      entityId: content.entityId,
      changeId: content.changeId,
      before: content.before ?? undefined,
      after: content.after ?? undefined,
      requestId: content.requestId,
      prevHash,
      hash,
    },
  })
  return { seq, hash }
}
