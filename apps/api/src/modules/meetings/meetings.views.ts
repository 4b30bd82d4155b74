// Turns meeting rows into the contract views the console reads.
import type { CabMeetingSummary, CabMeetingView, ChangeState, MeetingItemView } from '@cabinet/contracts'
import type { MeetingRow } from './meetings.repository'

/** What the change came to, read from its state now. */
export function outcomeOf(state: ChangeState): MeetingItemView['outcome'] {
  if (state === 'authorize') return 'awaiting'
  if (state === 'new' || state === 'assess') return 'rejected'
  if (state === 'canceled') return 'withdrawn'
  return 'authorized'
}

export function toMeetingSummary(
  row: Pick<MeetingRow, 'id' | 'title' | 'startsAt' | 'endsAt' | 'horizonEnd' | 'status' | 'version'> & {
    _count: { attendees: number; items: number }
  },
): CabMeetingSummary {
  return {
    id: row.id,
    title: row.title,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    horizonEnd: row.horizonEnd.toISOString(),
    status: row.status,
    attendeeCount: row._count.attendees,
    itemCount: row._count.items,
    version: row.version,
  }
}

export function toMeetingView(row: MeetingRow): CabMeetingView {
  const attendees = row.attendees
    .map((attendee) => ({ ...attendee.user, present: attendee.present }))
    .sort((a, b) => a.name.localeCompare(b.name))
  return {
    ...toMeetingSummary({ ...row, _count: { attendees: row.attendees.length, items: row.items.length } }),
    createdBy: row.createdBy,
    startedAt: row.startedAt?.toISOString() ?? null,
    closedAt: row.closedAt?.toISOString() ?? null,
    attendees,
    items: row.items.map((item) => ({
      id: item.id,
      position: item.position,
      changeId: item.changeId,
      number: item.number,
      title: item.title,
      riskLevel: item.riskLevel,
      plannedStart: item.plannedStart.toISOString(),
      state: item.change.state,
      outcome: outcomeOf(item.change.state),
      actions: item.actions,
      votes: item.votes.map((vote) => ({
        id: vote.id,
        user: vote.user,
        decision: vote.decision,
        comment: vote.comment,
        outcome: vote.outcome,
        stageName: vote.stageName,
        refusalCode: vote.refusalCode,
        refusal: vote.refusal,
        recordedAt: vote.createdAt.toISOString(),
      })),
    })),
  }
}
