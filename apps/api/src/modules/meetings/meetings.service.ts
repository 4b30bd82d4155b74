// CAB meetings: scheduling (attendees from the CAB groups), the agenda (rebuilt while scheduled,
// frozen when the meeting starts), attendance, and decisions recorded for attending members.
//
// A decision recorded in the meeting is, for each voter, that member's own approval decision made
// through the approvals module's `decide` (change row lock, quorum, segregation of duties, one person
// counting once): the meeting adds no second path to approve. What the approvals module refuses is
// reported per member and kept with the meeting, never a failed request.
import type { z } from 'zod'
import type {
  CabMeetingBody,
  CabMeetingListQuery,
  CabMeetingPatch,
  CabMeetingView,
  MeetingAttendanceBody,
  MeetingDecisionBody,
  MeetingDecisionResult,
  MeetingStartBody,
} from '@cabinet/contracts'
import type { Db, Prisma } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import { AppError, notFound, staleVersion } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import type { ApprovalsService } from '../approvals/approvals.service'
import { findMeeting, lockMeeting, meetingCandidates, writeAgenda } from './meetings.repository'
import { toMeetingSummary, toMeetingView } from './meetings.views'

type Tx = Prisma.TransactionClient
type MeetingStatus = 'scheduled' | 'in_progress' | 'closed'

export interface MeetingsServiceDeps {
  db: Db
  approvals: Pick<ApprovalsService, 'decide'>
}

function invalid(field: string, message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, {
    details: { issues: [{ path: field, message }], ...details },
  })
}

function refuseStatus(status: MeetingStatus, allowed: readonly MeetingStatus[], action: string): AppError {
  return new AppError('TRANSITION_REFUSED', `a ${status.replace('_', ' ')} meeting cannot ${action}`, {
    details: { reason: 'MEETING_STATUS', status, allowed },
  })
}

