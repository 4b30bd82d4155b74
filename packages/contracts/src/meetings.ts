// CAB meetings (issue 3 part 6): scheduling, the agenda, attendance, decisions recorded for the
// attending members (each becomes that member's approval decision) and the minutes.
import { z } from 'zod'
import { ApprovalDecisionKind, ApprovalGroupKind } from './approvals'
import { Id, requiredText, text, Timestamp, Version } from './common'
import { ChangeState, RiskLevel } from './vocabulary'

export const CabMeetingStatus = z.enum(['scheduled', 'in_progress', 'closed'])
export type CabMeetingStatus = z.infer<typeof CabMeetingStatus>

const attendeeIds = z
  .array(Id)
  .min(1, 'a meeting needs at least one attendee')
  .max(200)
  .refine((ids) => new Set(ids).size === ids.length, 'lists someone twice')

export const CabMeetingBody = z
  .object({
    title: requiredText(200),
    startsAt: Timestamp,
    endsAt: Timestamp,
    /** The agenda holds the changes awaiting authorization planned to start before this instant. */
    horizonEnd: Timestamp,
    attendeeIds,
  })
  .superRefine((body, ctx) => {
    if (Date.parse(body.endsAt) <= Date.parse(body.startsAt))
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' })
    if (Date.parse(body.horizonEnd) <= Date.parse(body.startsAt))
      ctx.addIssue({ code: 'custom', path: ['horizonEnd'], message: 'must be after startsAt' })
  })
export type CabMeetingBody = z.input<typeof CabMeetingBody>

export const CabMeetingPatch = z.object({
  title: requiredText(200).optional(),
  startsAt: Timestamp.optional(),
  endsAt: Timestamp.optional(),
  horizonEnd: Timestamp.optional(),
  attendeeIds: attendeeIds.optional(),
  version: Version,
})
export type CabMeetingPatch = z.input<typeof CabMeetingPatch>

export const CabMeetingListQuery = z.object({ status: CabMeetingStatus.optional() })

export const MeetingPerson = z.object({ id: Id, name: z.string(), email: z.string() })
export type MeetingPerson = z.infer<typeof MeetingPerson>

/** A member of a CAB group who may be invited, with the kinds of the groups they sit on. */
export const MeetingCandidate = MeetingPerson.extend({ groupKinds: z.array(ApprovalGroupKind) })
export type MeetingCandidate = z.infer<typeof MeetingCandidate>
export const MeetingCandidates = z.object({ items: z.array(MeetingCandidate) })

export const MeetingAttendeeView = MeetingPerson.extend({ present: z.boolean() })
export type MeetingAttendeeView = z.infer<typeof MeetingAttendeeView>

export const MeetingVoteView = z.object({
  id: Id,
  user: MeetingPerson,
  decision: ApprovalDecisionKind,
  comment: z.string(),
  outcome: z.enum(['recorded', 'refused']),
  /** The approval stage the decision went to (recorded ones). */
  stageName: z.string().nullable(),
  /** Why the approvals module would not count it: `SELF_APPROVAL`, `NOT_ELIGIBLE`, `NOT_PRESENT`... */
  refusalCode: z.string().nullable(),
  refusal: z.string().nullable(),
  recordedAt: Timestamp,
})
export type MeetingVoteView = z.infer<typeof MeetingVoteView>

export const MeetingItemView = z.object({
  id: Id,
  position: z.number().int(),
  changeId: Id,
  number: z.string(),
  title: z.string(),
  /** Risk and planned start as they were when the agenda was built. */
  riskLevel: RiskLevel,
  plannedStart: Timestamp,
  /** The change's state now. */
  state: ChangeState,
  /** What the change came to: `authorized` (it left authorize forward), `rejected`, or still `awaiting`. */
  outcome: z.enum(['awaiting', 'authorized', 'rejected', 'withdrawn']),
  actions: z.array(z.string()),
  votes: z.array(MeetingVoteView),
})
export type MeetingItemView = z.infer<typeof MeetingItemView>

export const CabMeetingSummary = z.object({
  id: Id,
  title: z.string(),
  startsAt: Timestamp,
  endsAt: Timestamp,
  horizonEnd: Timestamp,
  status: CabMeetingStatus,
  attendeeCount: z.number().int(),
  itemCount: z.number().int(),
  version: z.number().int(),
})
export type CabMeetingSummary = z.infer<typeof CabMeetingSummary>
export const CabMeetingList = z.object({ items: z.array(CabMeetingSummary) })

export const CabMeetingView = CabMeetingSummary.extend({
  createdBy: MeetingPerson,
  startedAt: Timestamp.nullable(),
  closedAt: Timestamp.nullable(),
  attendees: z.array(MeetingAttendeeView),
  items: z.array(MeetingItemView),
})
export type CabMeetingView = z.infer<typeof CabMeetingView>

export const MeetingStartBody = z.object({
  version: Version,
  /** Who is present; every attendee when left out. */
  presentUserIds: z.array(Id).max(200).optional(),
})
export const MeetingAttendanceBody = z.object({ version: Version, presentUserIds: z.array(Id).max(200) })

export const MeetingDecisionBody = z
  .object({
    decision: ApprovalDecisionKind,
    comment: text(5000).default(''),
    /** The attending members who voted this way; each becomes that member's decision. */
    voterIds: z
      .array(Id)
      .min(1, 'name at least one attending member who voted')
      .max(200)
      .refine((ids) => new Set(ids).size === ids.length, 'lists someone twice'),
    /** A follow-up action agreed on the item, added to the minutes. */
    action: text(1000).default(''),
  })
  .superRefine((body, ctx) => {
    if (body.decision !== 'approve' && body.comment === '')
      ctx.addIssue({ code: 'custom', path: ['comment'], message: `a ${body.decision} decision needs a comment` })
  })
export type MeetingDecisionBody = z.input<typeof MeetingDecisionBody>

export const MeetingItemParams = z.object({ id: Id, itemId: Id })

/** Per voter: recorded (with the stage it counted on) or refused with the approvals module's reason. */
export const MeetingDecisionResult = z.object({
  results: z.array(
    z.object({
      userId: Id,
      name: z.string(),
      outcome: z.enum(['recorded', 'refused']),
      stageName: z.string().nullable(),
      refusalCode: z.string().nullable(),
      refusal: z.string().nullable(),
    }),
  ),
  meeting: CabMeetingView,
})
export type MeetingDecisionResult = z.infer<typeof MeetingDecisionResult>
