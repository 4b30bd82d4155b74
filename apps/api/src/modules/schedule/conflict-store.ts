// Evaluates a stored change's conflicts and replaces what is stored for it, in one transaction;
// puts a scheduled change on hold when a freeze covers it and lifts the hold when none does, each
// audited. Used by the worker's schedule jobs (and tests); depends only on @cabinet/db.
import { appendAuditEvent, type Db, type DbOrTx, type Prisma } from '@cabinet/db'
import { type FoundConflict, findConflicts, type ItemRef } from './conflict-engine'

/** The actor of what the scheduler does on its own, in the audit trail. */
export const SCHEDULER_ACTOR = { id: null, name: 'Scheduler' }

export interface StoredSubject {
  id: string
  number: string
  state: string
  type: string
  category: string
  plannedStart: Date
  plannedEnd: Date
  implementerId: string | null
  items: ItemRef[]
  compatible: boolean
  onHold: boolean
  freezeOverride: string | null
}

/** A change as the conflict engine needs it, read in the given transaction; null when it does not exist. */
export async function loadSubject(db: DbOrTx, changeId: string): Promise<StoredSubject | null> {
  const change = await db.changeRequest.findUnique({
    where: { id: changeId },
    select: {
      id: true,
      number: true,
      state: true,
      type: true,
      category: true,
      plannedStart: true,
      plannedEnd: true,
      implementerId: true,
      items: { select: { kind: true, itemId: true } },
      schedule: { select: { compatible: true, onHold: true, freezeOverride: true } },
    },
  })
  if (!change) return null
  return {
    ...change,
    items: change.items.map((item) => ({ kind: item.kind, id: item.itemId })),
    compatible: change.schedule?.compatible ?? false,
    onHold: change.schedule?.onHold ?? false,
    freezeOverride: change.schedule?.freezeOverride ?? null,
  }
}

export function conflictsOf(db: DbOrTx, subject: StoredSubject): Promise<FoundConflict[]> {
  return findConflicts(db, {
    changeId: subject.id,
    items: subject.items,
    start: subject.plannedStart,
    end: subject.plannedEnd,
    category: subject.category,
    implementerId: subject.implementerId,
    compatible: subject.compatible,
  })
}

const FINISHED = new Set(['review', 'closed', 'canceled'])

export interface Evaluation {
  changeId: string
  conflicts: FoundConflict[]
  /** Other changes named in the conflicts before or after: they may need evaluating too. */
  otherChangeIds: string[]
}

/**
 * Recomputes and replaces the stored conflicts of one change. A finished change keeps none. Idempotent:
 * running it twice stores the same rows and changes the hold at most once.
 */
export async function evaluateAndStore(db: Db, changeId: string, now: Date): Promise<Evaluation | null> {
  return db.$transaction(async (tx) => {
    // Serialises evaluations of one change so two workers never interleave delete and insert.
    await tx.$executeRaw`SELECT 1 FROM change_schedules WHERE change_id = ${changeId}::uuid FOR UPDATE`
    const subject = await loadSubject(tx, changeId)
    if (!subject) return null
    const before = await tx.scheduleConflict.findMany({
      where: { changeId, otherChangeId: { not: null } },
      select: { otherChangeId: true },
    })
    const conflicts = FINISHED.has(subject.state) ? [] : await conflictsOf(tx, subject)
    await tx.scheduleConflict.deleteMany({ where: { changeId } })
    if (conflicts.length > 0) {
      await tx.scheduleConflict.createMany({
        data: conflicts.map((found) => ({
          changeId,
          kind: found.kind,
          blocking: found.blocking,
          otherChangeId: found.otherChangeId,
          ruleId: found.ruleId,
          itemCount: found.items.length,
          items: found.items as unknown as Prisma.InputJsonValue,
          overlapStart: found.overlapStart,
          overlapEnd: found.overlapEnd,
          detectedAt: now,
        })),
      })
    }
    const freezes = conflicts.filter((found) => found.kind === 'freeze')
    const shouldHold = subject.state === 'scheduled' && freezes.length > 0 && subject.freezeOverride === null
    const holdReason = shouldHold ? await holdReasonFor(tx, freezes) : null
    await tx.changeSchedule.update({
      where: { changeId },
      data: { evaluatedAt: now, onHold: shouldHold, holdReason },
    })
    if (shouldHold !== subject.onHold) {
      // Last in the transaction: the audit chain is locked from here until COMMIT.
      await appendAuditEvent(tx, {
        actor: SCHEDULER_ACTOR,
        action: shouldHold ? 'change.put_on_hold' : 'change.hold_released',
        entityType: 'change',
        entityId: changeId,
        changeId,
        before: { number: subject.number, onHold: subject.onHold },
        after: {
          number: subject.number,
          onHold: shouldHold,
          reason: holdReason,
          freezes: freezes.map((found) => ({ ruleId: found.ruleId, items: found.items.length })),
        },
        requestId: null,
        at: now,
      })
    }
    const others = new Set([
      ...before.flatMap((row) => (row.otherChangeId ? [row.otherChangeId] : [])),
      ...conflicts.flatMap((found) => (found.otherChangeId ? [found.otherChangeId] : [])),
    ])
    return { changeId, conflicts, otherChangeIds: [...others] }
  })
}

async function holdReasonFor(tx: DbOrTx, freezes: FoundConflict[]): Promise<string> {
  const rules = await tx.scheduleRule.findMany({
    where: { id: { in: freezes.flatMap((found) => (found.ruleId ? [found.ruleId] : [])) } },
    select: { name: true },
    orderBy: { name: 'asc' },
  })
  const items = freezes.reduce((sum, found) => sum + found.items.length, 0)
  return `inside freeze ${rules.map((rule) => `'${rule.name}'`).join(', ')} (${items} item${items === 1 ? '' : 's'})`
}

/**
 * Changes whose stored conflicts name this rule, and changes its occurrences could cover now: the
 * fan-out after a freeze or window is created, edited or deleted (before deletion: call it first).
 */
export async function changesTouchedByRule(db: DbOrTx, ruleId: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ change_id: string }[]>`
    SELECT change_id::text FROM schedule_conflicts WHERE rule_id = ${ruleId}::uuid
    UNION
    -- A window constrains every change in the span it covers: one now outside it may conflict.
    SELECT cs.change_id::text FROM change_schedules cs
      JOIN change_requests c ON c.id = cs.change_id
      JOIN (SELECT tstzrange(min(o.starts_at), max(o.ends_at), '[)') AS span FROM schedule_occurrences o
              JOIN schedule_rules r ON r.id = o.rule_id
             WHERE o.rule_id = ${ruleId}::uuid AND r.kind = 'window') w ON cs.period && w.span
     WHERE c.state NOT IN ('review', 'closed', 'canceled')
    UNION
    SELECT cs.change_id::text FROM schedule_occurrences o
      JOIN change_schedules cs ON cs.period && o.period
      JOIN change_requests c ON c.id = cs.change_id
     WHERE o.rule_id = ${ruleId}::uuid AND c.state NOT IN ('review', 'closed', 'canceled')`
  return rows.map((row) => row.change_id)
}
