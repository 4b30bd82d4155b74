// The change schedule: freezes and maintenance windows (recurring, per time zone and scope), the
// grouped conflicts of a change, the scheduling assistant, the calendar and its iCalendar feed.
import { z } from 'zod'
import { ConfigItemRef } from './catalog'
import { Id, Timestamp, Version, patchOf, requiredText, text } from './common'
import { ChangeCategory, ChangeState, ChangeType, RiskLevel, Role } from './vocabulary'

export const ScheduleRuleKind = z.enum(['freeze', 'window'])
export type ScheduleRuleKind = z.infer<typeof ScheduleRuleKind>
export const ScheduleScope = z.enum(['global', 'services', 'clusters', 'nodes', 'categories'])
export type ScheduleScope = z.infer<typeof ScheduleScope>
export const ScheduleConflictKind = z.enum([
  'same_item',
  'related_item',
  'freeze',
  'outside_window',
  'implementer_busy',
])
export type ScheduleConflictKind = z.infer<typeof ScheduleConflictKind>

/** A wall-clock time in the rule's zone, without offset: `2026-12-24T22:00`. */
export const LocalDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'must be a local date and time like 2026-12-24T22:00 (no offset)')

const RuleFields = z.object({
  name: requiredText(200),
  reason: text(2000).default(''),
  start: LocalDateTime,
  timeZone: z.string().trim().min(1).max(64),
  durationMinutes: z.number().int().min(1).max(527_040),
  /** RFC 5545 RRULE without DTSTART, e.g. `FREQ=WEEKLY;BYDAY=TU`; null for a one-off. */
  rrule: z.string().trim().min(1).max(500).nullable().default(null),
  exceptions: z.array(LocalDateTime).max(500).default([]),
  scope: ScheduleScope,
  /** The services, clusters or nodes of a services/clusters/nodes scope. */
  items: z.array(ConfigItemRef).max(5_000).default([]),
  /** The change categories of a categories scope. */
  categories: z.array(ChangeCategory).max(5).default([]),
  /** Freezes: who may override it for an emergency change. */
  overrideRoles: z.array(Role).max(6).default(['change_manager', 'admin']),
  active: z.boolean().default(true),
})

export const ScheduleRuleBody = RuleFields
export type ScheduleRuleBody = z.input<typeof ScheduleRuleBody>
export const ScheduleRulePatch = patchOf(RuleFields)
export type ScheduleRulePatch = z.input<typeof ScheduleRulePatch>

export const Interval = z.object({ start: Timestamp, end: Timestamp })
export type Interval = z.infer<typeof Interval>

export const ScheduleItemView = ConfigItemRef.extend({ name: z.string() })

