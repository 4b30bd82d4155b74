// Human words and colours for the contracts' closed vocabularies, so every page says the same thing.
// Records keyed by the enums fail the typecheck if a value is added to the contracts and not here.
import type {
  ChangeCategory,
  ChangeEventType,
  ChangeState,
  ChangeSubcategory,
  ChangeType,
  CloseCode,
  ConfigItemKind,
  RiskLevel,
} from '@cabinet/contracts'

export const changeTypeLabels: Record<ChangeType, string> = {
  standard: 'Standard',
  normal: 'Normal',
  emergency: 'Emergency',
}

export const changeStateLabels: Record<ChangeState, string> = {
  new: 'New',
  assess: 'Assess',
  authorize: 'Authorize',
  scheduled: 'Scheduled',
  implement: 'Implement',
  review: 'Review',
  closed: 'Closed',
  canceled: 'Canceled',
}

export const changeStateColors: Record<ChangeState, string> = {
  new: 'gray',
  assess: 'blue',
  authorize: 'violet',
  scheduled: 'cyan',
  implement: 'indigo',
  review: 'teal',
  closed: 'dark',
  canceled: 'gray',
}

export const categoryLabels: Record<ChangeCategory, string> = {
  infrastructure: 'Infrastructure',
  software: 'Software',
  configuration: 'Configuration',
  model: 'Model',
  security: 'Security',
}

export const subcategoryLabels: Record<ChangeSubcategory, string> = {
  'gpu-driver': 'GPU driver',
  cuda: 'CUDA',
  'gpu-firmware': 'GPU firmware',
  framework: 'Framework',
  'os-kernel': 'OS kernel',
  network: 'Network',
  storage: 'Storage',
  scheduler: 'Scheduler',
  'coolant-maintenance': 'Coolant maintenance',
  'model-deployment': 'Model deployment',
  'access-control': 'Access control',
  other: 'Other',
}

export const riskLevelLabels: Record<RiskLevel, string> = {
  low: 'Low',
  moderate: 'Moderate',
  high: 'High',
  critical: 'Critical',
}

/** The bands of DESIGN.md's risk matrix: low green, moderate yellow, high orange, critical red. */
export const riskLevelColors: Record<RiskLevel, string> = {
  low: 'green',
  moderate: 'yellow',
  high: 'orange',
  critical: 'red',
}

/** Score 1-4 low, 5-9 moderate, 10-14 high, 15-25 critical. */
export function riskLevelForScore(score: number): RiskLevel {
  if (score >= 15) return 'critical'
  if (score >= 10) return 'high'
  if (score >= 5) return 'moderate'
  return 'low'
}

export const closeCodeLabels: Record<CloseCode, string> = {
  successful: 'Successful',
  successful_with_issues: 'Successful with issues',
  failed: 'Failed',
  rolled_back: 'Rolled back',
}

export const configItemKindLabels: Record<ConfigItemKind, string> = {
  service: 'Service',
  cluster: 'Cluster',
  node: 'Node',
}

export const configItemKindColors: Record<ConfigItemKind, string> = {
  service: 'grape',
  cluster: 'blue',
  node: 'gray',
}

/** The button text of each transition; `submit` depends on where the change type goes next. */
export function changeEventLabel(event: ChangeEventType, type: ChangeType): string {
  switch (event) {
    case 'submit':
      if (type === 'normal') return 'Submit for assessment'
      return type === 'emergency' ? 'Submit for authorization' : 'Submit for scheduling'
    case 'request_authorization':
      return 'Request authorization'
    case 'authorize':
      return 'Authorize'
    case 'reject':
      return 'Reject'
    case 'schedule':
      return 'Schedule'
    case 'start_implementation':
      return 'Start implementation'
    case 'complete_implementation':
      return 'Complete implementation'
    case 'close':
      return 'Close change'
    case 'cancel':
      return 'Cancel change'
    default:
      return assertNever(event)
  }
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`)
}

/** Select data for a vocabulary, in the contracts' order. */
// Object.keys of a Record keyed by the enum holds exactly the enum values.
export function optionsOf<Value extends string>(labels: Record<Value, string>): { value: Value; label: string }[] {
  return (Object.keys(labels) as Value[]).map((value) => ({ value, label: labels[value] }))
}