export function createMeetingsService(deps: MeetingsServiceDeps) {
  const { db, approvals } = deps

  /** Refuses anyone who is not an active member of a CAB group with a deciding role (400 naming the field). */
  async function assertCandidates(tx: Tx, ids: readonly string[], field: string) {
    const found = new Set((await meetingCandidates(tx, ids)).map((candidate) => candidate.id))
    const refused = ids.filter((id) => !found.has(id))
    if (refused.length > 0)
      throw invalid(field, `not members of a CAB group who may decide approvals: ${refused.join(', ')}`, {
        userIds: refused,
      })
  }

  /** Locks the meeting, checks the version it was read at and its status, and bumps the version. */
  async function lockForWrite(tx: Tx, id: string, version: number, allowed: readonly MeetingStatus[], action: string) {
    if (!(await lockMeeting(tx, id))) throw notFound('meeting', id)
    const meeting = await tx.cabMeeting.findUniqueOrThrow({ where: { id }, include: { attendees: true } })
    if (meeting.version !== version) throw staleVersion(`meeting ${meeting.title}`)
    if (!allowed.includes(meeting.status)) throw refuseStatus(meeting.status, allowed, action)
    return meeting
  }

  async function viewOf(tx: Tx | Db, id: string): Promise<CabMeetingView> {
    const row = await findMeeting(tx, id)
    if (!row) throw notFound('meeting', id)
    return toMeetingView(row)
  }

  async function list(query: z.infer<typeof CabMeetingListQuery>) {
    const rows = await db.cabMeeting.findMany({
      where: query.status ? { status: query.status } : {},
      include: { _count: { select: { attendees: true, items: true } } },
      orderBy: [{ startsAt: 'desc' }, { id: 'asc' }],
      take: 200,
    })
    return { items: rows.map(toMeetingSummary) }
  }

  async function schedule(ctx: RequestContext, body: z.infer<typeof CabMeetingBody>): Promise<CabMeetingView> {
    return db.$transaction(async (tx) => {
      await assertCandidates(tx, body.attendeeIds, 'attendeeIds')
      const meeting = await tx.cabMeeting.create({
        data: {
          title: body.title,
          startsAt: new Date(body.startsAt),
          endsAt: new Date(body.endsAt),
          horizonEnd: new Date(body.horizonEnd),
          createdById: ctx.actor.id,
          attendees: { create: body.attendeeIds.map((userId) => ({ userId })) },
        },
      })
      const agenda = await writeAgenda(tx, meeting.id, meeting.horizonEnd)
      await recordAudit(tx, ctx, {
        action: 'cab_meeting.scheduled',
        entityType: 'cab_meeting',
        entityId: meeting.id,
        after: { ...body, agenda: agenda.map((entry) => entry.number) },
      })
      return viewOf(tx, meeting.id)
    })
  }

  async function update(ctx: RequestContext, id: string, body: z.infer<typeof CabMeetingPatch>) {
    return db.$transaction(async (tx) => {
      const meeting = await lockForWrite(tx, id, body.version, ['scheduled'], 'be edited')
      const startsAt = body.startsAt ? new Date(body.startsAt) : meeting.startsAt
      const endsAt = body.endsAt ? new Date(body.endsAt) : meeting.endsAt
      const horizonEnd = body.horizonEnd ? new Date(body.horizonEnd) : meeting.horizonEnd
      if (endsAt <= startsAt) throw invalid('endsAt', 'must be after startsAt')
      if (horizonEnd <= startsAt) throw invalid('horizonEnd', 'must be after startsAt')
      if (body.attendeeIds) {
        await assertCandidates(tx, body.attendeeIds, 'attendeeIds')
        await tx.cabMeetingAttendee.deleteMany({ where: { meetingId: id } })
        await tx.cabMeetingAttendee.createMany({ data: body.attendeeIds.map((userId) => ({ meetingId: id, userId })) })
      }
      await tx.cabMeeting.update({
        where: { id },
        data: { title: body.title, startsAt, endsAt, horizonEnd, version: { increment: 1 } },
      })
      await writeAgenda(tx, id, horizonEnd)
      const { version: _version, ...changed } = body
      await recordAudit(tx, ctx, {
        action: 'cab_meeting.updated',
        entityType: 'cab_meeting',
        entityId: id,
        before: {
          title: meeting.title,
          startsAt: meeting.startsAt,
          endsAt: meeting.endsAt,
          horizonEnd: meeting.horizonEnd,
        },
        after: changed,
      })
      return viewOf(tx, id)
    })
  }

  /** Rebuilds a scheduled meeting's agenda from the changes awaiting authorization now. */
  async function refreshAgenda(ctx: RequestContext, id: string, version: number) {
    return db.$transaction(async (tx) => {
      const meeting = await lockForWrite(tx, id, version, ['scheduled'], 'have its agenda rebuilt')
      const agenda = await writeAgenda(tx, id, meeting.horizonEnd)
      await tx.cabMeeting.update({ where: { id }, data: { version: { increment: 1 } } })
      await recordAudit(tx, ctx, {
        action: 'cab_meeting.agenda_refreshed',
        entityType: 'cab_meeting',
        entityId: id,
        after: { agenda: agenda.map((entry) => entry.number) },
      })
      return viewOf(tx, id)
    })
  }

  async function setPresence(tx: Tx, meetingId: string, attendeeIds: readonly string[], presentIds: readonly string[]) {
    const unknown = presentIds.filter((userId) => !attendeeIds.includes(userId))
    if (unknown.length > 0) throw invalid('presentUserIds', `not attendees of this meeting: ${unknown.join(', ')}`)
    await tx.cabMeetingAttendee.updateMany({ where: { meetingId }, data: { present: false } })
    await tx.cabMeetingAttendee.updateMany({
      where: { meetingId, userId: { in: [...presentIds] } },
      data: { present: true },
    })
  }

  /** Starts the meeting: the agenda is rebuilt one last time and frozen; attendance is recorded. */
  async function start(ctx: RequestContext, id: string, body: z.infer<typeof MeetingStartBody>) {
    return db.$transaction(async (tx) => {
      const meeting = await lockForWrite(tx, id, body.version, ['scheduled'], 'start')
      const attendeeIds = meeting.attendees.map((attendee) => attendee.userId)
      const present = body.presentUserIds ?? attendeeIds
      await setPresence(tx, id, attendeeIds, present)
      const agenda = await writeAgenda(tx, id, meeting.horizonEnd)
      await tx.cabMeeting.update({
        where: { id },
        data: { status: 'in_progress', startedAt: ctx.now, version: { increment: 1 } },
      })
      await recordAudit(tx, ctx, {
        action: 'cab_meeting.started',
        entityType: 'cab_meeting',
        entityId: id,
        after: { present, agenda: agenda.map((entry) => entry.number) },
      })
      return viewOf(tx, id)
    })
  }

  async function recordAttendance(ctx: RequestContext, id: string, body: z.infer<typeof MeetingAttendanceBody>) {
    return db.$transaction(async (tx) => {
      const meeting = await lockForWrite(tx, id, body.version, ['in_progress'], 'record attendance')
      await setPresence(
        tx,
        id,
        meeting.attendees.map((attendee) => attendee.userId),
        body.presentUserIds,
      )
      await tx.cabMeeting.update({ where: { id }, data: { version: { increment: 1 } } })
      await recordAudit(tx, ctx, {
        action: 'cab_meeting.attendance_recorded',
        entityType: 'cab_meeting',
        entityId: id,
        before: { present: meeting.attendees.filter((a) => a.present).map((a) => a.userId) },
        after: { present: body.presentUserIds },
      })
      return viewOf(tx, id)
    })
  }

  async function close(ctx: RequestContext, id: string, version: number) {
    return db.$transaction(async (tx) => {
      await lockForWrite(tx, id, version, ['in_progress'], 'be closed')
      await tx.cabMeeting.update({
        where: { id },
        data: { status: 'closed', closedAt: ctx.now, version: { increment: 1 } },
      })
      await recordAudit(tx, ctx, { action: 'cab_meeting.closed', entityType: 'cab_meeting', entityId: id })
      return viewOf(tx, id)
    })
  }

  interface VoteOutcome {
    stageName: string | null
    refusalCode: string | null
    refusal: string | null
  }

  /** One voter's decision through the approvals module, as that member; a refusal is returned, not thrown. */
  async function castFor(
    ctx: RequestContext,
    voter: { id: string; name: string; email: string; roles: RequestContext['actor']['roles'] },
    changeId: string,
    body: z.infer<typeof MeetingDecisionBody>,
  ): Promise<VoteOutcome> {
    const change = await db.changeRequest.findUniqueOrThrow({
      where: { id: changeId },
      select: { version: true, state: true, approvalRound: true },
    })
    const stage = await db.approvalStage.findFirst({
      where: { changeId, round: change.approvalRound, status: 'open' },
      orderBy: { position: 'asc' },
      select: { id: true, name: true },
    })
    if (change.state !== 'authorize' || !stage)
      return {
        stageName: null,
        refusalCode: 'APPROVAL_NOT_OPEN',
        refusal: `the change is ${change.state}, with no open stage`,
      }
    const asVoter: RequestContext = {
      ...ctx,
      // The audit trail names the member and who recorded it; the chair's password gates high risk.
      actor: { ...voter, name: `${voter.name} (recorded in a CAB meeting by ${ctx.actor.name})` },
    }
    try {
      await approvals.decide(asVoter, changeId, stage.id, {
        decision: body.decision,
        comment: body.comment,
        version: change.version,
      })
      return { stageName: stage.name, refusalCode: null, refusal: null }
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error
      const reason = (error.details as { reason?: unknown } | undefined)?.reason
      return {
        stageName: stage.name,
        refusalCode: typeof reason === 'string' ? reason : error.code,
        refusal: error.message,
      }
    }
  }

  /**
   * Records one decision on an agenda item for the attending members who voted it: one after the
   * other, each through the approvals module as that member, so a stage completed by the first voters
   * opens the next for the rest, and one person still counts once in a round.
   */
  async function decide(
    ctx: RequestContext,
    meetingId: string,
    itemId: string,
    body: z.infer<typeof MeetingDecisionBody>,
  ): Promise<MeetingDecisionResult> {
    const meeting = await db.cabMeeting.findUnique({
      where: { id: meetingId },
      include: { attendees: { include: { user: { select: { id: true, name: true, email: true, roles: true } } } } },
    })
    if (!meeting) throw notFound('meeting', meetingId)
    if (meeting.status !== 'in_progress') throw refuseStatus(meeting.status, ['in_progress'], 'record decisions')
    const item = await db.cabMeetingItem.findFirst({ where: { id: itemId, meetingId } })
    if (!item) throw notFound('agenda item', itemId)
    const strangers = body.voterIds.filter((id) => !meeting.attendees.some((attendee) => attendee.userId === id))
    if (strangers.length > 0) throw invalid('voterIds', `not attendees of this meeting: ${strangers.join(', ')}`)

    const results: MeetingDecisionResult['results'] = []
    for (const voterId of body.voterIds) {
      const attendee = meeting.attendees.find((candidate) => candidate.userId === voterId)
      if (!attendee) continue
      const outcome: VoteOutcome = attendee.present
        ? await castFor(ctx, attendee.user, item.changeId, body)
        : { stageName: null, refusalCode: 'NOT_PRESENT', refusal: `${attendee.user.name} is not recorded as present` }
      const recorded = outcome.refusalCode === null
      await db.$transaction(async (tx) => {
        await tx.cabMeetingVote.create({
          data: {
            meetingId,
            itemId,
            userId: voterId,
            decision: body.decision,
            comment: body.comment,
            outcome: recorded ? 'recorded' : 'refused',
            ...outcome,
            recordedById: ctx.actor.id,
            createdAt: ctx.now,
          },
        })
        await recordAudit(tx, ctx, {
          action: recorded ? 'cab_meeting.vote_recorded' : 'cab_meeting.vote_refused',
          entityType: 'cab_meeting',
          entityId: meetingId,
          changeId: item.changeId,
          after: {
            item: item.number,
            voter: { id: voterId, name: attendee.user.name },
            decision: body.decision,
            ...outcome,
          },
        })
      })
      results.push({
        userId: voterId,
        name: attendee.user.name,
        outcome: recorded ? 'recorded' : 'refused',
        ...outcome,
      })
    }
    if (body.action !== '') {
      await db.$transaction(async (tx) => {
        await tx.cabMeetingItem.update({ where: { id: itemId }, data: { actions: { push: body.action } } })
        await recordAudit(tx, ctx, {
          action: 'cab_meeting.action_recorded',
          entityType: 'cab_meeting',
          entityId: meetingId,
          changeId: item.changeId,
          after: { item: item.number, action: body.action },
        })
      })
    }
    return { results, meeting: await viewOf(db, meetingId) }
  }

  return {
    list,
    get: (id: string) => viewOf(db, id),
    candidates: async () => ({ items: await meetingCandidates(db) }),
    schedule,
    update,
    refreshAgenda,
    start,
    recordAttendance,
    close,
    decide,
  }
}

export type MeetingsService = ReturnType<typeof createMeetingsService>
