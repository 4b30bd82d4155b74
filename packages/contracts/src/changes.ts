// Requests for change: the form a requester fills in, the views the console and CLI read,
// transitions, the list filters and the audit timeline of one change.
import { z } from 'zod'
import { ConfigItemOption, ConfigItemRef } from './catalog'
import { Cursor, Id, Timestamp, Version, pageOf, patchOf, requiredText, text } from './common'
import { FreezeOverride } from './schedule'
import {
  ChangeCategory,
  ChangeEventType,
  ChangeState,
  ChangeSubcategory,
  ChangeType,
  CloseCode,
  RiskLevel,
} from './vocabulary'

export const RiskQuestionnaire = z.object({
  experience: z.enum(['routine', 'done-before', 'first-time']),
  automation: z.enum(['automated', 'partly-automated', 'manual']),
  testedInStaging: z.boolean(),
  rollbackTested: z.boolean(),
  requiresDowntime: z.boolean(),
  userVisible: z.boolean(),
})
export type RiskQuestionnaire = z.infer<typeof RiskQuestionnaire>

const driverVersion = z
  .string()
  .trim()
  .max(32)
  .regex(/^\d+(\.\d+){0,3}$/, 'must look like 570.86.15')

const ChangeFields = z.object({
  type: ChangeType,
  category: ChangeCategory,
  subcategory: ChangeSubcategory.nullable().default(null),
  title: requiredText(200),
  description: requiredText(20_000),
  justification: requiredText(20_000),
  plannedStart: Timestamp,
  plannedEnd: Timestamp,
  implementerId: Id.nullable().default(null),
  affectedItems: z.array(ConfigItemRef).min(1, 'name at least one affected item').max(5_000),
  implementationPlan: requiredText(50_000),
  testEvidence: text(50_000).default(''),
  rollbackPlan: requiredText(50_000),
  riskQuestionnaire: RiskQuestionnaire,
  targetDriverVersion: driverVersion.nullable().default(null),
})

const endAfterStart = (value: { plannedStart?: string; plannedEnd?: string }, ctx: z.RefinementCtx) => {
  if (value.plannedStart && value.plannedEnd && Date.parse(value.plannedEnd) <= Date.parse(value.plannedStart)) {
    ctx.addIssue({ code: 'custom', path: ['plannedEnd'], message: 'must be after plannedStart' })
  }
}

export const CreateChangeBody = ChangeFields.superRefine(endAfterStart)
export type CreateChangeBody = z.input<typeof CreateChangeBody>
/** Edits while the change is `new`: any subset of fields, with the version last read. */
// patchOf, not `.partial()`: the latter keeps the defaults, so a PATCH naming only the title would reset
// subcategory, implementerId, testEvidence and targetDriverVersion.
export const UpdateChangeBody = patchOf(ChangeFields.omit({ type: true })).superRefine(endAfterStart)
export type UpdateChangeBody = z.input<typeof UpdateChangeBody>

/** What the risk matrix shows: the computed cell and every reason that moved it. */
export const RiskAssessmentView = z.object({
  probability: z.number().int().min(1).max(5),
  impact: z.number().int().min(1).max(5),
  score: z.number().int().min(1).max(25),
  level: RiskLevel,
  computedLevel: RiskLevel,
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
  override: z.object({ level: RiskLevel, reason: z.string(), by: z.string() }).nullable(),
})
export type RiskAssessmentView = z.infer<typeof RiskAssessmentView>
export const RiskPreviewBody = ChangeFields.pick({
  category: true,
  subcategory: true,
  plannedStart: true,
  affectedItems: true,
  rollbackPlan: true,
  riskQuestionnaire: true,
  targetDriverVersion: true,
}).extend({
  affectedItems: z.array(ConfigItemRef).max(5_000),
  rollbackPlan: text(50_000).default(''),
})

export const TransitionBody = z.discriminatedUnion('event', [
  z.object({ event: z.literal('submit'), version: Version }),
  z.object({
    event: z.literal('request_authorization'),
    version: Version,
    riskOverride: z.object({ level: RiskLevel, reason: requiredText(2000) }).optional(),
  }),
  z.object({ event: z.literal('authorize'), version: Version, freezeOverride: FreezeOverride.optional() }),
  z.object({ event: z.literal('reject'), version: Version, comment: requiredText(5000) }),
  // An emergency change may pass a freeze with a written justification (audited, flagged for review).
  z.object({ event: z.literal('schedule'), version: Version, freezeOverride: FreezeOverride.optional() }),
  z.object({ event: z.literal('start_implementation'), version: Version, freezeOverride: FreezeOverride.optional() }),
  z.object({ event: z.literal('complete_implementation'), version: Version }),
  z.object({
    event: z.literal('close'),
    version: Version,
    closeCode: CloseCode,
    notes: text(5000).optional(),
  }),
  z.object({ event: z.literal('cancel'), version: Version, reason: requiredText(2000) }),
])
export type TransitionBody = z.infer<typeof TransitionBody>

const PersonRef = z.object({ id: Id, name: z.string(), email: z.string() })

export const ChangeSummary = z.object({
  id: Id,
  number: z.string(),
  type: ChangeType,
  category: ChangeCategory,
  subcategory: ChangeSubcategory.nullable(),
  title: z.string(),
  state: ChangeState,
  riskLevel: RiskLevel,
  riskScore: z.number().int(),
  plannedStart: Timestamp,
  plannedEnd: Timestamp,
  requester: PersonRef,
  affectedItemCount: z.number().int(),
  updatedAt: Timestamp,
})
export type ChangeSummary = z.infer<typeof ChangeSummary>

export const ChangeDetail = ChangeSummary.extend({
  description: z.string(),
  justification: z.string(),
  implementer: PersonRef.nullable(),
  implementationPlan: z.string(),
  testEvidence: z.string(),
  rollbackPlan: z.string(),
  riskQuestionnaire: RiskQuestionnaire,
  targetDriverVersion: z.string().nullable(),
  affectedItems: z.array(ConfigItemOption),
  risk: RiskAssessmentView,
  closeCode: CloseCode.nullable(),
  reviewRequired: z.boolean(),
  availableEvents: z.array(ChangeEventType),
  version: z.number().int(),
  createdAt: Timestamp,
})
export type ChangeDetail = z.infer<typeof ChangeDetail>

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value), z.array(item).max(20))

export const ChangeListQuery = z.object({
  state: csv(ChangeState).optional(),
  type: csv(ChangeType).optional(),
  category: csv(ChangeCategory).optional(),
  risk: csv(RiskLevel).optional(),
  mine: z.enum(['true', 'false']).optional(),
  q: text(200).optional(),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(25),
})
export type ChangeListQuery = z.input<typeof ChangeListQuery>
export type ChangeListParams = z.output<typeof ChangeListQuery>
export const ChangePage = pageOf(ChangeSummary)
export type ChangePage = z.infer<typeof ChangePage>

/** A change is addressed by its uuid or its number (`CHG0000001`). */
export const ChangeRefParams = z.object({
  id: z.union([Id, z.string().regex(/^CHG\d{7,}$/, 'must be a uuid or a change number like CHG0000001')]),
})

export const AuditEventView = z.object({
  id: z.string(),
  seq: z.number().int(),
  at: Timestamp,
  actor: z.object({ id: Id.nullable(), name: z.string() }),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  requestId: z.string().nullable(),
  hash: z.string(),
})
export type AuditEventView = z.infer<typeof AuditEventView>
export const Timeline = z.object({ items: z.array(AuditEventView) })
