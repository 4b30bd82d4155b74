// Appends the synthetic history's audit events to the chain in bulk, hashed exactly as one-at-a-time
// appends would be, so verification reads the history like any other part of the trail.
import { type AuditEventInput, appendAuditEvent, hashAuditEvent, Prisma, type Tx } from '@cabinet/db'

/**
 * Appends events to the audit chain as appendAuditEvent would, in bulk: the first goes through
 * appendAuditEvent (which takes the chain's lock until this transaction commits, and gives the head
 * hash); the rest are hashed here over the same canonical content and inserted a batch at a time.
 * One at a time, the ~2,500 events took most of the seed's time.
 */
export async function appendInBulk(tx: Tx, events: AuditEventInput[]) {
  const [first, ...rest] = events
  if (!first) return
  let { hash: prevHash } = await appendAuditEvent(tx, first)
  const seqs = await tx.$queryRaw<{ seq: bigint }[]>`
    SELECT nextval(pg_get_serial_sequence('audit_events', 'seq')) AS seq FROM generate_series(1, ${rest.length}::int)`
  const rows: Prisma.AuditEventCreateManyInput[] = rest.map((event, index) => {
    const seq = seqs[index]?.seq
    if (seq === undefined) throw new Error('the audit sequence gave fewer numbers than asked')
    const after = event.after === undefined ? null : JSON.parse(JSON.stringify(event.after))
    const content = {
      seq: seq.toString(),
      at: event.at.toISOString(),
      actorId: event.actor.id,
      actorName: event.actor.name,
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId,
      changeId: event.changeId ?? null,
      before: null,
      after,
      requestId: null,
    }
    const hash = hashAuditEvent(prevHash, content)
    const row = {
      seq,
      at: event.at,
      actorId: content.actorId,
      actorName: content.actorName,
      action: content.action,
      entityType: content.entityType,
      entityId: content.entityId,
      changeId: content.changeId,
      before: Prisma.DbNull,
      after: after === null ? Prisma.DbNull : after,
      requestId: null,
      prevHash,
      hash,
    }
    prevHash = hash
    return row
  })
  for (let start = 0; start < rows.length; start += 1000) {
    await tx.auditEvent.createMany({ data: rows.slice(start, start + 1000) })
  }
}
