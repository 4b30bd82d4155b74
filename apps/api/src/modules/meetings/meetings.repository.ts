// Queries for CAB meetings: who may be invited, the changes an agenda holds, and a meeting with
// everything its page and minutes show. Every function takes the transaction it runs in.
import type { ApprovalGroupKind, RiskLevel } from '@cabinet/contracts'
import type { DbOrTx, Prisma } from '@cabinet/db'

/** Critical first: the riskiest changes are discussed while everyone is still in the room. */
export const RISK_ORDER: Record<RiskLevel, number> = { critical: 0, high: 1, moderate: 2, low: 3 }

const person = { select: { id: true, name: true, email: true } } as const

export const meetingInclude = {
  createdBy: person,
  attendees: { include: { user: person } },
  items: {
    orderBy: { position: 'asc' },
    include: {
      change: { select: { state: true } },
      votes: { orderBy: { createdAt: 'asc' }, include: { user: person } },
    },
  },
} satisfies Prisma.CabMeetingInclude
export type MeetingRow = Prisma.CabMeetingGetPayload<{ include: typeof meetingInclude }>

export function findMeeting(tx: DbOrTx, id: string): Promise<MeetingRow | null> {
  return tx.cabMeeting.findUnique({ where: { id }, include: meetingInclude })
}

/** Locks the meeting row until the transaction ends, so its writes run one after the other. */
export async function lockMeeting(tx: Prisma.TransactionClient, id: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM cab_meetings WHERE id = ${id}::uuid FOR UPDATE`
  return rows.length === 1
}

export interface Candidate {
  id: string
  name: string
  email: string
  groupKinds: ApprovalGroupKind[]
}

/**
 * Active members of CAB groups who hold a role that decides approvals: the only people whose
 * decisions in a meeting could become approvals.
 */
export async function meetingCandidates(tx: DbOrTx, ids?: readonly string[]): Promise<Candidate[]> {
  const rows = await tx.$queryRaw<{ id: string; name: string; email: string; kinds: string[] }[]>`
    SELECT u.id, u.name, u.email, array_agg(DISTINCT g.kind::text ORDER BY g.kind::text) AS kinds
      FROM users u
      JOIN group_memberships m ON m.user_id = u.id
      JOIN groups g ON g.id = m.group_id
     WHERE NOT u.disabled
       AND u.roles && ARRAY['cab_member', 'change_manager', 'admin']::"Role"[]
       AND (${ids === undefined} OR u.id = ANY(${[...(ids ?? [])]}::uuid[]))
     GROUP BY u.id, u.name, u.email
     ORDER BY u.name, u.id`
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    email: row.email,
    groupKinds: row.kinds as ApprovalGroupKind[],
  }))
}

export interface AgendaEntry {
  changeId: string
  number: string
  title: string
  riskLevel: RiskLevel
  plannedStart: Date
}

/**
 * The changes awaiting authorization (state `authorize` with an open stage of their current round)
 * planned to start before the horizon's end, riskiest first, then by planned start.
 */
export async function agendaFor(tx: DbOrTx, horizonEnd: Date): Promise<AgendaEntry[]> {
  const changes = await tx.changeRequest.findMany({
    where: { state: 'authorize', plannedStart: { lt: horizonEnd }, approvalStages: { some: { status: 'open' } } },
    select: {
      id: true,
      number: true,
      title: true,
      riskLevel: true,
      plannedStart: true,
      approvalRound: true,
      approvalStages: { where: { status: 'open' }, select: { round: true } },
    },
    take: 500,
  })
  return changes
    .filter((change) => change.approvalStages.some((stage) => stage.round === change.approvalRound))
    .map((change) => ({
      changeId: change.id,
      number: change.number,
      title: change.title,
      riskLevel: change.riskLevel,
      plannedStart: change.plannedStart,
    }))
    .sort(
      (a, b) =>
        RISK_ORDER[a.riskLevel] - RISK_ORDER[b.riskLevel] ||
        a.plannedStart.getTime() - b.plannedStart.getTime() ||
        a.number.localeCompare(b.number),
    )
}

/**
 * Brings a meeting's agenda items up to the agenda as it is now. An item whose change stays keeps its
 * id (a page holding it stays valid) with its snapshot refreshed; changes no longer awaiting leave.
 */
export async function writeAgenda(tx: Prisma.TransactionClient, meetingId: string, horizonEnd: Date) {
  const entries = await agendaFor(tx, horizonEnd)
  await tx.cabMeetingItem.deleteMany({ where: { meetingId, changeId: { notIn: entries.map((e) => e.changeId) } } })
  for (const [index, entry] of entries.entries()) {
    const data = { position: index + 1, ...entry }
    await tx.cabMeetingItem.upsert({
      where: { meetingId_changeId: { meetingId, changeId: entry.changeId } },
      create: { meetingId, ...data },
      update: data,
    })
  }
  return entries
}
