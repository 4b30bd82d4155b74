// Demo CAB meeting: tomorrow at 10:00 UTC, every CAB group member invited, its agenda built from
// the demo changes awaiting authorization in the next two weeks (as scheduling one in the console does).
import { appendAuditEvent, type Db } from '@cabinet/db'
import { meetingCandidates, writeAgenda } from '../../apps/api/src/modules/meetings/meetings.repository'

const DAY_MS = 86_400_000

export async function seedMeetings(db: Db): Promise<{ attendees: number; agenda: number }> {
  const today = new Date()
  const startsAt = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1, 10))
  const endsAt = new Date(startsAt.getTime() + 3_600_000)
  const horizonEnd = new Date(startsAt.getTime() + 14 * DAY_MS)
  return db.$transaction(async (tx) => {
    const chair = await tx.user.findUniqueOrThrow({ where: { email: 'manager@example.com' } })
    const attendees = await meetingCandidates(tx)
    const meeting = await tx.cabMeeting.create({
      data: {
        title: 'Weekly CAB',
        startsAt,
        endsAt,
        horizonEnd,
        createdById: chair.id,
        attendees: { create: attendees.map((attendee) => ({ userId: attendee.id })) },
      },
    })
    const agenda = await writeAgenda(tx, meeting.id, horizonEnd)
    await appendAuditEvent(tx, {
      actor: { id: chair.id, name: chair.name },
      action: 'cab_meeting.scheduled',
      entityType: 'cab_meeting',
      entityId: meeting.id,
      after: { title: meeting.title, seeded: true, agenda: agenda.map((entry) => entry.number) },
      at: today,
    })
    return { attendees: attendees.length, agenda: agenda.length }
  })
}
