// The change form's state and its translation to and from the contracts: what a person is typing
// (local date-times, unpicked selects) becomes a CreateChangeBody / UpdateChangeBody, parsed with
// the contracts' own schemas so the browser and the server reject the same things the same way.
import {
  CreateChangeBody,
  RiskPreviewBody,
  UpdateChangeBody,
  type ChangeCategory,
  type ChangeDetail,
  type ChangeSubcategory,
  type ChangeType,
  type ConfigItemOption,
  type FieldIssue,
  type RiskQuestionnaire,
} from '@cabinet/contracts'
import type { z } from 'zod'
import { ApiError, CLIENT_ERROR_CODES, zodIssuesToFieldIssues } from '../../lib/api-client'
import { fromLocalInputValue, isValidTimestamp, toLocalInputValue } from '../../lib/datetime'
import type { RiskPreviewInput } from '../risk/api'

export interface ChangeDraft {
  type: ChangeType
  /** '' until the person picks one. */
  category: ChangeCategory | ''
  subcategory: ChangeSubcategory | ''
  title: string
  description: string
  justification: string
  /** `<input type="datetime-local">` values, in the browser's time zone. */
  plannedStart: string
  plannedEnd: string
  implementerId: string | null
  /** Full options (not just refs) so the picker can show names without another request. */
  affectedItems: ConfigItemOption[]
  implementationPlan: string
  testEvidence: string
  rollbackPlan: string
  riskQuestionnaire: RiskQuestionnaire
  targetDriverVersion: string
}

export type QuestionnaireField = `riskQuestionnaire.${keyof RiskQuestionnaire}`
export type DraftField = Exclude<keyof ChangeDraft, 'riskQuestionnaire'> | QuestionnaireField

/** The subcategory whose changes carry a target driver version. */
export const DRIVER_SUBCATEGORY: ChangeSubcategory = 'gpu-driver'

export function emptyDraft(): ChangeDraft {
  return {
    type: 'normal',
    category: '',
    subcategory: '',
    title: '',
    description: '',
    justification: '',
    plannedStart: '',
    plannedEnd: '',
    implementerId: null,
    affectedItems: [],
    implementationPlan: '',
    testEvidence: '',
    rollbackPlan: '',
    riskQuestionnaire: {
      experience: 'done-before',
      automation: 'partly-automated',
      testedInStaging: false,
      rollbackTested: false,
      requiresDowntime: false,
      userVisible: false,
    },
    targetDriverVersion: '',
  }
}

export function draftFromChange(change: ChangeDetail): ChangeDraft {
  return {
    type: change.type,
    category: change.category,
    subcategory: change.subcategory ?? '',
    title: change.title,
    description: change.description,
    justification: change.justification,
    plannedStart: toLocalInputValue(change.plannedStart),
    plannedEnd: toLocalInputValue(change.plannedEnd),
    implementerId: change.implementer?.id ?? null,
    affectedItems: change.affectedItems,
    implementationPlan: change.implementationPlan,
    testEvidence: change.testEvidence,
    rollbackPlan: change.rollbackPlan,
    riskQuestionnaire: { ...change.riskQuestionnaire },
    targetDriverVersion: change.targetDriverVersion ?? '',
  }
}

/** The draft in the API's shape, still unchecked: the contract schema decides what is wrong. */
function candidateOf(draft: ChangeDraft) {
  const hasDriver = draft.subcategory === DRIVER_SUBCATEGORY && draft.targetDriverVersion.trim() !== ''
  return {
    type: draft.type,
    category: draft.category,
    subcategory: draft.subcategory === '' ? null : draft.subcategory,
    title: draft.title,
    description: draft.description,
    justification: draft.justification,
    plannedStart: fromLocalInputValue(draft.plannedStart),
    plannedEnd: fromLocalInputValue(draft.plannedEnd),
    implementerId: draft.implementerId,
    affectedItems: draft.affectedItems.map(({ kind, id }) => ({ kind, id })),
    implementationPlan: draft.implementationPlan,
    testEvidence: draft.testEvidence,
    rollbackPlan: draft.rollbackPlan,
    riskQuestionnaire: draft.riskQuestionnaire,
    targetDriverVersion: hasDriver ? draft.targetDriverVersion.trim() : null,
  }
}

function parseOrThrow<S extends z.ZodType>(schema: S, candidate: unknown): z.output<S> {
  const parsed = schema.safeParse(candidate)
  if (parsed.success) return parsed.data
  // The same error the server would send, so the form has one way to show it.
  throw new ApiError({
    status: 400,
    code: CLIENT_ERROR_CODES.validation,
    message: 'Some fields need attention',
    details: { issues: zodIssuesToFieldIssues(parsed.error) },
  })
}

