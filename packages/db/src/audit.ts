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
  // The lock is held until the transaction ends, so the caller should append its event as the
  // transaction's last statement: every writer of the chain waits for it from here to COMMIT.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`
  // Read only after the lock is held: the previous event is then final, and so is our place.
  const [head] = await tx.$queryRaw<{ prev: string | null; seq: bigint }[]>`
    SELECT (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1) AS prev,
           nextval(pg_get_serial_sequence('audit_events', 'seq')) AS seq`
  if (!head) throw new Error('audit chain head query returned no row')
  const prevHash = head.prev ?? GENESIS_HASH
  const content: HashedAuditContent = {
    seq: head.seq.toString(),
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
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value))
  await tx.$executeRaw`
    INSERT INTO audit_events (seq, at, actor_id, actor_name, action, entity_type, entity_id, change_id,
                              before, after, request_id, prev_hash, hash)
    VALUES (${head.seq}, ${input.at}, ${content.actorId}::uuid, ${content.actorName}, ${content.action},
            ${content.entityType}, ${content.entityId}, ${content.changeId}::uuid, ${json(content.before)}::jsonb,
            ${json(content.after)}::jsonb, ${content.requestId}, ${prevHash}, ${hash})`
  return { seq: head.seq, hash }
}
