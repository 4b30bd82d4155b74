// The closed vocabularies of a change request: types, states, categories, roles, risk levels, events.
// Each const array is the single source; the types are derived from it so a list and its type never drift.

export const CHANGE_TYPES = ['standard', 'normal', 'emergency'] as const
export type ChangeType = (typeof CHANGE_TYPES)[number]

export const CHANGE_STATES = [
  'new',
  'assess',
  'authorize',
  'scheduled',
  'implement',
  'review',
  'closed',
  'canceled',
] as const
export type ChangeState = (typeof CHANGE_STATES)[number]

export const CHANGE_CATEGORIES = ['infrastructure', 'software', 'configuration', 'model', 'security'] as const
export type ChangeCategory = (typeof CHANGE_CATEGORIES)[number]

export const CHANGE_SUBCATEGORIES = [
  'gpu-driver',
  'cuda',
  'gpu-firmware',
  'framework',
  'os-kernel',
  'network',
  'storage',
  'scheduler',
  'coolant-maintenance',
  'model-deployment',
  'access-control',
  'other',
] as const
export type ChangeSubcategory = (typeof CHANGE_SUBCATEGORIES)[number]

export const CLOSE_CODES = ['successful', 'successful_with_issues', 'failed', 'rolled_back'] as const
export type CloseCode = (typeof CLOSE_CODES)[number]

export const ROLES = ['requester', 'cab_member', 'change_manager', 'implementer', 'auditor', 'admin'] as const
export type Role = (typeof ROLES)[number]

/** Ordered from least to most severe: raising a level means moving right in this list. */
export const RISK_LEVELS = ['low', 'moderate', 'high', 'critical'] as const
export type RiskLevel = (typeof RISK_LEVELS)[number]

export const CHANGE_EVENTS = [
  'submit',
  'request_authorization',
  'authorize',
  'reject',
  'schedule',
  'start_implementation',
  'complete_implementation',
  'close',
  'cancel',
] as const
export type ChangeEventType = (typeof CHANGE_EVENTS)[number]

/** Terminal states: no event leaves them. */
export const TERMINAL_CHANGE_STATES = ['closed', 'canceled'] as const satisfies readonly ChangeState[]

/** The states each type passes through, in order (DESIGN.md, "States"); canceled is reachable from before review. */
export const CHANGE_PATHS = {
  normal: ['new', 'assess', 'authorize', 'scheduled', 'implement', 'review', 'closed'],
  standard: ['new', 'scheduled', 'implement', 'review', 'closed'],
  emergency: ['new', 'authorize', 'implement', 'review', 'closed'],
} as const satisfies Record<ChangeType, readonly ChangeState[]>

function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value)
}

// Guards for values that arrive from outside the type system (stored rows, query strings).
export const isChangeType = (value: unknown): value is ChangeType => isOneOf(CHANGE_TYPES, value)
export const isChangeState = (value: unknown): value is ChangeState => isOneOf(CHANGE_STATES, value)
export const isCloseCode = (value: unknown): value is CloseCode => isOneOf(CLOSE_CODES, value)
export const isRole = (value: unknown): value is Role => isOneOf(ROLES, value)
export const isRiskLevel = (value: unknown): value is RiskLevel => isOneOf(RISK_LEVELS, value)
export const isChangeEventType = (value: unknown): value is ChangeEventType => isOneOf(CHANGE_EVENTS, value)
