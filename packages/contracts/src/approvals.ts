// CAB approvals: policies (admin CRUD), a change's approval stages, decisions, the preview and the queue.
import { z } from 'zod'
import { ChangeRefParams, ChangeSummary } from './changes'
import { Id, patchOf, requiredText, text, Timestamp, Version } from './common'
import { ChangeCategory, ChangeState, ChangeSubcategory, ChangeType, RiskLevel } from './vocabulary'

export const ApprovalGroupKind = z.enum([
  'technical',
  'business',
  'security',
  'financial',
  'executive',
  'gpu_platform',
  'ecab',
])
export type ApprovalGroupKind = z.infer<typeof ApprovalGroupKind>
export const QuorumKind = z.enum(['any', 'all', 'count', 'percent'])
export type QuorumKind = z.infer<typeof QuorumKind>
export const ExpiryAction = z.enum(['escalate', 'reject'])
export type ExpiryAction = z.infer<typeof ExpiryAction>
export const ApprovalStageStatus = z.enum(['pending', 'open', 'approved', 'rejected', 'withdrawn'])
export type ApprovalStageStatus = z.infer<typeof ApprovalStageStatus>
export const ApprovalDecisionKind = z.enum(['approve', 'reject', 'request_info'])
export type ApprovalDecisionKind = z.infer<typeof ApprovalDecisionKind>

/** `value`: N for `count`, the percentage for `percent`, null for `any` and `all`. */
export const Quorum = z
  .object({ kind: QuorumKind, value: z.number().int().min(1).max(1000).nullable().default(null) })
  .superRefine((quorum, ctx) => {
    const needsValue = quorum.kind === 'count' || quorum.kind === 'percent'
    if (needsValue && quorum.value === null)
      ctx.addIssue({ code: 'custom', path: ['value'], message: `quorum '${quorum.kind}' needs a value` })
    if (!needsValue && quorum.value !== null)
      ctx.addIssue({ code: 'custom', path: ['value'], message: `quorum '${quorum.kind}' takes no value` })
    if (quorum.kind === 'percent' && quorum.value !== null && quorum.value > 100)
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'a percentage is at most 100' })
  })
export type Quorum = z.infer<typeof Quorum>

/** Every listed condition must hold; an empty list matches anything. */
export const PolicyConditions = z.object({
  types: z.array(ChangeType).max(3).default([]),
  categories: z.array(ChangeCategory).max(20).default([]),
  subcategories: z.array(ChangeSubcategory).max(50).default([]),
  riskLevels: z.array(RiskLevel).max(4).default([]),
  serviceIds: z.array(Id).max(200).default([]),
  minServiceCriticality: z.number().int().min(1).max(5).nullable().default(null),
})
export type PolicyConditions = z.infer<typeof PolicyConditions>

export const PolicyStageBody = z.object({
  name: requiredText(100),
  groupKinds: z.array(ApprovalGroupKind).min(1).max(7),
  quorum: Quorum,
  /** Up to 30 days. */
  dueMinutes: z.number().int().min(1).max(43_200),
  expiryAction: ExpiryAction.default('escalate'),
})
export type PolicyStageBody = z.input<typeof PolicyStageBody>

export const ApprovalPolicyBody = z.object({
  name: requiredText(100),
  description: text(2000).default(''),
  /** Lower is tried first. */
  priority: z.number().int().min(0).max(1_000_000),
  enabled: z.boolean().default(true),
  breakFixAllowed: z.boolean().default(false),
  /** How long a break-fix emergency change may wait for its retroactive approval: 15 min to 7 days. */
  retroactiveWithinMinutes: z.number().int().min(15).max(10_080).default(1440),
  conditions: PolicyConditions.default({
    types: [],
    categories: [],
    subcategories: [],
    riskLevels: [],
    serviceIds: [],
    minServiceCriticality: null,
  }),
  stages: z.array(PolicyStageBody).min(1).max(10),
})
export type ApprovalPolicyBody = z.input<typeof ApprovalPolicyBody>
export const ApprovalPolicyPatch = patchOf(ApprovalPolicyBody)
export type ApprovalPolicyPatch = z.input<typeof ApprovalPolicyPatch>

export const PolicyStageView = z.object({
  position: z.number().int(),
  name: z.string(),
  groupKinds: z.array(ApprovalGroupKind),
  quorum: Quorum,
  dueMinutes: z.number().int(),
  expiryAction: ExpiryAction,
})
export type PolicyStageView = z.infer<typeof PolicyStageView>

