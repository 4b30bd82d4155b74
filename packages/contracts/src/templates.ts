// Standard change templates (issue 3 part 4): proposed, approved by someone other than the proposer,
// versioned (an edit is the next version, proposed again) and retired. A change made from the current
// approved version is pre-approved and goes straight to `scheduled`.
import { z } from 'zod'
import { ConfigItemRef } from './catalog'
import { ChangeDetail } from './changes'
import { Id, Timestamp, Version, requiredText, text } from './common'
import { ChangeCategory, ChangeSubcategory, ConfigItemKind, RiskLevel } from './vocabulary'

export const ChangeTemplateStatus = z.enum(['proposed', 'approved', 'retired'])
export type ChangeTemplateStatus = z.infer<typeof ChangeTemplateStatus>

/** Standard changes are low risk by definition: anything riskier goes through the CAB. */
export const TemplateRiskLevel = RiskLevel.extract(['low'])

const TemplateContent = z.object({
  description: requiredText(20_000),
  category: ChangeCategory,
  subcategory: ChangeSubcategory.nullable().default(null),
  implementationPlan: requiredText(50_000),
  rollbackPlan: requiredText(50_000),
  riskLevel: TemplateRiskLevel.default('low'),
  /** What a change from this template may name: e.g. only nodes. */
  allowedKinds: z.array(ConfigItemKind).min(1, 'name at least one item kind').max(3),
  /** The most affected items (after expanding clusters to their nodes) one change may cover. */
  maxItems: z.number().int().min(1).max(5_000),
  /** How long a change from this template is planned to take; its planned end follows from it. */
  durationMinutes: z.number().int().min(1).max(10_080),
})

export const ProposeTemplateBody = TemplateContent.extend({ name: requiredText(200) })
export type ProposeTemplateBody = z.input<typeof ProposeTemplateBody>

/** The next version: the whole content again, with the version the editor read. */
export const TemplateVersionBody = TemplateContent.extend({ version: Version })
export type TemplateVersionBody = z.input<typeof TemplateVersionBody>

export const TemplateDecisionBody = z.object({ version: Version })
export const RetireTemplateBody = z.object({ version: Version, reason: requiredText(2000) })

const Person = z.object({ id: Id, name: z.string() })

export const TemplateVersionView = z.object({
  version: z.number().int(),
  description: z.string(),
  category: ChangeCategory,
  subcategory: ChangeSubcategory.nullable(),
  implementationPlan: z.string(),
  rollbackPlan: z.string(),
  riskLevel: RiskLevel,
  allowedKinds: z.array(ConfigItemKind),
  maxItems: z.number().int(),
  durationMinutes: z.number().int(),
  proposedBy: Person,
  proposedAt: Timestamp,
  approvedBy: Person.nullable(),
  approvedAt: Timestamp.nullable(),
})
export type TemplateVersionView = z.infer<typeof TemplateVersionView>

export const ChangeTemplateView = z.object({
  id: Id,
  name: z.string(),
  status: ChangeTemplateStatus,
  version: z.number().int(),
  retiredAt: Timestamp.nullable(),
  current: TemplateVersionView,
  /** How many changes were made from any version of it. */
  uses: z.number().int(),
  /** What the caller may do now: the console shows one button each. */
  actions: z.object({ approve: z.boolean(), edit: z.boolean(), retire: z.boolean(), use: z.boolean() }),
})
export type ChangeTemplateView = z.infer<typeof ChangeTemplateView>

export const ChangeTemplateList = z.object({ items: z.array(ChangeTemplateView) })
export type ChangeTemplateList = z.infer<typeof ChangeTemplateList>

export const TemplateListQuery = z.object({ status: ChangeTemplateStatus.optional() })

/**
 * A standard change from a template: which version the caller read (a newer one refuses with 409),
 * the items (clusters listed in `clusterIds` are expanded to their nodes: one change, many items) and
 * when. Everything else comes from the template.
 */
export const CreateFromTemplateBody = z
  .object({
    templateVersion: Version,
    title: text(200).optional(),
    justification: text(20_000).optional(),
    plannedStart: Timestamp,
    implementerId: Id.nullable().default(null),
    affectedItems: z.array(ConfigItemRef).max(5_000).default([]),
    clusterIds: z.array(Id).max(100).default([]),
    /** For a driver patch template: the driver the nodes move to (checked against their CUDA releases). */
    targetDriverVersion: z
      .string()
      .trim()
      .regex(/^\d+(\.\d+){0,3}$/, 'must look like 570.86.15')
      .nullable()
      .default(null),
  })
  .superRefine((value, ctx) => {
    if (value.affectedItems.length === 0 && value.clusterIds.length === 0)
      ctx.addIssue({ code: 'custom', path: ['affectedItems'], message: 'name at least one item or cluster' })
  })
export type CreateFromTemplateBody = z.input<typeof CreateFromTemplateBody>

export const TemplateChangeReply = z.object({
  change: ChangeDetail,
  template: z.object({ id: Id, name: z.string(), version: z.number().int() }),
})
export type TemplateChangeReply = z.infer<typeof TemplateChangeReply>

/** A break-fix emergency change's retroactive approval (issue 3 part 5); `breakFix` is null for any other change. */
export const BreakFixView = z.object({
  breakFix: z
    .object({
      startedAt: Timestamp,
      dueAt: Timestamp,
      approvedAt: Timestamp.nullable(),
      rejectedAt: Timestamp.nullable(),
      escalatedAt: Timestamp.nullable(),
      status: z.enum(['awaiting', 'overdue', 'approved', 'rejected']),
    })
    .nullable(),
})
export type BreakFixView = z.infer<typeof BreakFixView>