export function toCreateBody(draft: ChangeDraft): CreateChangeBody {
  return parseOrThrow(CreateChangeBody, candidateOf(draft))
}

export function toUpdateBody(draft: ChangeDraft, version: number): UpdateChangeBody {
  const { type: _type, ...fields } = candidateOf(draft)
  return parseOrThrow(UpdateChangeBody, { ...fields, version })
}

/** What the live risk preview needs, or null until the draft holds a category and a planned start. */
export function toRiskPreviewInput(draft: ChangeDraft): RiskPreviewInput | null {
  const candidate = candidateOf(draft)
  if (candidate.category === '' || !isValidTimestamp(candidate.plannedStart)) return null
  const parsed = RiskPreviewBody.safeParse({
    category: candidate.category,
    subcategory: candidate.subcategory,
    plannedStart: candidate.plannedStart,
    affectedItems: candidate.affectedItems,
    rollbackPlan: candidate.rollbackPlan,
    riskQuestionnaire: candidate.riskQuestionnaire,
    targetDriverVersion: candidate.targetDriverVersion,
  })
  if (parsed.success) return parsed.data
  // A half-typed driver version must not blank the preview: assess without it until it is valid.
  const onlyDriverIsWrong = parsed.error.issues.every((issue) => issue.path[0] === 'targetDriverVersion')
  return onlyDriverIsWrong && draft.targetDriverVersion !== ''
    ? toRiskPreviewInput({ ...draft, targetDriverVersion: '' })
    : null
}

const QUESTIONNAIRE_KEYS: readonly (keyof RiskQuestionnaire)[] = [
  'experience',
  'automation',
  'testedInStaging',
  'rollbackTested',
  'requiresDowntime',
  'userVisible',
]
const DRAFT_KEYS: readonly Exclude<keyof ChangeDraft, 'riskQuestionnaire'>[] = [
  'type',
  'category',
  'subcategory',
  'title',
  'description',
  'justification',
  'plannedStart',
  'plannedEnd',
  'implementerId',
  'affectedItems',
  'implementationPlan',
  'testEvidence',
  'rollbackPlan',
  'targetDriverVersion',
]

/** `affectedItems.3.id` -> `affectedItems`, `riskQuestionnaire.automation` -> itself; null when no field fits. */
export function fieldForPath(path: string): DraftField | null {
  const [head, next] = path.split('.')
  if (head === 'riskQuestionnaire') {
    const key = QUESTIONNAIRE_KEYS.find((candidate) => candidate === next)
    return key ? `riskQuestionnaire.${key}` : null
  }
  return DRAFT_KEYS.find((candidate) => candidate === head) ?? null
}

export const fieldLabels: Record<Exclude<keyof ChangeDraft, 'riskQuestionnaire'>, string> = {
  type: 'Type',
  category: 'Category',
  subcategory: 'Subcategory',
  title: 'Title',
  description: 'What will change',
  justification: 'Why',
  plannedStart: 'Planned start',
  plannedEnd: 'Planned end',
  implementerId: 'Implementer',
  affectedItems: 'Affected items',
  implementationPlan: 'Implementation plan',
  testEvidence: 'Test evidence',
  rollbackPlan: 'Rollback plan',
  targetDriverVersion: 'Target driver version',
}

/** Makes zod's and the server's wording read like the form: field names become their labels. */
export function humanizeIssueMessage(message: string): string {
  if (/^Invalid option/i.test(message)) return 'Choose one of the options'
  if (/^Invalid ISO datetime|^Invalid datetime/i.test(message)) return 'Enter a date and time'
  let result = message
  for (const [key, label] of Object.entries(fieldLabels)) {
    result = result.replace(new RegExp(`\\b${key}\\b`, 'g'), label)
  }
  return result
}

export interface MappedIssues {
  byField: Partial<Record<DraftField, string>>
  /** Issues no field on the form can show (e.g. `version`). */
  unplaced: FieldIssue[]
}

export function mapIssuesToFields(issues: readonly FieldIssue[]): MappedIssues {
  const byField: Partial<Record<DraftField, string>> = {}
  const unplaced: FieldIssue[] = []
  for (const issue of issues) {
    const field = fieldForPath(issue.path)
    if (field === null) unplaced.push(issue)
    // The first problem of a field is the one to fix first; later ones often follow from it.
    else byField[field] ??= humanizeIssueMessage(issue.message)
  }
  return { byField, unplaced }
}
