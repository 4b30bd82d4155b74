// Retroactive approval of break-fix emergency changes (issue 3 part 5). A change implemented before
// the ECAB approved it must be approved within its policy's window; when the window passes with the
// approval still undecided, the change managers get one stored notification and the audit trail one
// event. The break-fix row's escalatedAt, set under the change row's lock, makes a second run (the
// job retried, or the sweep) a no-op.
import type { Db } from '@cabinet/db'
import { appendAuditEvent } from '@cabinet/db'
import type { DomainHandlers } from '../handler-types'

const AUDIT_ACTOR = { id: null, name: 'Cabinet (retroactive approval due time)' }
const SWEEP_BATCH = 200

export type RetroactiveOutcome = 'escalated' | 'missing' | 'decided' | 'not_due' | 'already_escalated'

export async function escalateOverdueBreakFix(db: Db, changeId: string, now: Date): Promise<RetroactiveOutcome> {
  return db.$transaction(async (tx) => {
    // The same lock an approval decision takes: a decision racing this job wins or loses cleanly.
    await tx.$queryRaw`SELECT id FROM change_requests WHERE id = ${changeId}::uuid FOR UPDATE`
    const row = await tx.emergencyBreakFix.findUnique({
      where: { changeId },
      include: { change: { select: { number: true, approvalsComplete: true } } },
    })
    if (!row) return 'missing'
    if (row.approvedAt || row.rejectedAt || row.change.approvalsComplete) return 'decided'
    if (row.escalatedAt) return 'already_escalated'
    if (row.dueAt.getTime() > now.getTime()) return 'not_due'
    await tx.emergencyBreakFix.update({ where: { changeId }, data: { escalatedAt: now } })
    await tx.notification.createMany({
      data: [
        {
          kind: 'emergency.retroactive_overdue',
          changeId,
          recipientRole: 'change_manager',
          title: `${row.change.number}: retroactive ECAB approval of a break-fix is overdue`,
          body: `Implemented before approval on ${row.startedAt.toISOString()}; the approval was due ${row.dueAt.toISOString()}.`,
          dedupeKey: `retroactive-overdue:${changeId}`,
        },
      ],
      skipDuplicates: true,
    })
    await appendAuditEvent(tx, {
      actor: AUDIT_ACTOR,
      action: 'emergency.retroactive_escalated',
      entityType: 'change',
      entityId: changeId,
      changeId,
      after: { dueAt: row.dueAt, startedAt: row.startedAt, notified: 'change_manager' },
      at: now,
    })
    return 'escalated'
  })
}

export const emergencyHandlers = {
  async 'emergency.retroactive-due'({ changeId }, { db, now }) {
    return { outcome: await escalateOverdueBreakFix(db, changeId, now()) }
  },

  async 'emergency.sweep-retroactive'(_payload, { db, now, logger }) {
    const at = now()
    const due = await db.emergencyBreakFix.findMany({
      where: { dueAt: { lte: at }, approvedAt: null, rejectedAt: null, escalatedAt: null },
      select: { changeId: true },
      orderBy: { dueAt: 'asc' },
      take: SWEEP_BATCH,
    })
    const outcomes: Record<string, number> = {}
    for (const row of due) {
      const outcome = await escalateOverdueBreakFix(db, row.changeId, at)
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
    }
    if (due.length > 0) logger.info({ outcomes }, 'retroactive approval sweep')
    return { checked: due.length, outcomes }
  },
} satisfies DomainHandlers<'emergency.retroactive-due' | 'emergency.sweep-retroactive'>