export const ApprovalPolicyView = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  priority: z.number().int(),
  enabled: z.boolean(),
  breakFixAllowed: z.boolean(),
  retroactiveWithinMinutes: z.number().int(),
  conditions: PolicyConditions,
  stages: z.array(PolicyStageView),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type ApprovalPolicyView = z.infer<typeof ApprovalPolicyView>
export const ApprovalPolicyList = z.object({ items: z.array(ApprovalPolicyView) })

const PersonRef = z.object({ id: Id, name: z.string() })

export const ApprovalDecisionView = z.object({
  id: Id,
  user: PersonRef,
  decision: ApprovalDecisionKind,
  comment: z.string(),
  at: Timestamp,
})
export type ApprovalDecisionView = z.infer<typeof ApprovalDecisionView>

export const ApprovalStageView = z.object({
  id: Id,
  round: z.number().int(),
  position: z.number().int(),
  name: z.string(),
  policyName: z.string(),
  groupKinds: z.array(ApprovalGroupKind),
  quorum: Quorum,
  quorumText: z.string(),
  status: ApprovalStageStatus,
  /** Approvals needed; null until the stage opens. */
  required: z.number().int().nullable(),
  approvals: z.number().int(),
  eligible: z.array(PersonRef),
  expiryAction: ExpiryAction,
  openedAt: Timestamp.nullable(),
  dueAt: Timestamp.nullable(),
  completedAt: Timestamp.nullable(),
  infoRequestedAt: Timestamp.nullable(),
  escalatedAt: Timestamp.nullable(),
  decisions: z.array(ApprovalDecisionView),
  /** Whether the viewer may decide this stage now; `refusal` says why not when it is open. */
  canDecide: z.boolean(),
  refusal: z.string().nullable(),
})
export type ApprovalStageView = z.infer<typeof ApprovalStageView>

export const ChangeApprovalsView = z.object({
  changeId: Id,
  number: z.string(),
  state: ChangeState,
  riskLevel: RiskLevel,
  /** The change's version: a decision names it, like every other write on the change. */
  version: z.number().int(),
  round: z.number().int(),
  approvalsComplete: z.boolean(),
  /** Decisions on high and critical risk need a password entered within the last five minutes. */
  reauthenticationRequired: z.boolean(),
  stages: z.array(ApprovalStageView),
})
export type ChangeApprovalsView = z.infer<typeof ChangeApprovalsView>

export const ApprovalPreview = z.object({
  policy: z.object({ id: Id, name: z.string() }).nullable(),
  stages: z.array(
    PolicyStageView.extend({
      quorumText: z.string(),
      /** People who could decide it if it opened now (group members less the requester and implementer). */
      eligibleCount: z.number().int(),
      required: z.number().int(),
      /** False when the groups have too few eligible members to ever meet the quorum. */
      reachable: z.boolean(),
    }),
  ),
})
export type ApprovalPreview = z.infer<typeof ApprovalPreview>

export const ApprovalDecisionBody = z
  .object({ decision: ApprovalDecisionKind, comment: text(5000).default(''), version: Version })
  .superRefine((body, ctx) => {
    if (body.decision !== 'approve' && body.comment === '')
      ctx.addIssue({ code: 'custom', path: ['comment'], message: `a ${body.decision} decision needs a comment` })
  })
export type ApprovalDecisionBody = z.input<typeof ApprovalDecisionBody>

export const ApprovalParams = ChangeRefParams.extend({ approvalId: Id })

export const CabQueueQuery = z.object({
  risk: z
    .string()
    .max(100)
    .optional()
    .transform((value) => (value ? value.split(',') : []))
    .pipe(z.array(RiskLevel)),
  type: ChangeType.optional(),
  /** `mine` (default): stages I may decide now; `all`: every open stage. */
  scope: z.enum(['mine', 'all']).default('mine'),
})

export const CabQueueItem = z.object({
  change: ChangeSummary,
  /** The change's version, which a decision names. */
  version: z.number().int(),
  /** The cell of the change's current risk assessment, for the risk matrix. */
  risk: z.object({ probability: z.number().int(), impact: z.number().int() }),
  stage: z.object({
    id: Id,
    name: z.string(),
    position: z.number().int(),
    stageCount: z.number().int(),
    required: z.number().int(),
    approvals: z.number().int(),
    dueAt: Timestamp,
    infoRequestedAt: Timestamp.nullable(),
    escalatedAt: Timestamp.nullable(),
  }),
  canDecide: z.boolean(),
})
export type CabQueueItem = z.infer<typeof CabQueueItem>
export const CabQueue = z.object({ items: z.array(CabQueueItem) })

export const ReauthenticateBody = z.object({ password: z.string().min(1, 'must not be empty').max(1024) })
export const ReauthenticatedView = z.object({ reauthenticatedAt: Timestamp })