export const ScheduleRuleView = z.object({
  id: Id,
  kind: ScheduleRuleKind,
  name: z.string(),
  reason: z.string(),
  start: LocalDateTime,
  timeZone: z.string(),
  durationMinutes: z.number().int(),
  rrule: z.string().nullable(),
  exceptions: z.array(LocalDateTime),
  scope: ScheduleScope,
  items: z.array(ScheduleItemView),
  categories: z.array(ChangeCategory),
  overrideRoles: z.array(Role),
  active: z.boolean(),
  /** The next few occurrences from now, for the admin page. */
  upcoming: z.array(Interval),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type ScheduleRuleView = z.infer<typeof ScheduleRuleView>
export const ScheduleRuleList = z.object({ items: z.array(ScheduleRuleView) })

export const ConflictView = z.object({
  kind: ScheduleConflictKind,
  blocking: z.boolean(),
  message: z.string(),
  otherChange: z.object({ id: Id, number: z.string(), title: z.string(), state: ChangeState }).nullable(),
  rule: z.object({ id: Id, kind: ScheduleRuleKind, name: z.string() }).nullable(),
  itemCount: z.number().int(),
  items: z.array(ScheduleItemView),
  overlap: Interval,
})
export type ConflictView = z.infer<typeof ConflictView>

export const ChangeConflicts = z.object({
  changeId: Id,
  evaluatedAt: Timestamp.nullable(),
  blocking: z.boolean(),
  compatible: z.boolean(),
  onHold: z.boolean(),
  holdReason: z.string().nullable(),
  freezeOverride: z.string().nullable(),
  conflicts: z.array(ConflictView),
})
export type ChangeConflicts = z.infer<typeof ChangeConflicts>

const endAfterStart = (value: { plannedStart: string; plannedEnd: string }, ctx: z.RefinementCtx) => {
  if (Date.parse(value.plannedEnd) <= Date.parse(value.plannedStart)) {
    ctx.addIssue({ code: 'custom', path: ['plannedEnd'], message: 'must be after plannedStart' })
  }
}

export const ConflictPreviewBody = z
  .object({
    type: ChangeType.default('normal'),
    category: ChangeCategory,
    affectedItems: z.array(ConfigItemRef).min(1).max(5_000),
    plannedStart: Timestamp,
    plannedEnd: Timestamp,
    implementerId: Id.nullable().default(null),
    /** The change being edited, so it does not conflict with itself. */
    changeId: Id.optional(),
  })
  .superRefine(endAfterStart)
export type ConflictPreviewBody = z.input<typeof ConflictPreviewBody>
export const ConflictPreview = z.object({ blocking: z.boolean(), conflicts: z.array(ConflictView) })
export type ConflictPreview = z.infer<typeof ConflictPreview>

export const SuggestSlotsBody = z.object({
  affectedItems: z.array(ConfigItemRef).min(1).max(5_000),
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(14 * 24 * 60),
  after: Timestamp.optional(),
  category: ChangeCategory.optional(),
  implementerId: Id.nullable().default(null),
  changeId: Id.optional(),
})
export type SuggestSlotsBody = z.input<typeof SuggestSlotsBody>
export const SuggestedSlots = z.object({ slots: z.array(Interval), searchedUntil: Timestamp })
export type SuggestedSlots = z.infer<typeof SuggestedSlots>

export const ScheduleOptionsBody = z.object({ compatible: z.boolean(), version: Version })

/** At most 92 days per calendar query: a quarter at once, never the whole history. */
export const CALENDAR_MAX_DAYS = 92
export const CalendarQuery = z.object({ from: Timestamp, to: Timestamp }).superRefine((value, ctx) => {
  const days = (Date.parse(value.to) - Date.parse(value.from)) / 86_400_000
  if (days <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' })
  else if (days > CALENDAR_MAX_DAYS)
    ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${CALENDAR_MAX_DAYS} days after from` })
})
export const CalendarChange = z.object({
  id: Id,
  number: z.string(),
  title: z.string(),
  type: ChangeType,
  state: ChangeState,
  riskLevel: RiskLevel,
  plannedStart: Timestamp,
  plannedEnd: Timestamp,
  onHold: z.boolean(),
})
export const CalendarOccurrence = Interval.extend({
  ruleId: Id,
  kind: ScheduleRuleKind,
  name: z.string(),
  scope: ScheduleScope,
})
export const CalendarView = z.object({
  changes: z.array(CalendarChange),
  occurrences: z.array(CalendarOccurrence),
})
export type CalendarView = z.infer<typeof CalendarView>

export const CalendarFeedStatus = z.object({
  active: z.boolean(),
  prefix: z.string().nullable(),
  createdAt: Timestamp.nullable(),
  lastUsedAt: Timestamp.nullable(),
})
/** Returned once when the feed URL is made or rotated: the secret is never stored. */
export const CalendarFeedCreated = z.object({ url: z.string(), token: z.string(), prefix: z.string() })
/** The feed token is the credential: a malformed one is answered like an unknown one (401), not as bad input. */
export const CalendarFeedParams = z.object({ token: z.string().max(200) })
export const CALENDAR_FEED_TOKEN = /^calf_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{20,64}$/

/** The `schedule` (and `start_implementation`) transition of an emergency change may override a freeze. */
export const FreezeOverride = z.object({ justification: requiredText(5000) })
