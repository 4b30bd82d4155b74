// Approval policies as data: which policy a change falls under, and what each stage asks for.
// Pure over plain values; the API stores policies and the facts of a change, this decides.
import type { ChangeCategory, ChangeType, RiskLevel } from '../change/vocabulary'

/** The groups a stage may name; the users/groups tables carry the same kinds. */
export const APPROVAL_GROUP_KINDS = [
  'technical',
  'business',
  'security',
  'financial',
  'executive',
  'gpu_platform',
  'ecab',
] as const
export type ApprovalGroupKind = (typeof APPROVAL_GROUP_KINDS)[number]

export const QUORUM_KINDS = ['any', 'all', 'count', 'percent'] as const
export type QuorumKind = (typeof QUORUM_KINDS)[number]

/** What happens when a stage is still open at its due time. */
export const EXPIRY_ACTIONS = ['escalate', 'reject'] as const
export type ExpiryAction = (typeof EXPIRY_ACTIONS)[number]

/** `value` is N for `count` and the percentage for `percent`; absent otherwise. */
export interface Quorum {
  kind: QuorumKind
  value?: number | null
}

/**
 * Every listed condition must hold; an empty or absent list matches anything. Services match when
 * any affected service is listed, criticality when any affected service reaches the minimum.
 */
export interface PolicyConditions {
  types?: readonly ChangeType[]
  categories?: readonly ChangeCategory[]
  subcategories?: readonly string[]
  riskLevels?: readonly RiskLevel[]
  serviceIds?: readonly string[]
  minServiceCriticality?: number | null
}

export interface PolicyStage {
  name: string
  groupKinds: readonly ApprovalGroupKind[]
  quorum: Quorum
  dueMinutes: number
  expiryAction: ExpiryAction
}

export interface ApprovalPolicyDefinition {
  id: string
  name: string
  /** Lower is tried first; ties are broken by name so the order never depends on storage. */
  priority: number
  enabled: boolean
  conditions: PolicyConditions
  stages: readonly PolicyStage[]
}

/** What a policy's conditions look at. `services` are the affected services, directly or through their clusters and nodes. */
export interface ChangeFacts {
  type: ChangeType
  category: ChangeCategory
  subcategory: string | null
  riskLevel: RiskLevel
  services: readonly { id: string; criticality: number }[]
}

const listed = <T>(list: readonly T[] | undefined, value: T): boolean =>
  list === undefined || list.length === 0 || list.includes(value)

export function policyMatches(conditions: PolicyConditions, facts: ChangeFacts): boolean {
  if (!listed(conditions.types, facts.type)) return false
  if (!listed(conditions.categories, facts.category)) return false
  if (
    conditions.subcategories?.length &&
    (facts.subcategory === null || !conditions.subcategories.includes(facts.subcategory))
  )
    return false
  if (!listed(conditions.riskLevels, facts.riskLevel)) return false
  if (conditions.serviceIds?.length && !facts.services.some((service) => conditions.serviceIds?.includes(service.id)))
    return false
  const minimum = conditions.minServiceCriticality
  if (typeof minimum === 'number' && !facts.services.some((service) => service.criticality >= minimum)) return false
  return true
}

export function orderPolicies<P extends Pick<ApprovalPolicyDefinition, 'priority' | 'name'>>(
  policies: readonly P[],
): P[] {
  return [...policies].sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** The first enabled policy, in priority order, whose conditions the change meets; null when none does. */
export function selectPolicy<P extends ApprovalPolicyDefinition>(policies: readonly P[], facts: ChangeFacts): P | null {
  return orderPolicies(policies).find((policy) => policy.enabled && policyMatches(policy.conditions, facts)) ?? null
}

/** Why a quorum is malformed, or null: the API refuses such a policy with this message. */
export function quorumProblem(quorum: Quorum): string | null {
  switch (quorum.kind) {
    case 'any':
    case 'all':
      return quorum.value === undefined || quorum.value === null ? null : `quorum '${quorum.kind}' takes no value`
    case 'count':
      return Number.isInteger(quorum.value) && (quorum.value as number) >= 1
        ? null
        : "quorum 'count' needs a whole number N >= 1"
    case 'percent':
      return Number.isInteger(quorum.value) && (quorum.value as number) >= 1 && (quorum.value as number) <= 100
        ? null
        : "quorum 'percent' needs a whole percentage from 1 to 100"
    default: {
      const unknown: never = quorum.kind
      return `unknown quorum ${String(unknown)}`
    }
  }
}
